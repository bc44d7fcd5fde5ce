"""Typed errors shared by every layer. Each carries a message fit to show a user."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class DossierError(Exception):
    """Base of every error Dossier raises on purpose; its text is shown to the user."""


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``path`` is ``collection[id].field`` as in the interchange spec."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValidationError(DossierError):
    """A record or document breaks the rules; ``errors`` lists every problem found."""

    def __init__(self, errors: list[FieldError], truncated: bool = False):
        self.errors = list(errors)
        self.truncated = truncated  # checking stopped early: there are more problems than listed
        super().__init__(self._summary())

    def heading(self) -> str:
        if self.truncated:
            return f"more than {len(self.errors)} problems; checking stopped after the first {len(self.errors)}:"
        return f"{len(self.errors)} problems:"

    def _summary(self) -> str:
        if len(self.errors) == 1 and not self.truncated:
            return str(self.errors[0])
        lines = [self.heading()]
        lines += [f"  {e}" for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"  … and {len(self.errors) - 50} more")
        return "\n".join(lines)

    def fields(self) -> set[str]:
        """The last component of every path, e.g. ``{"name", "party"}``."""
        return {e.path.rsplit(".", 1)[-1].split("[", 1)[0] for e in self.errors}


class NotFoundError(DossierError):
    def __init__(self, collection: str, record_id: str):
        self.collection = collection
        self.record_id = record_id
        from dossier.model.text import quote_user_text

        super().__init__(f"{collection}: no record with id {quote_user_text(record_id)}")


@dataclass(frozen=True)
class Reference:
    """A record that refers to another: ``positions[pos-1].party``."""

    collection: str
    record_id: str
    field: str

    def __str__(self) -> str:
        return f"{self.collection}[{self.record_id}].{self.field}"


class ReferencedError(DossierError):
    """Deleting a record that others refer to, without asking for a cascade."""

    def __init__(self, collection: str, record_id: str, references: list[Reference]):
        self.collection = collection
        self.record_id = record_id
        self.references = list(references)
        shown = ", ".join(str(r) for r in self.references[:10])
        more = f" and {len(self.references) - 10} more" if len(self.references) > 10 else ""
        super().__init__(
            f"{collection}[{record_id}] is referred to by {len(self.references)} "
            f"record field(s): {shown}{more}"
        )


class WorkspaceError(DossierError):
    """A workspace file cannot be opened or used."""


class UnsafeFileError(WorkspaceError):
    """A symbolic link, or something else that is not a plain file or folder of Dossier's own,
    stands where Dossier keeps one of its files or folders (lock, backups, temporary or
    replaced file). It is named, never followed, and nothing is written through it."""


@dataclass(frozen=True)
class LockHolder:
    """Who holds a workspace's lock, as its lock file tells."""

    user: str
    host: str
    pid: int
    since: str
    program: str = "Dossier"

    def describe(self) -> str:
        return f"{self.program} by {self.user} on {self.host} (process {self.pid}, since {self.since})"


class WorkspaceLockedError(WorkspaceError):
    """Another program holds the workspace's lock; it can be opened read-only."""

    def __init__(self, path: Path, holder: LockHolder | None):
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another program"
        super().__init__(f"{path.name} is open in {who}; it can be opened read-only, "
                         "or after that program closes it")


class WorkspaceDamagedError(WorkspaceError):
    """The file is damaged; it is left exactly as it is."""

    def __init__(self, path: Path, reason: str, backup: Path | None = None):
        self.path = path
        self.reason = reason
        self.backup = backup
        advice = (f" The newest good backup is {backup}; restore it with: "
                  f"dossier restore --db {path} {backup}" if backup else " No good backup was found.")
        super().__init__(f"{path.name} is damaged: {reason}. The file has not been changed.{advice}")


class NotSQLiteError(WorkspaceError):
    pass


class NotAWorkspaceError(WorkspaceError):
    pass


class ForeignSchemaError(NotAWorkspaceError):
    """The file's schema is not the one Dossier's migrations make; it was not opened or changed.

    ``problems`` lists every difference, one line each; ``revision`` is the schema revision
    the file claims. ``team``: a PostgreSQL workspace (``path`` is then its shown name)."""

    #: How many of the differences the message names (``check`` lists them all).
    NAMED = 1

    def __init__(self, path: Path | str, revision: str | None, problems: Sequence[str], *, team: bool = False):
        self.path = path
        self.revision = revision
        self.problems = list(problems)
        self.team = team
        if team:
            super().__init__(
                f"{path} holds SQL that Dossier does not make ({'; '.join(self.problems[:3])}"
                f"{' …' if len(self.problems) > 3 else ''}); it was not opened and has not been changed. "
                "Its administrator can remove what is named.")
            return

        first = "; ".join(self.problems[:self.NAMED])
        more = len(self.problems) - self.NAMED
        more_text = f", and {more} more difference{'s' if more > 1 else ''} ('dossier check' lists them)" \
            if more > 0 else ""
        super().__init__(
            f"{path.name} holds SQL that Dossier does not make ({first}{more_text}); it was not opened and "
            f"has not been changed. Rescue its records with: dossier export-json --db {shlex.quote(str(path))} "
            "--salvage -o rescued.json"
        )


class NewerSchemaError(WorkspaceError):
    pass


class MigrationError(WorkspaceError):
    pass


class WorkspaceWriteError(WorkspaceError):
    """A change could not be saved; it was rolled back and nothing saved before is lost."""


class InterchangeError(DossierError):
    """A file-level problem with an interchange document (not JSON, wrong format, …)."""


class CancelledError(DossierError):
    """The user cancelled a long operation; nothing was written."""

    def __init__(self, what: str = "operation"):
        super().__init__(f"{what} cancelled; nothing was written")


class StaleRecordError(DossierError):
    """A save or delete based on a version of a record that someone else has changed since.

    ``current`` is the record as it is saved now (None when it was deleted), with its
    ``current_version``; ``changed_by`` and ``changed_at`` tell who made the latest change
    and when, as the record's history has them (None when unknown).
    """

    def __init__(self, collection: str, record_id: str, current: object | None, current_version: int | None,
                 changed_by: str | None = None, changed_at: str | None = None):
        self.collection = collection
        self.record_id = record_id
        self.current = current
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        from dossier.model.text import quote_user_text

        who = f" by {changed_by}" if changed_by else ""
        when = f" at {changed_at}" if changed_at else ""
        what = "deleted" if current is None else "changed"
        super().__init__(f"{collection}[{quote_user_text(record_id)}] was {what}{who}{when} after you opened it; "
                         "your change was not saved")
