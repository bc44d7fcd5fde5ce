"""Where a citation's quote sits in its source's text, and the excerpt printed around it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dossier.model.quotes import excerpt, locate_quote

ARTICLE = ("Officials said on Thursday that the talks had stalled.\n\n"
           "“We will   not accept a  withdrawal without guarantees,” said Asaad al-Shaybani.\n"
           "قال الوزير: «لَا تَنَازُلَ عَنِ الْجُولَان» أمس.\n"
           "השר אמר: ”שָׁלוֹם תְּמוּרַת בִּטָּחוֹן“ ולא יותר.\n"
           "Café ÉLYSÉE — l’accord reached.")


def located(text: str, quote: str) -> str | None:
    where = locate_quote(text, quote)
    return None if where is None else text[where[0]:where[1]]


def test_quote_found_whatever_its_spaces_quotation_marks_and_case():
    assert located(ARTICLE, '"we will not accept a withdrawal without guarantees," said') == \
        "We will   not accept a  withdrawal without guarantees,” said"
    assert located(ARTICLE, "the talks\nhad   stalled") == "the talks had stalled"
    assert located(ARTICLE, "stalled. “We will") == "stalled.\n\n“We will"


def test_quote_found_without_vowel_marks_or_diacritics():
    assert located(ARTICLE, "لا تنازل عن الجولان") == "لَا تَنَازُلَ عَنِ الْجُولَان"
    assert located(ARTICLE, "שלום תמורת ביטחון") is None  # the full spelling (with yod) is another word
    assert located(ARTICLE, "שלום תמורת בטחון") == "שָׁלוֹם תְּמוּרַת בִּטָּחוֹן"
    assert located(ARTICLE, "cafe elysee - l'accord") == "Café ÉLYSÉE — l’accord"


def test_quote_not_in_the_text():
    assert locate_quote(ARTICLE, "we will accept") is None
    assert locate_quote(ARTICLE, "") is None
    assert locate_quote(ARTICLE, " “ ” ") is None
    assert locate_quote("", "talks") is None


def test_a_decomposed_accent_at_the_end_is_inside():
    text = "He said cafe\u0301 twice"
    start, end = locate_quote(text, "said café")
    assert text[start:end] == "said cafe\u0301"


@given(st.text(alphabet="aBé \n\u0301\u200c’“”«»'\"אבשׁ\u05b8اأَ", min_size=1, max_size=80),
       st.integers(0, 80), st.integers(0, 80))
def test_a_passage_of_the_text_is_always_found(text, a, b):
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    passage = text[a:b]
    where = locate_quote(text, passage)
    if not any(c.isalpha() for c in passage):
        return
    assert where is not None
    start, end = where
    assert 0 <= start <= end <= len(text)
    assert locate_quote(text[start:end], passage) is not None


def test_excerpt_cut_at_words_with_ellipses():
    words = " ".join(f"word{k}" for k in range(100))
    start = words.index("word50")
    end = start + len("word50")
    before, passage, after = excerpt(words, start, end, around=30)
    assert passage == "word50"
    assert before.startswith("…") and not before.startswith("… ")
    assert after.endswith("…")
    assert before[1:].split()[0].startswith("word") and len(before) <= 32
    first = before[1:].split()[0]
    assert words[words.index(first) - 1] == " "  # a whole word
    last = after[:-1].split()[-1]
    assert f" {last} " in words  # a whole word
    assert len(after) <= 32


def test_excerpt_at_the_edges_has_no_ellipsis():
    text = "Short text with a quote in it."
    assert excerpt(text, 6, 10) == ("Short ", "text", " with a quote in it.")
    assert excerpt(text, 0, len(text)) == ("", text, "")


def test_excerpt_of_one_long_word_and_bad_offsets():
    text = "x" * 500
    before, passage, after = excerpt(text, 200, 210, around=20)
    assert passage == "x" * 10 and before == "…" and after == "…"
    assert excerpt("abc", 5, 2) == ("abc", "", "")
    assert excerpt("abc", -3, 1) == ("", "a", "bc")
