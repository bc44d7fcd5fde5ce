"""Known names found in a document's text, and names not yet in the workspace.

``find(ws, text)`` gives a ``Found``: every ``Mention`` of a person, party or topic of the
workspace (by name, alias or native-script name; ``match`` is "exact" for a spelling the
workspace holds, after folding case, diacritics and Arabic/Hebrew vowel marks, and "fuzzy"
for a close variant above ``FUZZY_THRESHOLD``), and every ``Candidate``: a sequence that
looks like a personal name and matches no record. Offsets are in code points of ``text``.
Nothing is written.

How names are matched
---------------------
Text and names are folded alike (``dossier.model.folding``: case, diacritics, harakat,
niqqud and cantillation, tatweel, the Arabic and Persian letter variants, apostrophe and
hyphen look-alikes, the Persian zero-width non-joiner) and cut into tokens: runs of letters
and digits, an apostrophe inside a word kept in it and dropped from its key (As'ad, As’ad and
Asad are one token ``asad``), a possessive ``'s`` left out (``Netanyahu's``), a hyphen a
boundary (al-Shaybani and al Shaybani are ``al shaybani``). A name also stands for its joined
spelling when it holds a hyphen or a non-joiner (Ha-Negbi: Hanegbi), and عبد X for عبدX. A
name matches only whole tokens, never the inside of a word; in Arabic and Hebrew script a
token may carry one or two attached one-letter prefixes (و ف ب ل ك, ו ה ב ל מ ש כ), which
the mention leaves out.

Every spelling of every record is one key of a *token trie* (a dictionary of dictionaries,
one level a token): the text's tokens are walked through it once, left to right, and at
each token the longest key that ends there wins (leftmost-longest; a later, overlapping
match is not taken). A trie over tokens rather than an Aho–Corasick automaton over
characters (pyahocorasick) because names are matched as whole tokens anyway: a walk from a
token stops at the first token no key continues with, almost always the first one, so the
whole text costs about one dictionary look-up a token, in pure Python, with no dependency
and nothing to check at word boundaries afterwards. When several records share a spelling,
the record's own name or native name goes before an alias, a person before a party before a
topic, and then the lowest id (``candidates_for`` lists them all).

Surnames: a person is also found by the last word of their name — with its particle, and
without it (al-Shaybani, Shaybani; Netanyahu; נתניהו) — when no other person has that
surname, no record has it as a whole spelling, and it has at least ``SURNAME_MIN``
letters. Such a match is "exact", but in Latin script only where the word is written with a
capital and stands alone: not next to another capitalised word other than a title
(``Minister Dermer`` is Dermer, ``Ron Dermer`` is matched whole, ``Ehud Barak`` is not Tom
Barak's surname).

The fuzzy pass
--------------
On the tokens no exact match covers, each token that may be part of a name (capitalised in
Latin script, any word in Arabic and Hebrew script; ``FUZZY_MIN`` letters or more) is
compared with the tokens of people's spellings that begin with the same letter (after the
transliteration key below) and are at most three letters longer or shorter. The score of two
spellings is the mean of rapidfuzz's ``fuzz.ratio`` (the normalised Indel similarity, 0-100)
of the folded spellings and of their transliteration keys, where doubled letters are single
and q/gh/k/c/ck, ch/sh, y/i, ou/oo/u, ee/i, e/a and ph/f are one each (Latin script only). A
token close enough (``TOKEN_THRESHOLD``) stands in for the name token; a sequence of tokens
that spells a person's name, alias, native name or surname with at least one token standing
in is a fuzzy mention when its whole spelling scores at least ``FUZZY_THRESHOLD``. Only
people are matched fuzzily (parties and topics are exact): close variants are a matter of
personal names. A single-token fuzzy match (a surname, a one-word alias) needs a Latin word of
``FUZZY_SINGLE_MIN`` letters or more that stands alone, as for surnames above.

Scores with the threshold of 85: Tom Barak / Tom Barrack 95, al-Shaibani / al-Shaybani 95,
Araqchi / Araghchi 90 (alone), Abbas Araqchi / Abbas Araghchi 94, Kohen / Cohen 90, Leiter /
Lieter 87; but Dermer / Dermot 67, Ron Dermot / Ron Dermer 80, Leiter / Lester 83, Hassan /
Hussein 67, Omar / Amir (different first letters) not compared, a word made from a name
(Netanyahuism, Barracks) never stands in for it,
and Barack Obama is not Tom Barrack: "Barack" scores 96 against "Barrack" but is followed by
"Obama", so it does not stand alone.

Candidates
----------
In Latin script, two to four consecutive capitalised words (joined by spaces or hyphens,
with particles such as al-, el-, bin, ibn, ben, van, von, de inside), titles (President,
Minister…) left off their front, and none of them a month, a weekday, a common word that is
capitalised at the start of a sentence, a demonym or a word of a place or an organisation
(a short list: Ministry, Council, Damascus, …). In Arabic, Hebrew and Persian script, where
there are no capitals: the two words (three with a connector such as بن, בן or the article
of א-שייבאני, or a family name with ال) after a title or cue word (Arabic الرئيس, وزير, السيد…; Hebrew השר, ראש, מר…;
Persian آقای, وزیر…; the words that complete the title — الخارجية, הממשלה, امور خارجه — are
skipped), and the two words that follow a given name some person of the workspace has in
that script. A candidate never overlaps a mention, and never another candidate.

The matcher
-----------
It is built from the people, parties and topics once, and kept for the workspace until any
of them changes: the workspace's own announced changes (``ws.subscribe``) drop it at once,
and a cheap stamp, the newest history row, read with each ``find``, catches changes saved
by others to a team workspace. A change to other records (a source, a position) keeps it.
(On PostgreSQL two writers' rows may commit out of the order of their ids; the Sources pane
calls ``forget_matcher`` when others' changes to names reach a team workspace's window.)

A party is found by its name (a party record holds no aliases or short names); a topic by its
title.

The module stays whole, past 500 lines: the word lists, the trie, the two passes over a text
and the kept matcher share private structures (``_Entry``, the token index) that would
otherwise be public between modules for no reader's benefit. Quotes are ``model/quotes.py``.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from dossier.model.folding import fold, fold_text

#: Lowest similarity (0-100) of a close spelling variant that is shown as a fuzzy mention.
FUZZY_THRESHOLD = 85.0
#: Lowest similarity of one token standing in for a token of a name (the whole must still
#: reach ``FUZZY_THRESHOLD``).
TOKEN_THRESHOLD = 75.0
#: Fewest letters of a token compared fuzzily, and of a single-token fuzzy match.
FUZZY_MIN = 4
FUZZY_SINGLE_MIN = 5
#: Fewest letters of a surname found alone.
SURNAME_MIN = 4

COLLECTIONS = ("people", "parties", "topics")


@dataclass(frozen=True)
class Mention:
    collection: str  # "people", "parties" or "topics"
    record_id: str
    start: int  # code point offsets in the text: text[start:end] is the mention
    end: int
    text: str
    match: Literal["exact", "fuzzy"]
    label: str  # the record's name or title, for lists and tooltips


@dataclass(frozen=True)
class Candidate:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Found:
    mentions: tuple[Mention, ...]  # in order of start
    candidates: tuple[Candidate, ...]  # in order of start


# --- words --------------------------------------------------------------------------------

def _words(text: str) -> frozenset[str]:
    return frozenset(fold_text(w) for w in text.split())


#: joined to a name: al-Shaybani, bin Salman, van der Berg
PARTICLES = _words("al el ul bin ibn bint ben bar abu abd abdel abdul van von der den de da di du del della "
                   "dos das la le ha ould")
#: titles: not part of a name, and no obstacle to a surname standing alone
TITLES = _words(
    "mr mrs ms miss dr prof sir dame lord lady sheikh sheik shaykh imam rabbi general gen lt col colonel "
    "major maj brigadier admiral captain capt sergeant president vice prime minister ministers secretary "
    "undersecretary deputy foreign defense defence interior finance state affairs ambassador envoy special "
    "senior chief head spokesman spokeswoman spokesperson adviser advisor counsellor counselor negotiator "
    "mediator delegate delegation king queen prince princess emir crown sultan premier chancellor governor "
    "mayor senator sen rep representative congressman congresswoman speaker chairman chairwoman chair "
    "director commander officer official judge justice president-elect former acting interim elder "
    "father brother sister saint st security national intelligence mp mk")
_MONTHS_DAYS = _words(
    "january february march april may june july august september october november december jan feb mar "
    "apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday")
#: capitalised where a sentence or a heading starts; never the first word of a name
_COMMON = _words(
    "a an the and or but nor so yet for of in on at to by with from into onto upon over under about after "
    "before during since until while when where which who whom whose what why how whether if though although "
    "because as than then there here this that these those it its he she they we i you him her them us his "
    "their our my your me mine yours also only even still just not no yes all any both each every some "
    "many much more most few other another such same own according meanwhile however moreover furthermore "
    "yesterday today tomorrow tonight last next first second third new old early late earlier later recent "
    "recently officials official sources source reports report news breaking update updated exclusive "
    "analysis opinion editorial photo video read more see said says told asked added noted would could "
    "should will shall may might must can cannot did does do is are was were be been being has have had "
    "mr mrs ms dr west east north south western eastern northern southern central middle gulf via per "
    "after following amid despite within without between against toward towards around across along "
    "one two three four five six seven eight nine ten hundred thousand million billion week weeks day days "
    "month months year years morning evening night afternoon monday talks talk meeting summit agreement deal "
    "ceasefire truce statement sunday friday thursday wednesday tuesday saturday")
_DEMONYMS = _words(
    "israeli israelis syrian syrians american americans lebanese iranian iranians turkish turk turks russian "
    "russians french british egyptian egyptians jordanian jordanians qatari qataris saudi saudis emirati "
    "palestinian palestinians kurdish kurd kurds arab arabs arabic european europeans iraqi iraqis hebrew "
    "persian druze alawite alawites sunni shia shiite christian christians muslim muslims jewish jews "
    "german germans italian chinese azerbaijani azeri omani yemeni libyan tunisian moroccan algerian "
    "english western israel syria lebanon iran turkey türkiye russia france britain egypt jordan qatar "
    "saudi emirates palestine iraq europe america china germany italy azerbaijan oman yemen gaza golan")
#: words of places and organisations: a capitalised sequence holding one is no person's name
_PLACES_ORGS = _words(
    "ministry council nations union office agency forces force army navy university news times post press wire "
    "street heights republic kingdom states state party front authority committee commission organization "
    "organisation department bank company group institute center centre foundation airport sea river mount "
    "mountain city province governorate strip plaza hotel palace house square court parliament assembly "
    "government cabinet administration embassy consulate movement brigade brigades corps guard guards "
    "hezbollah hamas idf un eu nato white hall channel radio tv television network journal herald tribune "
    "gazette review daily weekly agence reuters axios haaretz ynet kan sana enab baladi jazeera al-jazeera "
    "asharq awsat watan quds monde associated damascus jerusalem tel aviv beirut amman cairo doha baku paris "
    "washington geneva ankara tehran moscow london istanbul vienna oslo riyadh dhabi dubai muscat nicosia "
    "quneitra daraa deraa sweida suwayda hermon homs aleppo latakia tartus idlib hama raqqa deir ezzor "
    "new york brussels berlin rome madrid tunis baghdad erbil sanaa manama kuwait sharm sheikh eilat haifa "
    "nazareth ramallah nablus hebron jenin rafah khan yunis sinai negev galilee west bank strip valley "
    "declaration accord accords plan initiative process conference forum talks summit protocol resolution "
    "treaty charter convention zone line border crossing road route highway district region area")

#: Arabic, Hebrew and Persian words after which a personal name is expected (folded)
_CUES = _words(
    "الرئيس رئيس الوزير وزير السيد السيده الشيخ المبعوث مبعوث السفير سفير الدكتور د اللواء العميد العقيد "
    "الجنرال الامير الملك نائب مستشار المستشار المتحدث الناطق رئيسه الوزيره وزيره "
    "השר שר השרה ראש מר גב גברת הנשיא נשיא השגריר שגריר השליח שליח ד\"ר דר הרב האלוף אלוף תא\"ל "
    "יו\"ר ח\"כ חכ יור סגן היועץ יועץ הדובר דובר "
    "اقاي اقا خانم وزير رييس سخنگوي دكتر سفير معاون مشاور فرستاده")
#: words completing a title before the name
_COMPLEMENTS = _words(
    "الخارجيه الدفاع الداخليه الحكومه الوزراء الجمهوريه السوري السوريه الاسرائيلي الاسرائيليه الامريكي "
    "الامريكيه اللبناني التركي الايراني القطري المصري الاردني الفلسطيني الامن القومي الخاص الاعلي "
    "السابق الجديد المؤقت "
    "החוץ הביטחון הממשלה המטה לביטחון לאומי האמריקאי הסורי הישראלי הנשיא המוסד הכנסת לשעבר "
    "امور خارجه خارجه دفاع كشور جمهور ايران اسراييل سوريه امريكا مجلس دولت ويژه سابق")
_CONNECTORS = _words("بن ابن ابو عبد بنت ال בן בת בר אבו א אל")
_STOP_RTL = _words(
    "في من الى إلى علي على عن ان أن إن قال قالت وقال وقالت ذلك التي الذي الذين مع هذا هذه كان كانت لا لم "
    "لن ما و او أو ثم بعد قبل خلال حول عند منذ حتي كما ايضا أيضا اليوم امس أمس غدا انه أنه إنه بين "
    "של את על עם כי אמר אמרה אמרו הוא היא הם זה זו לא גם אל או אך אבל היום אתמול מחר כך כאשר אשר "
    "ב ל מ ש ה ו "
    "و در به از كه را با اين ان گفت است بود براي تا هم نيز اما يا شد امروز ديروز خود")
_PROCLITICS = frozenset("وفبلك" "והבלמשכ")

_TOKEN = re.compile(r"[^\W_]+(?:'(?!s\b)[^\W_]+)*")
_JOINERS = re.compile("[-\u2010\u2011\u2012\u2013\u2014\u2212\u05be\u200c]")


def _is_latin(key: str) -> bool:
    return key[0] < "\u0370"


def _is_rtl(key: str) -> bool:
    c = key[0]
    return "\u0590" <= c <= "\u08ff" or "\ufb1d" <= c <= "\ufeff"


def tokens_of(name: str) -> tuple[str, ...]:
    """The folded tokens a name is matched by."""
    return tuple(m.group().replace("'", "") for m in _TOKEN.finditer(fold_text(name)))


def _spellings(name: str | None) -> set[tuple[str, ...]]:
    """The token sequences a name is matched by: as written, and joined where it holds a
    hyphen or a non-joiner (Ha-Negbi: Hanegbi), and عبد X as عبدX."""
    if not name or not name.strip():
        return set()
    out = set()
    tokens = tokens_of(name)
    if tokens:
        out.add(tokens)
    if _JOINERS.search(name):
        joined = tokens_of(_JOINERS.sub("", name))
        if joined:
            out.add(joined)
    if "عبد" in tokens[:-1]:
        merged, skip = [], False
        for k, t in enumerate(tokens):
            if skip:
                skip = False
                continue
            if t == "عبد" and k + 1 < len(tokens):
                merged.append(t + tokens[k + 1])
                skip = True
            else:
                merged.append(t)
        out.add(tuple(merged))
    return out


def _surnames(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The last word of a name with its particle, and without it."""
    if len(tokens) < 2:
        return []
    last = tokens[-1]
    out = []
    if len(tokens) >= 3 and tokens[-2] in PARTICLES:
        out.append(tokens[-2:])
    if len(last) >= SURNAME_MIN and last not in PARTICLES:
        out.append((last,))
    return out


# --- scoring ------------------------------------------------------------------------------

_TRANSLIT = [(re.compile(p), r) for p, r in [
    (r"ch|sh", "\x02"), (r"ph", "f"), (r"gh", "q"), (r"ck", "k"), (r"[qc]", "k"),
    (r"y", "i"), (r"ou|oo|u", "u"), (r"ee|ie", "i"), (r"e", "a"), (r"(.)\1+", r"\1"),
    ("\x02", "sh")]]


def translit_key(key: str) -> str:
    """A Latin spelling with the letters transliterations disagree on made one (see above)."""
    if not key or not _is_latin(key):
        return key
    for pattern, repl in _TRANSLIT:
        key = pattern.sub(repl, key)
    return key


def similarity(a: str, b: str) -> float:
    """The fuzzy score (0-100) of two folded spellings (see the module's docstring)."""
    from rapidfuzz.fuzz import ratio

    return (ratio(a, b) + ratio(translit_key(a), translit_key(b))) / 2


# --- the matcher --------------------------------------------------------------------------

_END = ""  # the key of a trie node's entries: no token is empty
_ORDER = {c: k for k, c in enumerate(COLLECTIONS)}


@dataclass(frozen=True)
class _Entry:
    rank: int  # 0 name or native name, 1 alias or joined spelling, 2 surname
    collection: str
    record_id: str
    label: str

    @property
    def order(self) -> tuple:
        return (self.rank, _ORDER[self.collection], self.record_id)

    @property
    def surname(self) -> bool:
        return self.rank == 2


class Matcher:
    """Every spelling of the people, parties and topics given, ready to be found in texts."""

    def __init__(self, people: Iterable, parties: Iterable, topics: Iterable):
        self.root: dict = {}
        whole: set[tuple[str, ...]] = set()
        person_keys: list[tuple[tuple[str, ...], _Entry]] = []
        surnames: dict[tuple[str, ...], set[str]] = {}
        labels: dict[str, str] = {}
        self.given: set[str] = set()  # first tokens of names in Arabic, Hebrew or Persian script
        for person in people:
            labels[person.id] = person.name
            spelled = [(s, 0) for s in _spellings(person.name) | _spellings(person.native_name)]
            spelled += [(s, 1) for alias in person.aliases for s in _spellings(alias)]
            seen = set()
            for tokens, rank in sorted(spelled, key=lambda sr: sr[1]):
                if tokens in seen:
                    continue
                seen.add(tokens)
                rank = rank if tokens in (tokens_of(person.name), tokens_of(person.native_name or "")) else 1
                entry = _Entry(rank, "people", person.id, person.name)
                self._add(tokens, entry)
                whole.add(tokens)
                person_keys.append((tokens, entry))
            for tokens in _spellings(person.name) | _spellings(person.native_name):
                for surname in _surnames(tokens):
                    surnames.setdefault(surname, set()).add(person.id)
                if len(tokens) >= 2 and _is_rtl(tokens[0]) and len(tokens[0]) >= 2:
                    self.given.add(tokens[0])
        for party in parties:
            for tokens in _spellings(party.name):
                self._add(tokens, _Entry(0, "parties", party.id, party.name))
                whole.add(tokens)
        for topic in topics:
            for tokens in _spellings(topic.title):
                self._add(tokens, _Entry(0, "topics", topic.id, topic.title))
                whole.add(tokens)
        for surname, owners in surnames.items():
            if len(owners) == 1 and surname not in whole:
                (owner,) = owners
                entry = _Entry(2, "people", owner, labels[owner])
                self._add(surname, entry)
                person_keys.append((surname, entry))
        self._sort(self.root)
        self.given -= _STOP_RTL | _CUES | _CONNECTORS
        # the fuzzy pass's index: the tokens of people's spellings by (first letter, length) of
        # their transliteration key
        self.vocabulary: set[str] = {t for tokens, _ in person_keys for t in tokens}
        index: dict[tuple[str, int], list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        for token in self.vocabulary:
            if len(token) < FUZZY_MIN - 1:
                continue
            key = translit_key(token)
            self._keys.setdefault(key, []).append(token)
            index.setdefault((key[0], len(key)), []).append(key)
        self._index = {k: sorted(set(v)) for k, v in index.items()}

    def _add(self, tokens: tuple[str, ...], entry: _Entry) -> None:
        node = self.root
        for token in tokens:
            node = node.setdefault(token, {})
        node.setdefault(_END, []).append(entry)

    def _sort(self, root: dict) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            for key, child in node.items():
                if key == _END:
                    child.sort(key=lambda e: e.order)
                else:
                    stack.append(child)

    def entries(self, spelling: str) -> list[_Entry]:
        """Every record a spelling stands for exactly, the one a mention names first."""
        node = self.root
        for token in tokens_of(spelling):
            node = node.get(token)
            if node is None:
                return []
        return list(node.get(_END, ()))

    # --- finding ---------------------------------------------------------------------------

    def find(self, text: str) -> Found:
        if not text:
            return Found((), ())
        return _Pass(self, text).run()

    def alternatives(self, key: str) -> list[tuple[str, float]]:
        """Tokens of people's spellings close to ``key`` (not ``key`` itself), with their score."""
        from rapidfuzz import process
        from rapidfuzz.fuzz import ratio

        tkey = translit_key(key)
        near: list[str] = []
        for length in range(len(tkey) - 3, len(tkey) + 4):
            near.extend(self._index.get((tkey[0], length), ()))
        if not near:
            return []
        out = []
        floor = 2 * TOKEN_THRESHOLD - 100  # the mean cannot reach the threshold below it
        for other, score, _ in process.extract(tkey, near, scorer=ratio, score_cutoff=floor, limit=None):
            for token in self._keys[other]:
                if key.startswith(token) or token.startswith(key):
                    continue  # the same, or a word made from it (Netanyahuism, Barracks)
                total = (ratio(key, token) + score) / 2
                if total >= TOKEN_THRESHOLD:
                    out.append((token, total))
        return out


class _Pass:
    """One text through one matcher."""

    def __init__(self, matcher: Matcher, text: str):
        self.m = matcher
        self.text = text
        folded = fold(text)
        self.folded = folded
        keys, fstarts, fends = [], [], []
        for match in _TOKEN.finditer(folded.text):
            token = match.group()
            keys.append(token.replace("'", "") if "'" in token else token)
            fstarts.append(match.start())
            fends.append(match.end())
        self.keys = keys
        self.fstarts, self.fends = fstarts, fends
        self.starts = [folded.start(i) for i in fstarts]
        self.ends = [folded.end(j) for j in fends]
        self.n = len(keys)
        ftext = folded.text
        # joinable[k]: token k continues a name begun before it (only spaces, a hyphen or one
        # line break between; a full stop after an initial)
        joinable = [False] * self.n
        for k in range(1, self.n):
            gap = ftext[fends[k - 1]:fstarts[k]]
            joinable[k] = gap == " " or gap == "-" or (len(gap) <= 4 and _GAP.fullmatch(gap) is not None) \
                or (len(keys[k - 1]) == 1 and _INITIAL_GAP.fullmatch(gap) is not None)
        self.joinable = joinable
        self.covered = [False] * self.n
        self.owner = [-1] * self.n  # the mention (index in ``ranges``) covering each token
        self.ranges: list[tuple[int, int]] = []  # the tokens [i, j) of each mention found
        self._caps: list[bool] | None = None
        self._alts: dict[str, list[tuple[str, float]]] = {}

    @property
    def caps(self) -> list[bool]:
        if self._caps is None:
            text = self.text
            self._caps = [text[s].isupper() for s in self.starts]
        return self._caps

    def run(self) -> Found:
        mentions = self._exact()
        mentions = self._fuzzy(mentions)
        mentions.sort(key=lambda m: m.start)
        candidates = self._candidates()
        return Found(tuple(mentions), tuple(candidates))

    # a name standing alone: no capitalised word (other than a title) right before or after it
    def _alone(self, i: int, j: int) -> bool:
        if not _is_latin(self.keys[i]):
            return True
        caps, keys = self.caps, self.keys
        if i > 0 and self.joinable[i] and caps[i - 1] and keys[i - 1] not in TITLES \
                and keys[i - 1] not in _COMMON:
            return False
        return not (j < self.n and self.joinable[j] and caps[j] and keys[j] not in TITLES)

    def _mention(self, i: int, j: int, entry: _Entry, match: str, shift: int = 0) -> Mention:
        start = self.folded.start(self.fstarts[i] + shift) if shift else self.starts[i]
        end = self.ends[j - 1]
        self.ranges.append((i, j))
        for k in range(i, j):
            self.covered[k] = True
            self.owner[k] = len(self.ranges) - 1
        return Mention(entry.collection, entry.record_id, start, end, self.text[start:end], match, entry.label)

    def _accept(self, entries: list[_Entry], i: int, j: int) -> _Entry | None:
        for entry in entries:
            if entry.surname and _is_latin(self.keys[i]):
                if not self.caps[i] and self.keys[i] not in PARTICLES:
                    continue
                if self.keys[i] in PARTICLES and not self.caps[i + 1 if i + 1 < j else i]:
                    continue
                if not self._alone(i, j):
                    continue
            return entry
        return None

    def _exact(self) -> list[Mention]:
        root, keys, joinable, n = self.m.root, self.keys, self.joinable, self.n
        found: list[Mention] = []
        i = 0
        while i < n:
            shift = 0
            node = root.get(keys[i])
            if node is None:
                key = keys[i]
                if len(key) > 3 and key[0] in _PROCLITICS:
                    for shift in (1, 2):
                        if key[shift - 1] not in _PROCLITICS or len(key) - shift < 3:
                            break
                        node = root.get(key[shift:])
                        if node is not None:
                            break
                if node is None:
                    i += 1
                    continue
            ends = []
            if _END in node:
                ends.append((i + 1, node[_END]))
            j = i + 1
            while j < n and joinable[j]:
                node = node.get(keys[j])
                if node is None:
                    break
                j += 1
                if _END in node:
                    ends.append((j, node[_END]))
            for end, entries in reversed(ends):
                entry = self._accept(entries, i, end)
                if entry is not None:
                    found.append(self._mention(i, end, entry, "exact", shift))
                    i = end
                    break
            else:
                i += 1
        return found

    def _eligible(self, k: int) -> bool:
        key = self.keys[k]
        if len(key) < FUZZY_MIN or key in TITLES or key in _COMMON or key in _MONTHS_DAYS:
            return False
        if _is_latin(key):
            return self.caps[k]
        return _is_rtl(key) and key not in _STOP_RTL

    def _alternatives(self, k: int) -> list[tuple[str, float, int]]:
        """(token, score, 1 when it stands in) for text token ``k``."""
        key = self.keys[k]
        out = [(key, 100.0, 0)] if key in self.m.vocabulary else []
        if self._eligible(k):
            alts = self._alts.get(key)
            if alts is None:
                alts = self._alts[key] = self.m.alternatives(key)
            out.extend((token, score, 1) for token, score in alts)
        return out

    def _fuzzy(self, exact: list[Mention]) -> list[Mention]:
        """The fuzzy mentions added to the exact ones. A fuzzy match may take in exact ones
        shorter than itself (Ingryd Dupont, where "Dupont" alone is someone's alias)."""
        found: list[Mention | None] = list(exact)
        covered, joinable, n = self.covered, self.joinable, self.n
        ranges, owner = self.ranges, self.owner
        root = self.m.root
        i = 0
        while i < n:
            if covered[i] and ranges[owner[i]][0] != i:
                i += 1
                continue
            states = [(root, 0, ())]
            best = None  # (end, score, entry)
            j = i
            while j < n and (not covered[j] or ranges[owner[j]][0] >= i) and (j == i or joinable[j]) \
                    and j - i < 8:
                alts = self._alternatives(j)
                if not alts:
                    break
                following = []
                for node, stand_ins, path in states:
                    for token, _score, stands in alts:
                        child = node.get(token)
                        if child is not None:
                            following.append((child, stand_ins + stands, path + (token,)))
                if not following:
                    break
                states = following[:64]
                j += 1
                if not self._takes_in(i, j):
                    continue
                for node, stand_ins, path in states:
                    if not stand_ins or _END not in node:
                        continue
                    entry = self._fuzzy_entry(node[_END], i, j, path)
                    if entry is not None and (best is None or (j, entry[0]) > (best[0], best[1])):
                        best = (j, entry[0], entry[1])
            if best is None:
                i += 1
                continue
            end, _score, entry = best
            for k in range(i, end):
                if covered[k]:
                    found[owner[k]] = None
            found.append(self._mention(i, end, entry, "fuzzy"))
            i = end
        return [m for m in found if m is not None]

    def _takes_in(self, i: int, j: int) -> bool:
        """Whether a match of the tokens [i, j) may replace the mentions among them: each lies
        wholly inside and is shorter."""
        for k in range(i, j):
            if self.covered[k]:
                start, end = self.ranges[self.owner[k]]
                if end > j or end - start >= j - i:
                    return False
        return True

    def _fuzzy_entry(self, entries: list[_Entry], i: int, j: int, path: tuple[str, ...]):
        people = [e for e in entries if e.collection == "people"]
        if not people:
            return None
        single = j - i == 1
        if single and (not _is_latin(self.keys[i]) or len(self.keys[i]) < FUZZY_SINGLE_MIN):
            return None
        score = similarity(" ".join(self.keys[i:j]), " ".join(path))
        if score < FUZZY_THRESHOLD:
            return None
        for entry in people:
            if (entry.surname or single) and \
                    (not self._alone(i, j) or (_is_latin(self.keys[i]) and not any(self.caps[i:j]))):
                continue
            return score, entry
        return None

    # --- candidates ------------------------------------------------------------------------

    def _candidates(self) -> list[Candidate]:
        spans = self._latin_candidates() + self._rtl_candidates()
        spans.sort()
        out: list[Candidate] = []
        last_end = -1
        for i, j in spans:
            if i <= last_end:
                continue
            start, end = self.starts[i], self.ends[j - 1]
            out.append(Candidate(self.text[start:end], start, end))
            last_end = j - 1
        return out

    def _name_word(self, k: int) -> bool:
        key = self.keys[k]
        if not self.caps[k] or not _is_latin(key) or not key[0].isalpha():
            return False
        written = self.text[self.starts[k]:self.ends[k]]
        if len(written) > 1 and written.isupper():
            return False  # an acronym
        return key not in _COMMON and key not in _MONTHS_DAYS and key not in TITLES and key not in _DEMONYMS

    def _latin_candidates(self) -> list[tuple[int, int]]:
        keys, covered, joinable, n = self.keys, self.covered, self.joinable, self.n
        out = []
        k = 0
        while k < n:
            if covered[k] or not _is_latin(keys[k]) or not (self._name_word(k) or self._particle(k)):
                k += 1
                continue
            run = [k]
            m = k + 1
            while m < n and joinable[m] and not covered[m] and (self._name_word(m) or self._particle(m)):
                run.append(m)
                m += 1
            k = m
            while run and self._particle(run[-1]):
                run.pop()
            while run and self._particle(run[0]) and not (len(run) > 1 and self._hyphened(run[0])):
                run.pop(0)
            words = [r for r in run if not self._particle(r)]
            if not 2 <= len(words) <= 4 or sum(len(keys[r]) > 1 for r in words) < 2:
                continue  # an initial counts for no word of its own (U.S., not a name)
            if any(keys[r] in _PLACES_ORGS for r in run):
                continue
            out.append((run[0], run[-1] + 1))
        return out

    def _particle(self, k: int) -> bool:
        return self.keys[k] in PARTICLES

    def _hyphened(self, k: int) -> bool:
        return k + 1 < self.n and "-" in self.folded.text[self.fends[k]:self.fstarts[k + 1]]

    def _rtl_word(self, k: int) -> bool:
        key = self.keys[k]
        return _is_rtl(key) and not self.covered[k] and key not in _STOP_RTL and key not in _CUES

    def _rtl_candidates(self) -> list[tuple[int, int]]:
        keys, joinable, n = self.keys, self.joinable, self.n
        given = self.m.given
        out = []
        for k in range(n):
            key = keys[k]
            if not _is_rtl(key):
                continue
            start = None
            if key in _CUES or (len(key) > 3 and key[0] in _PROCLITICS and key[1:] in _CUES):
                m = k + 1
                skipped = 0
                while m < n and joinable[m] and skipped < 3 and self._complement(keys[m]):
                    m += 1
                    skipped += 1
                if m < n and joinable[m]:
                    start = m
            elif key in given and not self.covered[k] and (k == 0 or keys[k - 1] not in _CUES):
                start = k
            if start is None or not self._rtl_word(start) or keys[start].startswith(("ال", "ה")) \
                    and start != k:
                continue
            end = start + 1
            while end < n and joinable[end] and self._rtl_word(end) and end - start < 3:
                if end - start == 2 and not (keys[end - 1] in _CONNECTORS or keys[end].startswith("ال")):
                    break
                end += 1
            if end - start >= 2:
                out.append((start, end))
        return out

    @staticmethod
    def _complement(key: str) -> bool:
        return key in _COMPLEMENTS or (key.startswith("ال") and len(key) > 3) \
            or (key.startswith("ה") and len(key) > 3 and key not in _CONNECTORS)


_GAP = re.compile(r"[ \t]*\n?[ \t]*|[ \t]*-[ \t]*")
_INITIAL_GAP = re.compile(r"\. ?")


# --- the matcher of a workspace --------------------------------------------------------------

@dataclass
class _Kept:
    matcher: Matcher | None
    stamp: int
    listener: object = None


_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_building = threading.Lock()


def _stamp(ws, since: int | None) -> tuple[int, bool]:
    """The newest history row, and whether a row after ``since`` changed people, parties or
    topics (True when rows were taken away since, or when there is no ``since``)."""
    from dossier.store import history

    with ws.db.read() as conn:
        newest = history.latest_id(conn)
        if since is None or newest < since:
            return newest, True
        if newest == since:
            return newest, False
        return newest, history.touched_since(conn, since, COLLECTIONS)


def matcher_for(ws) -> Matcher:
    """The workspace's matcher, built again only when its people, parties or topics changed."""
    with _building:
        kept = _kept.get(ws)
        stamp, changed = _stamp(ws, kept.stamp if kept is not None and kept.matcher is not None else None)
        if kept is not None and kept.matcher is not None and not changed:
            kept.stamp = stamp
            return kept.matcher
        from dossier.services.records import list_all

        matcher = Matcher(list_all(ws, "people"), list_all(ws, "parties"), list_all(ws, "topics"))
        if kept is None:
            kept = _Kept(matcher, stamp)

            def forget(change, kept=kept) -> None:
                if any(change.touches(c) for c in COLLECTIONS):
                    kept.matcher = None

            kept.listener = forget
            ws.subscribe(forget)
            _kept[ws] = kept
        else:
            kept.matcher, kept.stamp = matcher, stamp
        return matcher


def forget_matcher(ws) -> None:
    """Drop the workspace's matcher (the next ``find`` builds it again)."""
    kept = _kept.pop(ws, None)
    if kept is not None:
        ws.unsubscribe(kept.listener)


def find(ws, text: str) -> Found:
    """The mentions and candidates in ``text`` (the matcher is built once per workspace change)."""
    return matcher_for(ws).find(text)


def candidates_for(ws, mention: Mention) -> list[tuple[str, str, str]]:
    """``(collection, id, label)`` of every record whose spelling a mention matches exactly, the
    one the mention names first (one element unless several records share that spelling)."""
    return [(e.collection, e.record_id, e.label) for e in matcher_for(ws).entries(mention.text)] \
        or [(mention.collection, mention.record_id, mention.label)]


def nearest_preceding(found: Found, offset: int, collection: str) -> Mention | None:
    """The last mention of this collection that starts before ``offset``."""
    before = [m for m in found.mentions if m.collection == collection and m.start < offset]
    return before[-1] if before else None
