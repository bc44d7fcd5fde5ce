"""Every benchmark, each against a baseline measured in the same run.

    .venv/bin/python benchmarks/run.py [--size small|medium|large] [--only NAME] [--repeat N] [--no-write]

Prints a table of figures and, for the large size without ``--only``, rewrites the
figures section of ``benchmarks/RESULTS.md`` with the date and the machine. The
machine is shared and noisy, so each figure is a ratio or difference against a
baseline timed in the same run, and start-up is the median of fresh processes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate  # noqa: E402

RESULTS = HERE / "RESULTS.md"


@dataclass
class Figure:
    name: str
    what: str
    value: float
    unit: str
    baseline: float | None  # same unit, same run; None when the target is absolute
    target: str
    met: bool
    detail: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


@dataclass
class Context:
    size: str
    repeat: int
    tmp: Path


# ---------------------------------------------------------------- helpers
def _median_times_in_turn(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """The median time of each function, run in turn so that all see the same load."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times):
            started = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - started)
    return [statistics.median(t) for t in times]


def _gui_env(ctx: Context) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOSSIER_HOME=str(ctx.tmp / "home"))
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # As installed: bytecode cached after the first (warm-up) start, as pip and Python do for users.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _probe(ctx: Context, *args: str) -> dict:
    """Run gui_probe.py in a fresh process; its report plus ``seconds`` from launch to window shown."""
    cmd = [sys.executable, str(HERE / "gui_probe.py"), *args]
    started = time.time()
    proc = subprocess.run(cmd, env=_gui_env(ctx), capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads(lines[-1])
    report["seconds"] = report["shown"] - started
    report["painted_seconds"] = report["painted"] - started
    return report


def _median_probe(ctx: Context, *args: str, runs: int) -> float:
    _probe(ctx, *args)  # warm-up: file cache, bytecode, the demo's first build, the day's first backup
    return statistics.median(_probe(ctx, *args)["seconds"] for _ in range(runs))



def _workspace_copy(ctx: Context, size: str) -> Path:
    """A private copy of the cached workspace (benchmarks that open it may write to it)."""
    target = ctx.tmp / f"{size}.sqlite"
    if not target.exists():
        src = sqlite3.connect(generate.workspace_path(size))
        dst = sqlite3.connect(target)
        src.backup(dst)
        src.close()
        dst.close()
    return target


# ---------------------------------------------------------------- start-up
def bench_startup(ctx: Context) -> list[Figure]:
    """The bare window and the app started in turn, so both see the same load on a shared machine."""
    runs = max(5, ctx.repeat * 3 + 2)
    app_args = ("app", "--", "--demo")
    _probe(ctx, "bare"), _probe(ctx, *app_args)  # warm-up: file cache, bytecode, the demo's first build
    bare, painted, ready = [], [], []
    for _ in range(runs):
        bare.append(_probe(ctx, "bare")["painted_seconds"])
        report = _probe(ctx, *app_args)
        painted.append(report["painted_seconds"])
        ready.append(report["seconds"])
    bare, painted, ready = (statistics.median(v) for v in (bare, painted, ready))
    return [Figure("startup", "start to main window shown (drawn), demo workspace", painted, "s", bare,
                   "≤ 1.5× bare QMainWindow", painted <= 1.5 * bare,
                   f"median of {runs} fresh processes each, started in turn with the bare window; "
                   "to the first paint of the window"),
            Figure("startup_ready", "start to the demo workspace shown in the window", ready, "s", bare,
                   "— (for information)", True,
                   f"median of the same {runs} starts: the workspace is opened once the window is drawn")]


def bench_open_large(ctx: Context) -> list[Figure]:
    runs = max(3, ctx.repeat * 2 + 1)
    demo_ws = ctx.tmp / "home" / "demo-copy.sqlite"
    if not demo_ws.exists():
        demo_ws.parent.mkdir(parents=True, exist_ok=True)
        demo_ws.write_bytes(generate.workspace_path("small").read_bytes())
    big = _workspace_copy(ctx, ctx.size)
    base = _median_probe(ctx, "app", "--", "--db", str(demo_ws), "--pane", "positions", runs=runs)
    large = _median_probe(ctx, "app", "--", "--db", str(big), "--pane", "positions", runs=runs)
    return [Figure("open_large", f"open the {ctx.size} workspace, Positions pane shown", large, "s", base,
                   "≤ demo start-up + 0.3 s", large - base <= 0.3,
                   f"{large - base:+.2f} s over the demo workspace; median of {runs} fresh processes each")]


def bench_memory(ctx: Context) -> list[Figure]:
    big = _workspace_copy(ctx, ctx.size)
    report = _probe(ctx, "app", "--memory", "--", "--db", str(big), "--pane", "positions")
    rss = report["rss_peak_mb"]
    return [Figure("memory", f"peak RSS, {ctx.size} workspace open in the GUI", rss, "MB", None, "≤ 400 MB",
                   rss <= 400, f"every pane shown, {report['rows_loaded']} position rows scrolled in")]


# ---------------------------------------------------------------- scrolling
def _walk(ws, filters: dict, sort: str, descending: bool) -> tuple[list[float], int]:
    """Seconds of the first page and of each fetchMore until the model is exhausted."""
    from dossier.ui.models.tables import PositionsTableModel

    steps = []
    started = time.perf_counter()
    model = PositionsTableModel(ws, filters=filters, sort=sort, descending=descending)
    steps.append(time.perf_counter() - started)
    while model.canFetchMore():
        started = time.perf_counter()
        model.fetchMore()
        steps.append(time.perf_counter() - started)
    return steps, model.rowCount()


def bench_scroll(ctx: Context) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    from dossier.services.records import find
    from dossier.services.workspace import open_workspace
    from dossier.ui.models.tables import PositionsTableModel

    _app = QApplication.instance() or QApplication([])  # a full application: tests that follow need one
    figures = []
    with open_workspace(generate.workspace_path(ctx.size), readonly=True) as ws:
        negotiation = find(ws, "negotiations")[0].id
        sorts = [c.sort for c in PositionsTableModel.columns() if c.sort]
        # the pane: one negotiation's positions, in every order a click on a header gives
        walks = {(sort, desc): _walk(ws, {"negotiation": negotiation}, sort, desc)
                 for sort in sorts for desc in (False, True)}
        worst_walk, (steps, rows) = max(walks.items(), key=lambda kv: max(kv[1][0]))
        every = [s for steps_, _ in walks.values() for s in steps_]
        worst = max(every) * 1000
        figures.append(Figure(
            "scroll", f"scroll the Positions pane top to bottom, {ctx.size} workspace (worst step)", worst, "ms",
            None, "no step over 50 ms", worst <= 50,
            f"{len(every)} steps: {len(walks)} walks of the {rows} positions of one negotiation, every sort "
            f"both ways; slowest sort {worst_walk[0]}{' descending' if worst_walk[1] else ''}; "
            f"median step {statistics.median(every) * 1000:.1f} ms"))
        # every position of the workspace, by date (the listing without a negotiation filter)
        all_walks = [_walk(ws, {}, "date", desc) for desc in (False, True)]
        every = [s for steps_, _ in all_walks for s in steps_]
        worst = max(every) * 1000
        figures.append(Figure(
            "scroll_all", f"scroll all positions of the {ctx.size} workspace by date (worst step)", worst, "ms",
            None, "no step over 50 ms", worst <= 50,
            f"{len(every)} steps over {all_walks[0][1]} rows, both directions; "
            f"median step {statistics.median(every) * 1000:.1f} ms"))
    return figures


# ---------------------------------------------------------------- search
def _queries(size: str, n: int = 100) -> list[str]:
    import random

    rng = random.Random(5)
    words = []
    for first, family in zip(generate.ARABIC_FIRST + generate.HEBREW_FIRST,
                             generate.ARABIC_FAMILY + generate.HEBREW_FAMILY, strict=False):
        words += [first[0], first[1], family[1]]
    for phrase in generate.ARABIC_TEXT + generate.HEBREW_TEXT + generate.OBJECTS + generate.TOPICS:
        words += [w for w in phrase.split() if len(w) > 3]
    queries = []
    for i in range(n):
        picked = [rng.choice(words) for _ in range(1 + i % 2)]
        queries.append(" ".join(w[: 3 + rng.randrange(3)] for w in picked))
    return queries


def bench_search(ctx: Context) -> list[Figure]:
    from dossier.services.search import search
    from dossier.services.workspace import open_workspace
    from dossier.store.sqlite.fulltext import TABLE, match_expression

    queries = _queries(ctx.size)
    path = generate.workspace_path(ctx.size)
    raw_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw_sql = f"SELECT kind, uid, label, fields FROM {TABLE} WHERE {TABLE} MATCH ? ORDER BY rank LIMIT 50"
    service_t, raw_t = [], []
    with open_workspace(path, readonly=True) as ws:
        for q in queries:  # warm both paths (page cache, statement cache)
            search(ws, q)
        for q in queries:
            expr = match_expression(q)[0]
            started = time.perf_counter()
            raw_conn.execute(raw_sql, (expr,)).fetchall()
            raw_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            search(ws, q)
            service_t.append(time.perf_counter() - started)
    raw_conn.close()

    def pct(values, p):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    p50, p95, raw50, raw95 = pct(service_t, 50), pct(service_t, 95), pct(raw_t, 50), pct(raw_t, 95)
    met = p95 <= 20 and p95 <= 2 * raw95
    return [Figure("search", f"full-text prefix search p95, {ctx.size} workspace", p95, "ms", raw95,
                   "p95 ≤ 20 ms and ≤ 2× raw FTS5", met,
                   f"p50 {p50:.1f} ms vs raw {raw50:.1f} ms; {len(queries)} queries")]


# ---------------------------------------------------------------- import / export
def _bare_rows(doc_json: dict) -> dict[str, list[tuple]]:
    """The rows the import writes, as plain tuples per table (ids stand for keys)."""
    from dossier.store import rows as store

    rows: dict[str, list[tuple]] = {}
    for name in store.WRITE_ORDER:
        spec = store.SPECS[name]
        main = rows.setdefault(spec.table.name, [])
        for rec in doc_json.get(name, []):
            main.append((rec["id"], *(_plain(rec.get(c.field)) for c in spec.columns)))
            for child in spec.children:
                target = rows.setdefault(child.table.name, [])
                for ordinal, item in enumerate(rec.get(child.field) or []):
                    values = [item] if child.cls is None else [_plain(item.get(c.field)) for c in child.columns]
                    target.append((rec["id"], ordinal, *values))
    return rows


def _plain(value):
    return json.dumps(value) if isinstance(value, (list, dict)) else value


def _bare_import(path: Path, rows: dict[str, list[tuple]]) -> None:
    conn = sqlite3.connect(path)
    for table, data in rows.items():
        width = len(data[0]) if data else 1
        cols = ", ".join(f"c{i}" for i in range(width))
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {cols})")
        conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * width)})", data)
    conn.commit()
    conn.close()


def _schema_rows(path: Path) -> list[tuple[str, list[str], list[tuple]]]:
    """Every row a workspace holds, table by table, as (table, columns, rows): the search index
    through its virtual table, history included; what SQLite keeps for itself left out."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index%' AND name != 'alembic_version' ORDER BY rootpage")]
        out = []
        for name in [*names, "search_index"]:
            cur = conn.execute(f"SELECT {'rowid, *' if name == 'search_index' else '*'} FROM {name}")
            columns = ["rowid" if name == "search_index" and i == 0 else d[0] for i, d in enumerate(cur.description)]
            out.append((name, columns, cur.fetchall()))
        return out
    finally:
        conn.close()


def _schema_import(path: Path, tables: list[tuple[str, list[str], list[tuple]]]) -> None:
    """A new workspace made by Dossier, then filled with ``executemany`` alone: SQLite's own share
    of an import (constraints, indexes, the search index), with no reading or checking. Plain
    secondary indexes are dropped first and made again after the rows, the quickest way to fill
    an empty table."""
    from dossier.services.workspace import open_workspace

    open_workspace(path, daily_backup=False).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           "AND upper(sql) NOT LIKE 'CREATE UNIQUE%'").fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for name, columns, rows in tables:
        conn.execute(f"DELETE FROM {name}")  # what a new workspace starts with (the numbering's row)
        conn.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         rows)
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()


def bench_import(ctx: Context) -> list[Figure]:
    from dossier.services import interchange
    from dossier.services.workspace import open_workspace

    data = generate.document_bytes(ctx.size)
    rows = _bare_rows(json.loads(data))
    counter = iter(range(1000))

    def ours():
        target = ctx.tmp / f"import-{next(counter)}.sqlite"
        with open_workspace(target, daily_backup=False) as ws:
            interchange.import_json(ws, data)

    def bare():
        _bare_import(ctx.tmp / f"bare-{next(counter)}.sqlite", rows)

    tables = _schema_rows(generate.workspace_path(ctx.size))

    def schema():
        _schema_import(ctx.tmp / f"schema-{next(counter)}.sqlite", tables)

    value, base, bare_tables = _median_times_in_turn([ours, schema, bare], ctx.repeat)
    n = sum(len(v) for v in rows.values())
    stored = sum(len(t[2]) for t in tables)
    return [Figure("import", f"import-json of the {ctx.size} interchange file into a new workspace", value, "s",
                   base, "≤ 3× sqlite3 executemany", value <= 3 * base,
                   f"{len(data) / 1e6:.1f} MB read, parsed, checked, written and indexed; the baseline writes "
                   f"the {stored} rows the import leaves (records, lists, history, search index) with "
                   "executemany into a new workspace's empty schema, plain indexes dropped first and built after"),
            Figure("import_bare_tables", "the same import against executemany into tables without indexes",
                   value, "s", bare_tables, "— (for information)", True,
                   f"the baseline writes the file's {n} record and list rows into tables with no index, "
                   "constraint, history or search index")]


def bench_export(ctx: Context) -> list[Figure]:
    from dossier.services import interchange
    from dossier.services.workspace import open_workspace

    path = generate.workspace_path(ctx.size)

    def ours():
        with open_workspace(path, readonly=True) as ws:
            doc = interchange.export_document(ws)
        with open(ctx.tmp / "export.json", "w", encoding="utf-8", newline="\n") as fh:
            interchange.write_document(doc, fh)

    def bare():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                            "LIKE 'search_index%' AND name NOT LIKE 'sqlite_%'")]
        data = {}
        for name in names:
            cur = conn.execute(f"SELECT * FROM {name}")
            cols = [d[0] for d in cur.description]
            data[name] = [dict(zip(cols, row, strict=True)) for row in cur]
        conn.close()
        with open(ctx.tmp / "bare.json", "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)

    value, base = _median_times_in_turn([ours, bare], ctx.repeat)
    return [Figure("export", f"export-json of the {ctx.size} workspace", value, "s", base,
                   "≤ 2× sqlite3 + json.dump", value <= 2 * base, "read in one transaction, written one record a line")]


# ---------------------------------------------------------------- PDF
def bench_pdf(ctx: Context) -> list[Figure]:
    import bench_pdf

    from dossier.export.pdf import export_pdf

    pages = 25 if ctx.size == "small" else 500
    doc = bench_pdf.synthetic(scale=max(1, round(pages / 4.8)))
    made = []

    def ours():
        made.append(export_pdf(doc, ctx.tmp / "dossier.pdf", prepared=datetime.date(2026, 1, 1)))

    ours()  # fonts registered, modules imported: both builds start warm
    value, base = _median_times_in_turn(
        [ours, lambda: bench_pdf.plain_reportlab(ctx.tmp / "plain.pdf", made[-1])], ctx.repeat)
    return [Figure("pdf", f"negotiation dossier PDF, {made[-1]} pages", value, "s", base,
                   "≤ 2× plain reportlab", value <= 2 * base, "same page count, one build() for the plain one")]


# ---------------------------------------------------------------- mentions
def _article(people: list, topics: list, words: int, seed: int = 21) -> str:
    """A news article of about ``words`` words naming people (by name, alias, native name,
    surname, and misspelt), topics, and names the workspace does not hold."""
    import random

    rng = random.Random(seed)

    def misspelt(name: str) -> str:
        for a, b in (("y", "i"), ("gh", "q"), ("ck", "k"), ("ss", "s"), ("i", "y"), ("a", "e")):
            if a in name:
                return name.replace(a, b, 1)
        return name

    def name() -> str:
        person = rng.choice(people)
        roll = rng.random()
        if roll < 0.35 or not (person.aliases or person.native_name):
            return person.name
        if roll < 0.55 and person.aliases:
            return rng.choice(person.aliases)
        if roll < 0.7 and person.native_name:
            return person.native_name
        if roll < 0.85:
            return misspelt(person.name)
        return person.name.split()[-1]

    unknown = ["Karim Nassar", "Helena Brandt", "Yusuf al-Amin", "Dana Shalev", "Marco Ferri"]
    out: list[str] = []
    count = 0
    while count < words:
        sentence = " ".join([rng.choice(generate.SUBJECTS), rng.choice(generate.VERBS),
                             rng.choice(generate.OBJECTS), rng.choice(generate.QUALIFIERS)])
        roll = rng.random()
        if roll < 0.5:
            sentence = f"{name()} said that {sentence[0].lower()}{sentence[1:]}"
        elif roll < 0.65:
            sentence = f"{sentence}, on {rng.choice(topics).title.lower()}"
        elif roll < 0.75:
            sentence = f"{sentence}, {rng.choice(unknown)} told reporters"
        elif roll < 0.85:
            sentence = rng.choice(generate.ARABIC_TEXT + generate.HEBREW_TEXT)
        out.append(sentence + ".")
        count += len(sentence.split())
    return " ".join(out)


def _alternation(ws) -> re.Pattern:
    """Every folded spelling of every person, party and topic as one regular expression."""
    from dossier.model.folding import fold_text
    from dossier.services.records import list_all

    spellings = set()
    for person in list_all(ws, "people"):
        spellings.update(fold_text(s) for s in [person.name, person.native_name, *person.aliases] if s)
    spellings.update(fold_text(p.name) for p in list_all(ws, "parties"))
    spellings.update(fold_text(t.title) for t in list_all(ws, "topics"))
    ordered = sorted(spellings, key=len, reverse=True)  # the longest first, as the matcher prefers
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


def bench_mentions(ctx: Context) -> list[Figure]:
    from dossier.model.folding import fold_text
    from dossier.model.records import Topic
    from dossier.services import mentions, records
    from dossier.services.workspace import open_workspace

    words = 10_000 if ctx.size != "small" else 2_000
    path = ctx.tmp / f"mentions-{ctx.size}.sqlite"  # a copy of its own: topics are added to it
    src, dst = sqlite3.connect(generate.workspace_path(ctx.size)), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    with open_workspace(path, daily_backup=False) as ws:
        negotiations = [n.id for n in records.list_all(ws, "negotiations")]
        topics = records.list_all(ws, "topics")
        for k in range(len(topics), 1_000):  # a thousand topics
            records.create(ws, Topic(id=f"bench-topic-{k:04d}", negotiation=negotiations[k % len(negotiations)],
                                     title=f"{rng_word(k)} {generate.TOPICS[k % len(generate.TOPICS)].lower()}"))
        people = records.list_all(ws, "people")
        topics = records.list_all(ws, "topics")
        article = _article(people, topics, words)
        started = time.perf_counter()
        first = mentions.find(ws, article)
        build = time.perf_counter() - started
        pattern = _alternation(ws)

        def ours():
            mentions.find(ws, article)

        def plain():
            list(pattern.finditer(fold_text(article)))

        value, base = _median_times_in_turn([ours, plain], max(3, ctx.repeat))
    exact = sum(m.match == "exact" for m in first.mentions)
    return [Figure("mentions", f"mentions in a {len(article.split()):,}-word article, {len(people):,} people, "
                               f"{len(topics):,} topics", value * 1000, "ms", base * 1000,
                   "≤ 200 ms after the first", value <= 0.2,
                   f"{exact} exact and {len(first.mentions) - exact} fuzzy mentions, {len(first.candidates)} "
                   f"candidates; the first call, building the matcher, {build:.2f} s; the baseline finds the "
                   "same folded spellings (exact only) with one re alternation of all of them, compiled beforehand")]


def rng_word(k: int) -> str:
    """A distinct capitalised word for the ``k``-th added topic."""
    syllables = ["ka", "lo", "mir", "sa", "tu", "ven", "dor", "pe", "ri", "zan"]
    word = "".join(syllables[int(d)] for d in str(k))
    return word.capitalize()


BENCHMARKS: dict[str, Callable[[Context], list[Figure]]] = {
    "startup": bench_startup,
    "open_large": bench_open_large,
    "scroll": bench_scroll,
    "search": bench_search,
    "import": bench_import,
    "export": bench_export,
    "pdf": bench_pdf,
    "memory": bench_memory,
    "mentions": bench_mentions,
}


# ---------------------------------------------------------------- reporting
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f", {kb / 1048576:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    try:
        from PySide6 import QtCore

        qt = f", Qt {QtCore.qVersion()} (PySide6 {__import__('PySide6').__version__})"
    except ImportError:
        qt = ""
    return (f"{cpu}, {os.cpu_count()} cores{ram}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}{qt}")


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.1f} {unit}"


def _verdict(f: Figure) -> str:
    if f.target.startswith("—"):
        return ""
    return "met" if f.met else "**missed**"


def table(figures: list[Figure]) -> str:
    lines = ["| benchmark | what | figure | baseline | ratio | target | |",
             "|---|---|---|---|---|---|---|"]
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        lines.append(f"| {f.name} | {f.what} | {_fmt(f.value, f.unit)} | {_fmt(f.baseline, f.unit)} | {ratio} | "
                     f"{f.target} | {_verdict(f)} |")
    notes = [f"- {f.name}: {f.detail}" for f in figures if f.detail]
    return "\n".join(lines) + ("\n\n" + "\n".join(notes) if notes else "")


def write_results(figures: list[Figure], size: str) -> None:
    section = (f"## Latest figures\n\n`.venv/bin/python benchmarks/run.py --size {size}` on "
               f"{datetime.date.today().isoformat()}.\n\nMachine: {machine()}.\n\n{table(figures)}\n")
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"## Latest figures\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section.rstrip("\n") + "\n", text)  # a blank line before the next section
    else:
        head, _, rest = text.partition("\n")
        text = head + "\n\n" + section + "\n" + rest.lstrip("\n")
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def run(size: str, only: list[str] | None = None, repeat: int = 3,
        report: Callable[[Figure], None] | None = None) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        ctx = Context(size, repeat, Path(tmp))
        for name, bench in BENCHMARKS.items():
            if only and name not in only:
                continue
            for figure in bench(ctx):
                figures.append(figure)
                if report is not None:
                    report(figure)
    return figures


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the scroll benchmark's models need no display
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(generate.SIZES), default="large")
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS), help="run only this one (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per in-process figure (median)")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    args = parser.parse_args()

    def show(f: Figure) -> None:
        ratio = f" ({f.ratio:.2f}× {_fmt(f.baseline, f.unit)})" if f.ratio is not None else ""
        print(f"{f.name:<13} {_fmt(f.value, f.unit):>11}{ratio}  target {f.target} "
              f"{_verdict(f).strip('*')}", flush=True)

    print(f"Machine: {machine()}", flush=True)
    figures = run(args.size, args.only, args.repeat, show)
    print()
    print(table(figures))
    if args.size == "large" and not args.only and not args.no_write:
        write_results(figures, args.size)
        print(f"\nWrote {RESULTS.relative_to(ROOT)}")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash collecting Qt objects at exit


if __name__ == "__main__":
    main()
