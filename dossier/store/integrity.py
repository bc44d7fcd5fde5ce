"""What a workspace's backend finds when asked whether the workspace is sound.

Each backend answers with an ``IntegrityReport``: on SQLite, from a private in-memory
snapshot of the file (``dossier.store.sqlite.backend``); on PostgreSQL, which keeps its own
files sound and enforces its constraints, from the references that lead nowhere
(``dossier.store.postgres.backend``). ``Database.integrity_report`` asks the right one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IntegrityReport:
    integrity: list[str]  # ["ok"], or the database's own integrity check lines
    foreign_keys: list[str]  # rows whose references lead nowhere
    values: list[str] = field(default_factory=list)  # values of another kind than their column holds
    search_index: list[str] = field(default_factory=list)  # the search index's own check
    #: worth telling, but not problems: records the search index does not list
    unlisted: list[str] = field(default_factory=list)
