"""The ``dossier`` command: the desktop app by default, sub-commands for headless work.

Every failure a user can cause ends in one clear line on stderr and exit status 1;
no traceback reaches the user.

Just under 600 lines: one argument parser and one short function per sub-command.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from dossier import __version__

EXIT_OK = 0
EXIT_FAILED = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 1 (argparse would exit 2 with usage)
        from dossier.model.text import one_line

        self.exit(EXIT_FAILED, f"dossier: {one_line(message)} (see 'dossier --help')\n")


def _db_arg(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--db", metavar="FILE|URL", required=required,
                   help="workspace file, or a team workspace as postgresql://user@host:port/name "
                        "(default: dossier.sqlite in the user data directory; DOSSIER_HOME overrides the directory)")


class _NotTheApp(Exception):
    """The arguments are not a plain start of the app: parse them with every sub-command."""


class _AppParser(_Parser):
    def error(self, message: str):
        raise _NotTheApp(message)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line; without ``commands``, only the options of the app itself (quicker
    to build, so the window appears sooner; anything else falls back to the whole parser)."""
    parser = (_Parser if commands else _AppParser)(prog="dossier", description="Dossier: people, rounds and positions of negotiations, "
                                                  "printed as PDF dossiers.")
    parser.add_argument("--version", action="version", version=f"Dossier {__version__}")
    _db_arg(parser)
    parser.add_argument("--demo", action="store_true", help="open the demo workspace (created when missing)")
    parser.add_argument("--screenshot", metavar="PNG", help="render the main window to a PNG file and exit")
    parser.add_argument("--pane", choices=["people", "rounds", "positions", "sources", "timeline"],
                        help="the pane to show first")
    parser.add_argument("--read-only", action="store_true", help="open the workspace read-only")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("demo", help="create or refresh the demo workspace and print its summary")
    p.add_argument("--db", metavar="FILE|URL", help="where to build it: a file or a postgresql:// URL "
                                                    "(default: demo.sqlite in the data directory)")

    p = sub.add_parser("import-json", help="merge an interchange JSON file into a workspace (all or nothing)")
    p.add_argument("file", metavar="FILE", help="interchange JSON file ('-' for standard input)")
    _db_arg(p)

    p = sub.add_parser("export-json", help="write the workspace as interchange JSON")
    _db_arg(p)
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    p.add_argument("--salvage", action="store_true",
                   help="rescue the records of a file that cannot be opened (foreign SQL, rows that break the "
                        "rules): read only its plain tables, leave out what breaks the rules and list it")

    p = sub.add_parser("search", help="full-text search across the workspace")
    _db_arg(p)
    p.add_argument("query", nargs="+", help="words to find (each matches as a prefix)")
    p.add_argument("--limit", type=int, default=20, help="most hits to print (default 20)")

    p = sub.add_parser("check", help="check the workspace: integrity, foreign keys, schema, counts")
    _db_arg(p)

    p = sub.add_parser("backup", help="write a consistent copy of the workspace (safe while it is open)")
    _db_arg(p)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the copy to write")

    p = sub.add_parser("copy", help="copy a whole workspace, history included, between files and "
                                    "PostgreSQL databases (the target must be new or empty)")
    p.add_argument("--from", dest="source", metavar="FILE|URL", required=True, help="the workspace to copy")
    p.add_argument("--to", dest="target", metavar="FILE|URL", required=True,
                   help="where to copy it: a new file, or an empty PostgreSQL database")

    p = sub.add_parser("restore", help="put a backup in the workspace's place (the current file is kept)")
    _db_arg(p)
    p.add_argument("backup", metavar="BACKUP", help="the backup file to restore")

    p = sub.add_parser("export-pdf", help="print a PDF dossier: negotiation, round brief or person profile")
    _db_arg(p)
    p.add_argument("-o", "--output", metavar="PDF", required=True, help="the PDF file to write")
    p.add_argument("--negotiation", metavar="ID", help="negotiation to print (needed when there are several)")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--round", metavar="ID", help="print a brief of this round")
    scope.add_argument("--person", metavar="ID", help="print the profile of this person")
    p.add_argument("--marking", metavar="TEXT", default="RESTRICTED", help="handling marking on every page")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default a4)")
    p.add_argument("--author", metavar="NAME", help="author named on the cover and in the metadata")

    p = sub.add_parser("analyse", help="print a negotiation's standing positions, gaps, movement, chronology "
                                       "and source numbers, as the dossier reads them")
    _db_arg(p)
    p.add_argument("--negotiation", metavar="ID", help="negotiation to analyse (needed when there are several)")
    p.add_argument("--as-of", metavar="ROUND", help="read the records as of this round")
    p.add_argument("--json", action="store_true", help="print JSON (ids only) instead of text")

    p = sub.add_parser("add-document", help="make a source of a document (.txt, .html, .pdf, .eml, .docx): its "
                                            "text, with the title, publisher and date the document states; "
                                            "prints the source's id")
    _db_arg(p)
    p.add_argument("file", metavar="FILE", help="the document to read")
    p.add_argument("--source", metavar="ID", help="put the document's text in this existing source instead")

    p = sub.add_parser("mentions", help="print the people, parties and topics a document names, and names "
                                        "not yet in the workspace (nothing is written)")
    _db_arg(p)
    p.add_argument("file", metavar="FILE", help="the document to read (.txt, .html, .pdf, .eml, .docx)")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print one JSON object a line")
    shown.add_argument("--text", action="store_true",
                       help="print the document's text as read, which the offsets count in (code points)")
    return parser


def lock_timeout() -> float:
    """How long a writing command waits for a workspace another program holds."""
    try:
        return max(0.0, float(os.environ.get("DOSSIER_LOCK_TIMEOUT", "10")))
    except ValueError:
        return 10.0


def _open(args, *, readonly: bool = False):
    from dossier.services.workspace import open_workspace

    ws = open_workspace(args.db, readonly=readonly, lock_timeout=lock_timeout())
    for warning in ws.warnings:  # e.g. the daily backup could not be made: say so, and go on
        print(f"dossier: warning: {warning}", file=sys.stderr)
    return ws


def _target(args) -> Path | str:
    """The workspace ``--db`` names: a file path, or a postgresql:// URL kept as written."""
    from dossier import config

    if config.is_postgres_url(args.db):
        return args.db
    return Path(args.db) if args.db else config.default_workspace_path()


def _existing(args, **options):
    """Open a workspace that must already exist (reading commands never create one)."""
    from dossier.services.copy import open_existing

    return open_existing(_target(args), lock_timeout=lock_timeout(), **options)


def cmd_demo(args) -> int:
    from dossier.services.backups_info import record_counts
    from dossier.services.demo import build_demo

    ws, report = build_demo(args.db, lock_timeout=lock_timeout())
    with ws:
        counts = record_counts(ws)
    print(f"Demo workspace: {ws.location}")
    print(f"Imported: {report.summary()}")
    print("Holds: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    return EXIT_OK


def cmd_import_json(args) -> int:
    from dossier.errors import InterchangeError
    from dossier.services import interchange

    limit = interchange.MAX_FILE_BYTES
    if args.file == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        try:
            with open(args.file, "rb") as fh:
                data = fh.read(limit + 1)  # never more than the limit, whatever the file's size
        except OSError as exc:
            raise InterchangeError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    doc = interchange.read_document(data)  # check fully before touching the workspace
    del data  # the records are all the import needs: memory stays within the reader's bound
    with _open(args) as ws:
        report = interchange.import_document(ws, doc)
    print(f"Imported into {ws.location}: {report.summary()}")
    return EXIT_OK


def cmd_export_json(args) -> int:
    from dossier.services import exports

    if args.salvage:
        return _salvage(args)
    with _existing(args) as ws:
        if args.output:
            exports.export_json_file(ws, args.output)
        else:
            with _stdout() as out:
                exports.export_json_stream(ws, out)
    return EXIT_OK


@contextlib.contextmanager
def _stdout():
    """Standard output as UTF-8 text with Unix line ends, flushed at the end (its descriptor left open)."""
    with open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False, newline="\n") as out:
        yield out


def _salvage(args) -> int:
    """``export-json --salvage``: the records of a file that cannot be opened, what is left out on stderr."""
    from dossier.errors import DossierError
    from dossier.services import exports

    path = _target(args)
    if isinstance(path, str):
        raise DossierError("--salvage reads a workspace file; a team workspace is exported as it is")

    def left_out(line: str) -> None:
        print(f"dossier: left out: {line}", file=sys.stderr)

    if args.output:
        report = exports.salvage_json(path, args.output, left_out=left_out)
    else:
        with _stdout() as out:
            report = exports.salvage_json(path, out, left_out=left_out)
    print(f"dossier: rescued {report.summary()}", file=sys.stderr)
    return EXIT_OK


def cmd_search(args) -> int:
    from dossier.services.search import search

    with _existing(args) as ws:
        hits = search(ws, " ".join(args.query), limit=args.limit)
    if not hits:
        print("No matches.")
    for hit in hits:
        snippet = f" — {hit.snippet.field}: {hit.snippet.marked()}" if hit.snippet else ""
        print(f"{hit.kind:<12} {hit.id:<28} {hit.label}{snippet}")
    return EXIT_OK


def cmd_check(args) -> int:
    from dossier.errors import ForeignSchemaError
    from dossier.services.workspace import check_workspace

    try:
        ws = _existing(args, check_records=False)  # check lists broken records rather than refusing them
    except ForeignSchemaError as exc:
        print(f"Workspace: {exc.path}")
        print(f"Schema: {exc.revision or 'unknown'}")
        _print_problems("Schema objects", exc.problems)
        if exc.team:
            print("Its administrator can remove what is named; Dossier makes no rules or views there, "
                  "and no triggers but the history's own.")
        else:
            import shlex

            print(f"Rescue its records with: dossier export-json --db {shlex.quote(str(exc.path))} --salvage "
                  "-o rescued.json")
        print("dossier: the workspace has problems (see above); it was not opened", file=sys.stderr)
        return EXIT_FAILED
    with ws:
        report = check_workspace(ws)
    print(f"Workspace: {report.location}")
    print(f"Schema: {report.schema}")
    if not ws.is_shared:
        print("Schema objects: ok")  # a file whose schema is not Dossier's is not opened (above)
    _print_problems("Integrity", [] if report.integrity == ["ok"] else report.integrity)
    _print_problems("Foreign keys", report.foreign_keys)
    if not ws.is_shared:
        _print_problems("Values", report.values)
        _print_problems("Search index", report.search_index)
    _print_problems("Rules", report.rules)
    print("Records: " + ", ".join(f"{n} {name}" for name, n in report.counts.items()))
    for warning in report.warnings:  # not a problem: the exit status does not change
        print(f"Warning: {warning}")
    if not report.ok:
        print("dossier: the workspace has problems (see above)", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _print_problems(heading: str, problems) -> None:
    """``Heading: ok``, or the number of problems and then each on a line of its own."""
    counted = [p for p in problems if not p.startswith("…")]
    if not problems:
        print(f"{heading}: ok")
        return
    print(f"{heading}: {len(counted)}{'+' if len(counted) < len(problems) else ''} "
          f"problem{'s' if len(problems) > 1 else ''}")
    for problem in problems:
        print(f"  {problem}")


def cmd_backup(args) -> int:
    from dossier.errors import WorkspaceError
    from dossier.services.backups_info import inspect_workspace_file
    from dossier.services.workspace import backup_workspace, backup_workspace_as

    path = _target(args)
    if isinstance(path, str):
        with _existing(args) as ws:
            result = backup_workspace_as(ws, args.output)
        print(f"Backup written: {result.target} ({result.method})")
        return EXIT_OK
    if not path.exists():
        raise WorkspaceError(f"no workspace at {path}")
    inspect_workspace_file(path)  # refuse anything that is not a workspace
    target = backup_workspace(path, args.output)
    print(f"Backup written: {target}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from dossier.errors import DossierError
    from dossier.services.workspace import restore_backup

    path = _target(args)
    if isinstance(path, str):
        raise DossierError("a team workspace is restored on its server with pg_restore, or, from an interchange "
                           "backup, with 'dossier import-json' into an empty database; see docs/team.md")
    replaced = restore_backup(path, args.backup, lock_timeout=lock_timeout())
    print(f"Restored {path} from {args.backup}")
    print(f"The file it replaced is kept as {replaced}")
    return EXIT_OK


def cmd_copy(args) -> int:
    from dossier.services.copy import copy_workspace

    report = copy_workspace(args.source, args.target, lock_timeout=lock_timeout())
    print(f"Copied {report.source} to {report.target}: {report.summary()}")
    return EXIT_OK


def cmd_export_pdf(args) -> int:
    from dossier.services import exports

    exports.pdf_writer()  # refused before the workspace is opened when PDFs cannot be written
    with _existing(args) as ws:
        pages = exports.export_pdf_file(ws, args.output, negotiation_id=args.negotiation, round_id=args.round,
                                        person_id=args.person, marking=args.marking, paper=args.paper,
                                        author=args.author)
    print(f"Wrote {args.output} ({pages} pages)")
    return EXIT_OK


def cmd_analyse(args) -> int:
    import json

    from dossier.services.analyse import Analysis, render_text
    from dossier.services.verification import whole_document

    with _existing(args) as ws:
        doc = whole_document(ws)  # refused, naming the first record that breaks the rules
    result = Analysis(doc, args.negotiation, args.as_of)
    with _stdout() as out:
        if args.json:
            json.dump(result.report(), out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            out.write(render_text(result))
    return EXIT_OK


def cmd_add_document(args) -> int:
    import dataclasses

    from dossier.services import records
    from dossier.services.documents import new_source, read_document_file

    document = read_document_file(args.file)  # a document that cannot be read opens no workspace
    with _open(args) as ws:
        if args.source:
            source, version = records.get_versioned(ws, "sources", args.source)
            saved = records.update(ws, dataclasses.replace(source, text=document.text), expected_version=version)
        else:
            source = new_source(document, Path(args.file).name)
            source.id = records.new_id(ws, "sources", source.title)
            saved = records.create(ws, source)
    print(saved.record.id)
    return EXIT_OK


def cmd_mentions(args) -> int:
    import json

    from dossier.services import mentions
    from dossier.services.documents import read_document_file

    document = read_document_file(args.file)
    if args.text:
        with _stdout() as out:
            out.write(document.text)
        return EXIT_OK
    with _existing(args) as ws:
        found = mentions.find(ws, document.text)
    items = sorted([*found.mentions, *found.candidates], key=lambda item: (item.start, item.end))
    with _stdout() as out:
        if args.json:
            for item in items:
                if isinstance(item, mentions.Mention):
                    line = {"record": f"{item.collection}/{item.record_id}", "start": item.start, "end": item.end,
                            "text": item.text, "match": item.match}
                else:
                    line = {"candidate": item.text, "start": item.start, "end": item.end}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            return EXIT_OK
        if not items:
            out.write("No known names and no candidates.\n")
        for item in items:
            where = f"{item.start}-{item.end}"
            if isinstance(item, mentions.Mention):
                out.write(f"{where:<13} {item.match:<9} {item.collection}/{item.record_id:<28} "
                          f"{_shown_text(item.text)} — {_shown_text(item.label)}\n")
            else:
                out.write(f"{where:<13} {'candidate':<9} {'':<36} {_shown_text(item.text)}\n")
        out.write(f"{len(found.mentions)} mentions of {len({(m.collection, m.record_id) for m in found.mentions})} "
                  f"records, {len(found.candidates)} candidates\n")
    return EXIT_OK


def _shown_text(text: str) -> str:
    """Text of the document on one line of a table: breaks and controls shown escaped."""
    from dossier.model.text import one_line

    return one_line(text, 200)


def cmd_gui(args) -> int:
    from dossier import config

    if args.demo:
        path = _target(args) if args.db else config.demo_workspace_path()
        if isinstance(path, str) or not path.exists():
            from dossier.services.demo import build_demo

            ws, _ = build_demo(path)
            ws.close()
    else:
        path = _target(args) if args.db else None
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not args.screenshot and not _has_display():
        from dossier.errors import DossierError

        raise DossierError("no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); "
                           "run it on a desktop, or use a headless sub-command such as 'dossier demo'")
    missing = [] if args.screenshot else _missing_window_libraries()
    if missing:
        from dossier.errors import DossierError

        raise DossierError("the desktop app needs system libraries that are not installed: "
                           f"{' '.join(missing)} (on Debian or Ubuntu: sudo apt-get install {' '.join(missing)}; "
                           "'bash packaging/setup.sh' installs them)")
    try:
        from dossier.ui.app import run_app
    except ImportError as exc:
        from dossier.errors import DossierError

        raise DossierError(f"the desktop app cannot start: {exc}") from None
    code = run_app(path, screenshot=args.screenshot, pane=args.pane, readonly=args.read_only)
    # The workspace is closed and the settings written. Leave without the interpreter's final
    # garbage collection, during which Qt for Python can crash after large models were shown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


#: Libraries Qt's X11 platform plugin loads, with the Debian package that has each.
_XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0", "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0", "xcb-xkb": "libxcb-xkb1", "xkbcommon-x11": "libxkbcommon-x11-0",
}


def _missing_window_libraries() -> list[str]:
    """Debian packages Qt would need to open an X11 window but cannot find (Linux only)."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM") or not os.environ.get("DISPLAY") \
            or os.environ.get("WAYLAND_DISPLAY"):
        return []
    from ctypes.util import find_library

    return [package for lib, package in _XCB_LIBRARIES.items() if find_library(lib) is None]


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


COMMANDS = {
    "demo": cmd_demo,
    "import-json": cmd_import_json,
    "export-json": cmd_export_json,
    "search": cmd_search,
    "check": cmd_check,
    "backup": cmd_backup,
    "export-pdf": cmd_export_pdf,
    "restore": cmd_restore,
    "copy": cmd_copy,
    "analyse": cmd_analyse,
    "add-document": cmd_add_document,
    "mentions": cmd_mentions,
}


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    if not any(arg in COMMANDS or arg in ("-h", "--help") for arg in argv):
        try:
            return build_parser(commands=False).parse_args(argv)
        except _NotTheApp:
            pass  # the whole parser says what is wrong, naming the sub-commands
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    handler = COMMANDS.get(args.command, cmd_gui)
    stoppable = handler is not cmd_gui
    if stoppable:  # Ctrl+C stops a running query too, not only Python code (the app has a time limit)
        from dossier.services.interrupts import stop_queries_on_ctrl_c

        stop_queries_on_ctrl_c()
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("dossier: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - every failure ends in one line, never a traceback
        if stoppable and _stopped():  # the query Ctrl+C interrupted failed before Python's handler ran
            print("dossier: interrupted", file=sys.stderr)
            return EXIT_FAILED
        return _report(exc)


def _stopped() -> bool:
    from dossier.services.interrupts import stop_requested

    return stop_requested()


def _report(exc: Exception) -> int:
    """One clear line on stderr for a failure (each problem on its own line for a refused document).
    The error classes are imported here, not before: the app's window is drawn without them."""
    from dossier.errors import DossierError, ValidationError
    from dossier.model.text import one_line  # every line cut to a readable length, breaks escaped

    if isinstance(exc, ValidationError):
        lines = [str(e) for e in exc.errors]
        if len(lines) > 1 or exc.truncated:
            lines.insert(0, exc.heading())
        print("\n".join(f"dossier: {one_line(line)}" for line in lines), file=sys.stderr)
    elif isinstance(exc, DossierError):
        print(f"dossier: {one_line(str(exc))}", file=sys.stderr)
    elif isinstance(exc, OSError):
        print(one_line(f"dossier: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")),
              file=sys.stderr)
    else:  # a bug: still no traceback for the user, but say what happened
        print(one_line(f"dossier: unexpected error ({type(exc).__name__}: {exc}). "
                       "Set DOSSIER_DEBUG=1 to see the details."), file=sys.stderr)
        if os.environ.get("DOSSIER_DEBUG"):
            raise exc
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
