"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, kept at the precision given."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse an ISO partial date, raising ``ValueError`` with a plain reason."""
        if not isinstance(text, str):
            raise ValueError("expected a date YYYY, YYYY-MM or YYYY-MM-DD")
        return _parse(text)  # the same few dates are parsed over and over: cached

    @property
    def precision(self) -> int:
        """1 for a year, 2 for a month, 3 for a day."""
        return 1 if self.month is None else 2 if self.day is None else 3

    def truncated(self, precision: int) -> tuple[int, ...]:
        parts = (self.year, self.month, self.day)
        return tuple(p for p in parts[:precision] if p is not None)

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display(self) -> str:
        """A reader's form: ``2026``, ``Jan 2026``, ``5 Jan 2026``."""
        if self.month is None:
            return f"{self.year}"
        mon = calendar.month_abbr[self.month]
        if self.day is None:
            return f"{mon} {self.year}"
        return f"{self.day} {mon} {self.year}"


@lru_cache(maxsize=8192)
def _parse(text: str) -> PartialDate:
    m = _PATTERN.fullmatch(text)
    if not m:
        raise ValueError("expected a date YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if year < 1:
        raise ValueError("year must be 0001 to 9999")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"no month {month:02d}")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"no day {day:02d} in {year:04d}-{month:02d}")
    return PartialDate(year, month, day)


def certainly_before(end: str, start: str) -> bool:
    """True when ``end`` is earlier than ``start`` at their common precision."""
    e, s = PartialDate.parse(end), PartialDate.parse(start)
    p = min(e.precision, s.precision)
    return e.truncated(p) < s.truncated(p)


@lru_cache(maxsize=8192)
def sort_key(text: str | None) -> tuple[int, int, int]:
    """Order partial dates as ranges: a date known only to the month or the year sorts *after*
    every fuller date inside its range (``2025-06`` after ``2025-06-30``, ``2025`` after
    ``2025-12-31`` and after ``2025-12``), and before the next month or year; None sorts last.
    (Cached: sorting a negotiation's positions asks for the same few dates thousands of times.)"""
    if text is None:
        return (10000, 0, 0)
    d = PartialDate.parse(text)
    return (d.year, d.month or 13, d.day or 32)


def is_approximate(text: str | None) -> bool:
    """True for a date known only to the month or the year (or not at all)."""
    return text is None or PartialDate.parse(text).precision < 3


def _approximately(words: str, precision: int, approximate: bool) -> str:
    if approximate and precision < 3:
        words += " (month only)" if precision == 2 else " (year only)"
    return words


def display_date(text: str | None, *, approximate: bool = False) -> str:
    """A date in words: ``5 Jan 2026``, ``Jan 2026``, ``2025`` (never a made-up day); "" for
    None. With ``approximate``, a date known only to the month or year says so:
    ``Jun 2025 (month only)``, ``2025 (year only)``."""
    if not text:
        return ""
    date = PartialDate.parse(text)
    return _approximately(date.display(), date.precision, approximate)


def display_range(start: str | None, end: str | None, *, approximate: bool = False) -> str:
    """A span in words, naming what its ends share once: ``5–6 Jan 2026``, ``30 Jan – 2 Feb
    2026``, ``Jun–Jul 2025``, ``30 Dec 2025 – 2 Jan 2026``; ``until …`` without a start,
    ``date unknown`` without either. ``approximate`` as for ``display_date``."""
    if not start and not end:
        return "date unknown"
    if not start:
        return f"until {display_date(end)}"
    if not end or end == start:
        return display_date(start, approximate=approximate)
    s, e = PartialDate.parse(start), PartialDate.parse(end)
    mon = calendar.month_abbr
    if s.precision == e.precision == 3 and s.year == e.year:
        if s.month == e.month:
            words = f"{s.day}\u2013{e.day} {mon[s.month]} {s.year}"
        else:
            words = f"{s.day} {mon[s.month]} \u2013 {e.day} {mon[e.month]} {e.year}"
    elif s.precision == e.precision == 2 and s.year == e.year and s.month != e.month:
        words = f"{mon[s.month]}\u2013{mon[e.month]} {s.year}"
    else:
        words = f"{s.display()} \u2013 {e.display()}"
    return _approximately(words, min(s.precision, e.precision), approximate)
