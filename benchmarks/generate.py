"""Synthetic workspaces for the benchmarks: interchange documents of a chosen size.

    .venv/bin/python benchmarks/generate.py [--size small|medium|large] [-o FILE]

``small`` is the demo workspace as shipped; ``medium`` and ``large`` are generated from a
fixed seed, so the same size always gives the same bytes. The text is what analysts
keep: people in Arabic, Hebrew and Latin script with the transliterations the outlets
use, biographies, roles with dates of every precision (year, month, day), rounds with
participants, agendas and citations, positions quoting their sources in the original
language, and sources carried by other outlets (``via`` chains, never cycles).

Generated documents and the workspaces imported from them are kept in
``benchmarks/.cache/`` (not versioned) so a rerun starts at once.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(__file__).resolve().parent / ".cache"
#: Bump when the generated content changes, so stale cached files are not reused.
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class Size:
    people: int
    rounds: int
    positions: int
    sources: int
    negotiations: int
    events: int


SIZES: dict[str, Size | None] = {
    "small": None,  # the demo workspace
    "medium": Size(people=1_000, rounds=200, positions=10_000, sources=1_000, negotiations=4, events=400),
    "large": Size(people=10_000, rounds=1_000, positions=100_000, sources=10_000, negotiations=10, events=2_000),
}

# ---------------------------------------------------------------- names: (Latin, native, other spellings)
ARABIC_FIRST = [
    ("Ahmad", "أحمد", ["Ahmed", "Ahmet"]), ("Mohammed", "محمد", ["Muhammad", "Mohamed"]),
    ("Asaad", "أسعد", ["As'ad", "Assad"]), ("Khaled", "خالد", ["Khalid"]), ("Omar", "عمر", ["Umar"]),
    ("Yusuf", "يوسف", ["Youssef", "Yousef"]), ("Hassan", "حسن", ["Hasan"]), ("Fadi", "فادي", []),
    ("Rami", "رامي", []), ("Layla", "ليلى", ["Leila", "Laila"]), ("Rania", "رانيا", []),
    ("Nour", "نور", ["Noor"]), ("Samir", "سمير", ["Sameer"]), ("Walid", "وليد", ["Waleed"]),
    ("Ziad", "زياد", ["Ziyad"]), ("Maher", "ماهر", []), ("Faisal", "فيصل", ["Faysal"]),
    ("Hala", "هالة", []), ("Tariq", "طارق", ["Tarek"]), ("Abdullah", "عبد الله", ["Abdallah"]),
    ("Mustafa", "مصطفى", ["Moustafa"]), ("Hind", "هند", []), ("Karim", "كريم", ["Kareem"]),
]
ARABIC_FAMILY = [
    ("al-Shaybani", "الشيباني", ["al-Shaibani", "Shaibani"]), ("Haddad", "حداد", []),
    ("al-Masri", "المصري", ["el-Masry"]), ("Khoury", "خوري", ["Khouri"]), ("al-Hassan", "الحسن", []),
    ("Darwish", "درويش", []), ("al-Sharaa", "الشرع", ["al-Shara", "Sharaa"]), ("Mansour", "منصور", ["Mansur"]),
    ("Qassem", "قاسم", ["Kassem", "Qasim"]), ("Barakat", "بركات", []), ("al-Tamimi", "التميمي", []),
    ("Suleiman", "سليمان", ["Sulayman"]), ("Azzam", "عزام", []), ("al-Khatib", "الخطيب", ["Khatib"]),
    ("Jaber", "جابر", ["Jabir"]), ("Nasser", "ناصر", ["Nasir"]), ("al-Attar", "العطار", []),
]
HEBREW_FIRST = [
    ("Yechiel", "יחיאל", ["Yehiel", "Jechiel"]), ("Benjamin", "בנימין", ["Binyamin"]), ("Ron", "רון", []),
    ("Gideon", "גדעון", ["Gidon"]), ("Tzachi", "צחי", ["Tsachi"]), ("Yael", "יעל", []), ("Noa", "נועה", []),
    ("Avi", "אבי", []), ("Moshe", "משה", []), ("Tamar", "תמר", []), ("Eli", "אלי", []), ("Shira", "שירה", []),
    ("Yossi", "יוסי", ["Yosef"]), ("Dana", "דנה", []), ("Itamar", "איתמר", []), ("Michal", "מיכל", []),
    ("Amir", "אמיר", []), ("Oren", "אורן", []), ("Yitzhak", "יצחק", ["Itzhak", "Isaac"]),
]
HEBREW_FAMILY = [
    ("Leiter", "לייטר", []), ("Dermer", "דרמר", []), ("Hanegbi", "הנגבי", ["Ha-Negbi"]), ("Cohen", "כהן", ["Kohen"]),
    ("Levi", "לוי", ["Levy"]), ("Mizrahi", "מזרחי", []), ("Peretz", "פרץ", ["Perets"]), ("Biton", "ביטון", []),
    ("Friedman", "פרידמן", []), ("Katz", "כץ", []), ("Shapira", "שפירא", ["Shapiro"]),
    ("Avraham", "אברהם", ["Abraham"]), ("Ben-David", "בן דוד", []), ("Golan", "גולן", []), ("Dahan", "דהן", []),
]
LATIN_FIRST = ["Thomas", "Anne", "María", "Jean-Luc", "Sophie", "Lars", "Ingrid", "Pedro", "Élodie", "François",
               "Jürgen", "Zoë", "Søren", "Mateus", "Katarzyna", "Hélène", "Giulia", "Seán", "Ayşe", "Mehmet"]
LATIN_FAMILY = ["Barrack", "Dupont", "Müller", "García", "Rossi", "Novák", "Larsen", "O'Brien", "Kowalski",
                "Lefèvre", "Haugen", "Silva", "Yılmaz", "Øvergaard", "Gonçalves", "Schäfer", "Bianchi"]

PARTIES = [
    ("il", "Israel", "state", "IL", "hebrew"), ("sy", "Syria", "state", "SY", "arabic"),
    ("us", "United States", "state", "US", "latin"), ("lb", "Lebanon", "state", "LB", "arabic"),
    ("jo", "Jordan", "state", "JO", "arabic"), ("eg", "Egypt", "state", "EG", "arabic"),
    ("qa", "Qatar", "state", "QA", "arabic"), ("tr", "Türkiye", "state", "TR", "latin"),
    ("fr", "France", "state", "FR", "latin"), ("un", "United Nations", "organization", None, "latin"),
    ("eu", "European Union", "organization", None, "latin"), ("ps", "Palestinian Authority", "other", "PS", "arabic"),
]
#: (party, party, mediator) of each negotiation, in turn
TRACKS = [("il", "sy", "us"), ("il", "lb", "fr"), ("il", "ps", "eg"), ("il", "jo", "us"), ("sy", "tr", "qa"),
          ("lb", "sy", "un"), ("il", "eg", "us"), ("ps", "il", "qa"), ("sy", "jo", "eu"), ("lb", "il", "un")]

TOPICS = ["Withdrawal from the buffer zone", "Demilitarised zone in the south", "Ceasefire monitoring mechanism",
          "Sequencing of guarantees", "Border crossings and trade", "Return of displaced people",
          "Prisoner exchange", "Water rights on the Yarmouk", "Airspace and overflights", "Sanctions relief",
          "International observers", "Status of the Golan Heights"]
VENUES = ["Paris", "Baku", "Amman", "Geneva", "Doha", "Cairo", "Vienna", "Istanbul", "Oslo", "Washington, D.C.",
          "Nicosia", "Muscat"]
TITLES = ["Minister of Foreign Affairs", "National Security Adviser", "Ambassador", "Special Envoy",
          "Chief of Staff", "Deputy Minister of Defence", "Head of Delegation", "Legal Adviser",
          "Director of Military Intelligence", "Spokesperson", "Senior Negotiator", "Political Adviser"]
ORGANIZATIONS = ["Ministry of Foreign Affairs", "Prime Minister's Office", "Ministry of Defence", "Embassy",
                 "National Security Council", "General Intelligence Directorate", "Office of the President"]
PUBLISHERS = ["Axios", "Reuters", "Al Jazeera", "Haaretz", "Asharq Al-Awsat", "The Times of Israel", "SANA",
              "Kan News", "Enab Baladi", "Associated Press", "Le Monde", "Al-Quds Al-Arabi", "Ynet", "Al-Watan"]

SUBJECTS = ["The delegation", "The mediator", "The minister", "The envoy", "The security cabinet",
            "The negotiating team", "The president's office", "The military command"]
VERBS = ["insists on", "proposes", "rejects", "accepts in principle", "links progress to", "offers to discuss",
         "demands guarantees for", "signals flexibility on", "postpones any decision on", "conditions support on"]
OBJECTS = ["a phased withdrawal", "international monitoring", "the reopening of crossings", "a demilitarised corridor",
           "the sequencing of steps", "written assurances", "a joint verification committee", "sanctions relief",
           "the return of displaced families", "a timetable for implementation", "limits on heavy weapons",
           "an exchange of detainees", "freedom of overflight", "the line of 1974"]
QUALIFIERS = ["before the next round", "under American guarantees", "within ninety days", "as a first step",
              "without preconditions", "if the ceasefire holds", "in a written annex", "subject to cabinet approval",
              "according to officials briefed on the talks", "despite domestic pressure"]
ARABIC_TEXT = ["انسحاب القوات من المنطقة العازلة", "ضمانات أمنية متبادلة", "وقف إطلاق النار على طول الحدود",
               "آلية مراقبة دولية", "نزع السلاح في الجنوب", "احترام السيادة الوطنية", "عودة النازحين إلى قراهم",
               "ترتيبات أمنية مؤقتة", "الجدول الزمني للتنفيذ", "رفع العقوبات الاقتصادية", "تبادل الأسرى",
               "مَمَرّ إنساني آمِن", "لا تنازل عن الجولان"]
HEBREW_TEXT = ["נסיגה מאזור החיץ", "ערבויות ביטחוניות הדדיות", "הפסקת אש לאורך הגבול", "מנגנון פיקוח בינלאומי",
               "פירוז הדרום", "הסדרי ביטחון זמניים", "לוח זמנים ליישום", "הסרת הסנקציות", "חילופי אסירים",
               "מסדרון הומניטרי", "שמירה על הקווים האדומים", "שָׁלוֹם תְּמוּרַת בִּטָּחוֹן"]
KINDS = ["demand", "offer", "red_line", "concession", "assurance", "statement"]


def _slug(text: str) -> str:
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:24] or "x"


class _Writer:
    """Everything drawn from one seeded random stream, so a size always gives the same document."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def sentence(self, script: str = "latin") -> str:
        if script == "arabic":
            return self.pick(ARABIC_TEXT) + "، " + self.pick(ARABIC_TEXT) + "."
        if script == "hebrew":
            return self.pick(HEBREW_TEXT) + ", " + self.pick(HEBREW_TEXT) + "."
        return f"{self.pick(SUBJECTS)} {self.pick(VERBS)} {self.pick(OBJECTS)} {self.pick(QUALIFIERS)}."

    def paragraph(self, n: int, script: str = "latin") -> str:
        return " ".join(self.sentence(script if self.rng.random() < 0.3 else "latin") for _ in range(n))

    def day(self, start: datetime.date, span_days: int) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(span_days))

    def partial(self, d: datetime.date) -> str:
        """The date at a random precision: mostly days, some months, a few years."""
        r = self.rng.random()
        return d.isoformat() if r < 0.7 else d.strftime("%Y-%m") if r < 0.92 else f"{d.year:04d}"


def _person(w: _Writer, i: int, party: str, script: str) -> dict:
    aliases: list[str] = []
    if script in ("arabic", "hebrew"):
        firsts, families = (ARABIC_FIRST, ARABIC_FAMILY) if script == "arabic" else (HEBREW_FIRST, HEBREW_FAMILY)
        first, family = w.pick(firsts), w.pick(families)
        name = f"{first[0]} {family[0]}"
        native = f"{first[1]} {family[1]}"
        for f_alt in first[2][:2]:
            aliases.append(f"{f_alt} {family[0]}")
        for l_alt in family[2][:1]:
            aliases.append(f"{first[0]} {l_alt}")
        if w.rng.random() < 0.3:
            aliases.append(native.split()[0])
    else:
        name = f"{w.pick(LATIN_FIRST)} {w.pick(LATIN_FAMILY)}"
        native = None
        if w.rng.random() < 0.2:
            aliases.append(name.split()[-1])
    roles = []
    year = 1995 + w.rng.randrange(25)
    for _ in range(1 + w.rng.randrange(3)):
        start = datetime.date(year, 1 + w.rng.randrange(12), 1 + w.rng.randrange(28))
        end_day = start + datetime.timedelta(days=200 + w.rng.randrange(1500))
        roles.append({"title": w.pick(TITLES), "organization": w.pick(ORGANIZATIONS), "start": w.partial(start),
                      "end": w.partial(end_day) if w.rng.random() < 0.7 else None})
        year = end_day.year + 1
    return {
        "id": f"p{i:05d}-{_slug(name)}", "name": name, "native_name": native, "aliases": aliases, "party": party,
        "title": roles[-1]["title"], "bio": w.paragraph(2 + w.rng.randrange(3), script), "roles": roles,
        "notes": w.sentence(script) if w.rng.random() < 0.2 else None,
    }


def generated(size: Size, seed: int = 20260105) -> dict:
    """An interchange document (as JSON-ready data) of the given size."""
    w = _Writer(seed)
    parties = [{"id": pid, "name": name, "kind": kind, "country": country, "notes": None}
               for pid, name, kind, country, _ in PARTIES]
    script_of = {pid: script for pid, *_, script in PARTIES}
    people = []
    by_party: dict[str, list[str]] = {pid: [] for pid in script_of}
    party_ids = list(script_of)
    for i in range(size.people):
        party = party_ids[i % len(party_ids)] if w.rng.random() < 0.95 else None
        person = _person(w, i, party, script_of.get(party, "latin"))
        people.append(person)
        if party:
            by_party[party].append(person["id"])

    sources = []
    for i in range(size.sources):
        script = w.pick(["latin", "latin", "arabic", "hebrew"])
        via = None
        if i and w.rng.random() < 0.3:  # an earlier source: chains run backwards, so never in a cycle
            via = sources[w.rng.randrange(max(0, i - 50), i)]["id"]
        published = w.day(datetime.date(2018, 1, 1), 3000)
        sources.append({
            "id": f"src-{i:05d}", "title": w.sentence(script).rstrip("."), "publisher": w.pick(PUBLISHERS),
            "url": f"https://news.example.org/{published.year}/{i}" if w.rng.random() < 0.7 else None,
            "published": w.partial(published), "reliability": w.pick("ABCDEF"), "via": via,
            "notes": w.sentence() if w.rng.random() < 0.3 else None,
        })

    def citations(n: int) -> list[dict]:
        out = []
        for _ in range(n):
            quote = None
            if w.rng.random() < 0.5:
                quote = w.pick([w.pick(ARABIC_TEXT), w.pick(HEBREW_TEXT), w.sentence()])
            out.append({"source": sources[w.rng.randrange(len(sources))]["id"],
                        "credibility": 1 + w.rng.randrange(6), "quote": quote})
        return out

    negotiations, topics, rounds, positions, events = [], [], [], [], []
    for n in range(size.negotiations):
        a, b, m = TRACKS[n % len(TRACKS)]
        nid = f"neg-{n:02d}-{a}-{b}"
        started = datetime.date(2019 + n % 5, 1 + n % 12, 1)
        negotiations.append({
            "id": nid, "title": f"{dict((p[0], p[1]) for p in PARTIES)[a]}–{dict((p[0], p[1]) for p in PARTIES)[b]} "
                                f"talks, track {n + 1}",
            "summary": w.paragraph(3), "status": w.pick(["active", "active", "suspended", "concluded"]),
            "started": started.isoformat(), "ended": None,
            "parties": [{"party": a, "role": "party"}, {"party": b, "role": "party"}, {"party": m, "role": "mediator"}],
        })
        n_topics = [f"{nid}-t{k:02d}" for k in range(len(TOPICS))]
        for k, tid in enumerate(n_topics):
            topics.append({"id": tid, "negotiation": nid, "title": TOPICS[k], "description": w.paragraph(1),
                           "category": w.pick(["security", "territory", "humanitarian", "economic"])})
        n_rounds = size.rounds // size.negotiations
        day = started
        round_ids = []
        for r in range(1, n_rounds + 1):
            day = day + datetime.timedelta(days=5 + w.rng.randrange(25))
            rid = f"{nid}-r{r:04d}"
            round_ids.append((rid, day))
            table = [(p, w.pick(by_party[p])) for p in (a, b, m, a, b, m) if by_party[p]]
            rounds.append({
                "id": rid, "negotiation": nid, "number": r, "title": f"Round {r} in {w.pick(VENUES)}",
                "start": day.isoformat(), "end": (day + datetime.timedelta(days=w.rng.randrange(3))).isoformat(),
                "venue": w.pick(VENUES), "status": "held" if r < n_rounds - 2 else w.pick(["planned", "postponed"]),
                "mediator": w.pick(by_party[m]) if by_party[m] else None, "summary": w.paragraph(4, "arabic"),
                "participants": [{"person": pid, "party": p, "role": w.pick(["head", "member", "adviser"])}
                                 for p, pid in dict.fromkeys(table, None)],
                "topics": w.rng.sample(n_topics, 3), "sources": citations(1 + w.rng.randrange(2)),
            })
        n_positions = size.positions // size.negotiations
        for k in range(n_positions):
            rid, rday = round_ids[k * len(round_ids) // n_positions]
            party = (a, b, m)[k % 3] if k % 7 else b
            script = script_of[party]
            positions.append({
                "id": f"{nid}-pos{k:06d}", "negotiation": nid, "party": party, "topic": w.pick(n_topics),
                "round": rid if w.rng.random() < 0.85 else None,
                "person": w.pick(by_party[party]) if by_party[party] and w.rng.random() < 0.8 else None,
                "date": w.partial(rday) if w.rng.random() < 0.95 else None, "kind": w.pick(KINDS),
                "summary": w.sentence() + (" " + w.sentence(script) if w.rng.random() < 0.4 else ""),
                "sources": citations(w.rng.randrange(3)),
            })
        for k in range(size.events // size.negotiations):
            when = w.day(started, 2500)
            events.append({
                "id": f"{nid}-ev{k:04d}", "negotiation": nid, "date": w.partial(when), "title": w.sentence()[:80],
                "description": w.paragraph(2, "hebrew"),
                "people": [w.pick(by_party[p]) for p in (a, b) if by_party[p]], "sources": citations(1),
            })
    return {"format": "dossier-interchange", "version": 1, "exported_at": "2026-01-05T09:00:00Z",
            "parties": parties, "people": people, "negotiations": negotiations, "topics": topics,
            "rounds": rounds, "positions": positions, "sources": sources, "events": events}


def document_bytes(size: str) -> bytes:
    """The interchange JSON of a size, as bytes (read from the cache when there)."""
    if SIZES[size] is None:
        from dossier.services.demo import demo_bytes

        return demo_bytes()
    path = document_path(size)
    return path.read_bytes()


def document_path(size: str) -> Path:
    """Where the interchange JSON of a size is; generated (and checked) on first use."""
    if SIZES[size] is None:
        from dossier.resources import DEMO_FILE, resource_path

        return resource_path(*DEMO_FILE)
    path = CACHE / f"{size}-v{GENERATOR_VERSION}.json"
    if not path.exists():
        import json

        from dossier.services.interchange import read_document

        data = json.dumps(generated(SIZES[size]), ensure_ascii=False, indent=1).encode("utf-8")
        read_document(data)  # must be a valid interchange document
        CACHE.mkdir(exist_ok=True)
        tmp = path.with_suffix(".partial")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def workspace_path(size: str) -> Path:
    """A workspace holding the document of a size; imported on first use, then reused."""
    from dossier import __version__
    from dossier.store.database import SCHEMA_HEAD

    folder = CACHE / f"{size}-v{GENERATOR_VERSION}-schema{SCHEMA_HEAD}-{__version__}"
    path = folder / "workspace.sqlite"
    if not path.exists():
        from dossier.services import interchange
        from dossier.services.workspace import open_workspace

        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / "importing.sqlite"
        for leftover in folder.glob("importing.sqlite*"):
            leftover.unlink()
        doc = interchange.read_document(document_path(size).read_bytes())
        with open_workspace(partial, daily_backup=False) as ws:
            interchange.import_document(ws, doc)
        partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("-o", "--output", help="write the document here instead of the cache")
    parser.add_argument("--workspace", action="store_true", help="also import it into a cached workspace")
    args = parser.parse_args()
    source = document_path(args.size)
    if args.output:
        Path(args.output).write_bytes(source.read_bytes())
    print(args.output or source)
    if args.workspace:
        print(workspace_path(args.size))


if __name__ == "__main__":
    main()
