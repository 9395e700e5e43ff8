"""Deadlines and periods: the last day a goal can be met, and the rate period of its target ("per month").

The reader starts from the words that anchor a date (a month, a season, a quarter, a week, a unit of time, a
number that may be a year or a date) and reads the words around each anchor: the day before a month, the year after
it, the preposition that says "by", "before" or "at the end of". Numeric forms (2027-03-31, 31.03.2027, 30/9, q3,
v. 14) are read with small regular expressions at the anchor. Relative phrases ("next quarter", "by EOY", "i år")
are phrase lists in dates.yml. Everything runs on the reading text: lower-cased, each word as the lexicon spells it
(typos corrected, å/ä/ö/æ/ø restored), so "innen utgangen av maned" reads as "innen utgangen av måned".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from .facts import Deadline
from .lexicon import DateWords
from .phrases import Found
from .tokens import Token

_ISO = re.compile(r"(?P<y>20[0-9]{2})-(?P<m>[01]?[0-9])-(?P<d>[0-3]?[0-9])(?![0-9])")
_DOTTED = re.compile(r"(?P<d>[0-3]?[0-9])[./](?P<m>[0-3]?[0-9])[./](?P<y>(?:20)?[0-9]{2})(?![0-9])")
_DAY_MONTH = re.compile(r"(?P<d>[0-3]?[0-9])/(?P<m>[01]?[0-9])(?![0-9/])")
_YEAR = re.compile(r"(?P<y>20[0-9]{2})(?![0-9])")
_QUARTER = re.compile(r"q ?(?P<q>[1-4])(?:[ /-]?(?P<y>20[0-9]{2}|'?[0-9]{2}))?(?![0-9])")
_HALF = re.compile(r"h(?P<h>[12])(?:[ /-]?(?P<y>20[0-9]{2}))?(?![0-9])")
_WEEK = re.compile(r"(?:[a-z]+)\.? ?(?P<w>[0-5]?[0-9])(?:,? (?P<y>20[0-9]{2}))?(?![0-9])")
_AFTER_MONTH = re.compile(
    r"[a-z]+\.?(?: (?:the )?(?P<d>[0-3]?[0-9])(?:st|nd|rd|th)?(?![0-9]))?(?:,? (?P<y>20[0-9]{2}))?"
)
_DAY_BEFORE = re.compile(r"(?:^|\s)(?:the )?(?P<d>[0-3]?[0-9])(?:st|nd|rd|th|\.|:e|:a)?(?: of)? ?$")
_QUARTER_AFTER = re.compile(r"[a-z]+ (?P<q>[1-4])(?: (?P<y>20[0-9]{2}))?(?![0-9])")
_QUARTER_BEFORE = re.compile(r"(?:^|\s)(?P<q>[1-4])(?:st|nd|rd|th|:a|:e|\.)? ?$")
_OF_YEAR = re.compile(r"[a-z]+(?: of)? (?P<y>20[0-9]{2})(?![0-9])")
_NOT_A_YEAR_AFTER = re.compile(r" ?(?:%|kr|sek|nok|st|stk|people|personer|kunder|customers|kunder)(?![a-z])")
_YEAR_AFTER = re.compile(r",? (?:of |i |in )?(?P<y>20[0-9]{2})(?![0-9])")
_LOOK_BEHIND = 48  # characters of the reading text searched for a preposition before an anchor


class _Found(NamedTuple):
    start: int  # in the reading text
    end: int
    due: date


@lru_cache(maxsize=64)
def _spaced(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" " + w for w in words)


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(raw: str | None, month: int, day: int, today: date) -> int:
    """The year written, or the next time this month and day come round."""
    if raw:
        year = int(raw.lstrip("'"))
        return year + 2000 if year < 100 else year
    candidate = _safe(today.year, month, min(day, 28))
    return (
        today.year
        if candidate is None or candidate >= today or (month, day) >= (today.month, today.day)
        else (today.year + 1)
    )


def _quarter_end(q: int, year_raw: str | None, today: date) -> date:
    month = q * 3
    if year_raw:
        return _end_of_month(_year(year_raw, month, 1, today), month)
    end = _end_of_month(today.year, month)
    return end if end >= today else _end_of_month(today.year + 1, month)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _Reader:
    """One text's deadline phrases, collected per anchor."""

    def __init__(self, text: str, spans: Sequence[tuple[int, int]], words: DateWords, today: date) -> None:
        self.text, self.spans, self.words, self.today = text, spans, words, today
        self.found: list[_Found] = []
        preps = words.prepositions
        self.by, self.before_words, self.ends = preps.get("by", ()), preps.get("before", ()), preps.get("end", ())
        self.within, self.in_, self.coming = preps.get("within", ()), preps.get("in", ()), preps.get("coming", ())
        self.year_preps, self.articles = preps.get("year", ()), preps.get("article", ())

    def add(self, start: int, end: int, due: date | None) -> None:
        if due is not None:
            self.found.append(_Found(start, end, due))

    def preposition(self, start: int, roles: Sequence[tuple[str, ...]]) -> tuple[str | None, int]:
        """The longest listed phrase that ends right before ``start`` (and where it starts), from the roles given
        in order of preference."""
        window = max(0, start - _LOOK_BEHIND)
        before = self.text[window:start].rstrip()
        last = before.rsplit(" ", 1)
        if len(last) == 2 and last[1] in self.articles:  # "by the summer"
            before = last[0]
        padded = " " + before
        for words in roles:
            if padded.endswith(_spaced(words)):  # one call says whether any does; then find the longest
                word = next(w for w in words if padded.endswith(" " + w))
                return word, window + len(before) - len(word)
        return None, start

    def month(self, i: int, month: int, tokens: Sequence[Token]) -> None:
        start, _ = self.spans[i]
        m = _AFTER_MONTH.match(self.text, start)
        if m is None:
            return
        day_raw, year_raw, end = m["d"], m["y"], m.end()
        first = start
        if day_raw is None:
            back = _DAY_BEFORE.search(self.text, max(0, start - 14), start)
            if back:
                day_raw, first = back["d"], back.start("d")
        end_word, at = self.preposition(first, (self.ends,))
        prep, at2 = self.preposition(at if end_word else first, (self.before_words, self.by, self.in_))
        campaign = (
            i == 0
            and i + 1 < len(tokens)
            and (tokens[i + 1].read in self.words.campaign or tokens[i + 1].text in (":", "-"))
        )
        if day_raw is None and year_raw is None and prep is None and end_word is None and not campaign:
            return  # "may" without a preposition, day or year is a verb; "mars" alone may be anything
        begin = at2 if prep else (at if end_word else first)
        if day_raw is not None:
            day = int(day_raw)
            self.add(begin, end, _safe(_year(year_raw, month, day, self.today), month, day))
            return
        if prep in self.before_words and not end_word:
            year = _year(year_raw, month, 1, self.today)
            self.add(begin, end, date(year, month, 1) - timedelta(days=1))
            return
        year = _year(year_raw, month, 28, self.today)
        self.add(begin, end, _end_of_month(year, month))

    def number(self, i: int, tokens: Sequence[Token]) -> None:
        start, end = self.spans[i]
        text, today = self.text, self.today
        digits = tokens[i].text
        year_like = len(digits) == 4 and digits.startswith("20")
        joined = text[end : end + 1] in ("-", ".", "/") or "." in digits  # 2027-03-31, 31.03.2027, 30/9
        if not (year_like or joined):
            return  # "120 orders": no date starts here
        for rx in (_ISO, _DOTTED) if joined else ():
            m = rx.match(text, start)
            if m:
                year = int(m["y"]) if len(m["y"]) == 4 else 2000 + int(m["y"])
                prep, at = self.preposition(start, (self.before_words, self.by, self.year_preps))
                day, month = int(m["d"]), int(m["m"])
                if month > 12 >= day:  # 3/31/2027: month first, as written in the US
                    day, month = month, day
                self.add(at if prep else start, m.end(), _safe(year, month, day))
                return
        m = _DAY_MONTH.match(text, start) if joined else None
        if m:
            prep, at = self.preposition(start, (self.before_words, self.by))
            if prep:
                month, day = int(m["m"]), int(m["d"])
                self.add(at, m.end(), _safe(_year(None, month, day, today), month, day))
                return
        m = _YEAR.match(text, start) if year_like else None
        if m and not _NOT_A_YEAR_AFTER.match(text, m.end()):
            end_word, at = self.preposition(start, (self.ends,))
            prep, at2 = self.preposition(at if end_word else start, (self.year_preps,))
            if prep or end_word:
                self.add(at2 if prep else at, m.end(), date(int(m["y"]), 12, 31))

    def letter_number(self, i: int, letter: str) -> None:
        start, _ = self.spans[i]
        if letter == "q":
            m = _QUARTER.match(self.text, start)
            if m:
                self.add(start, m.end(), _quarter_end(int(m["q"]), m["y"], self.today))
        elif letter == "h":
            m = _HALF.match(self.text, start)
            if m:
                year = int(m["y"]) if m["y"] else None
                if m["h"] == "1":
                    self.add(start, m.end(), date(year or (self.today.year + (self.today.month > 6)), 6, 30))
                else:
                    self.add(start, m.end(), date(year or self.today.year, 12, 31))

    def week(self, i: int) -> None:
        start, _ = self.spans[i]
        m = _WEEK.match(self.text, start)
        if not m:
            return
        year = int(m["y"]) if m["y"] else self.today.year
        try:
            due = date.fromisocalendar(year, int(m["w"]), 7)
            if not m["y"] and due < self.today:
                due = date.fromisocalendar(year + 1, int(m["w"]), 7)
        except ValueError:
            return
        self.add(start, m.end(), due)

    def quarter_word(self, i: int) -> None:
        start, end = self.spans[i]
        m = _QUARTER_AFTER.match(self.text, start)
        if m:
            self.add(start, m.end(), _quarter_end(int(m["q"]), m["y"], self.today))
            return
        back = _QUARTER_BEFORE.search(self.text, max(0, start - 8), start)
        q, first = (int(back["q"]), back.start("q")) if back else (None, start)
        if q is None:
            words = self.text[max(0, start - 16) : start].split()
            if words and words[-1] in self.words.ordinals:
                q, first = self.words.ordinals[words[-1]], start - 1 - len(words[-1])
        if q is None:
            return
        year = _OF_YEAR.match(self.text, start)
        self.add(first, year.end() if year else end, _quarter_end(q, year["y"] if year else None, self.today))

    def unit(self, i: int, count_unit: tuple[int, str]) -> None:
        """ "within 3 months", "inom tre månader", "innen 2 uker": a count of units from today."""
        start, end = self.spans[i]
        before = self.text[max(0, start - _LOOK_BEHIND) : start].split()
        if not before:
            return
        raw = before[-1]
        count = int(raw) if raw.isdigit() and len(raw) <= 3 else self.words.counts.get(raw)
        if not count:
            return
        rest = before[:-1]
        while rest and rest[-1] in self.coming:
            rest.pop()
        phrase = " ".join(rest)
        prep = next((w for w in self.within if (" " + phrase).endswith(" " + w)), None)
        if prep is None:
            return
        size, kind = count_unit
        due = _add_months(self.today, size * count) if kind == "m" else self.today + timedelta(days=size * count)
        first = self.text.rfind(prep, 0, start)
        self.add(first if first >= 0 else start, end, due)

    def season(self, found: Found, tokens: Sequence[Token]) -> None:
        start, end = self.spans[found.start][0], self.spans[found.end - 1][1]
        name = " ".join(t.read for t in tokens[found.start : found.end])
        span = self.words.seasons.get(name)
        if span is None:
            return
        end_word, at = self.preposition(start, (self.ends,))
        by = tuple(w for w in self.by if w != "for")  # "for the Christmas bread boxes" names a product, not a date
        prep, at2 = self.preposition(at if end_word else start, (self.before_words, by, self.in_, self.within))
        if prep is None and end_word is None:
            return
        (sm, sd), (em, ed) = span
        start_side = prep in self.before_words or (prep in self.by and not end_word)
        month, day = (sm, sd) if start_side else (em, ed)
        today = self.today
        written = _YEAR_AFTER.match(self.text, end)
        if written:  # "before summer 2025"
            year, end = int(written["y"]), written.end()
            if not start_side and em < sm:
                year += 1
        else:
            year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
            if not start_side and em < sm and today.month >= sm:
                year = today.year + 1
        due = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if start_side and (sm, sd) != (em, ed):
            due -= timedelta(days=1)
        self.add(at2 if prep else at, end, due)

    def half(self, found: Found, second: bool) -> None:
        """ "first half of the year", "andre halvår 2027": the end of June or of December, in the year written."""
        start, end = self.spans[found.start][0], self.spans[found.end - 1][1]
        written = _YEAR_AFTER.match(self.text, end)
        if written:
            year, end = int(written["y"]), written.end()
        else:
            year = self.today.year if second or self.today.month <= 6 else self.today.year + 1
        self.add(start, end, date(year, 12, 31) if second else date(year, 6, 30))


_RELATIVE: dict[str, Callable[[date], date]] = {
    "date:this-year": lambda t: date(t.year, 12, 31),
    "date:next-year": lambda t: date(t.year + 1, 12, 31),
    "date:this-quarter": lambda t: _quarter_end((t.month - 1) // 3 + 1, None, t),
    "date:next-quarter": lambda t: date(*_next_quarter_end(t)),
    "date:this-month": lambda t: _end_of_month(t.year, t.month),
    "date:next-month": lambda t: _end_of_month(t.year + t.month // 12, t.month % 12 + 1),
    "date:this-week": lambda t: t + timedelta(days=6 - t.weekday()),
    "date:next-week": lambda t: t + timedelta(days=13 - t.weekday()),
}


def _next_quarter_end(t: date) -> tuple[int, int, int]:
    index = (t.month - 1) // 3 + 1
    year = t.year + index // 4
    month = (index % 4 + 1) * 3
    return year, month, calendar.monthrange(year, month)[1]


def find_deadlines(
    text: str,
    tokens: Sequence[Token],
    spans: Sequence[tuple[int, int]],
    cues: dict[str, list[Found]],
    words: DateWords,
    today: date,
) -> list[Deadline]:
    """Every deadline phrase, non-overlapping, longest first; spans are token ranges."""
    reader = _Reader(text, spans, words, today)
    for i, t in enumerate(tokens):
        read = t.read
        if t.kind == "num":
            reader.number(i, tokens)
        elif t.kind != "word":
            continue
        elif read in words.months:
            reader.month(i, words.months[read], tokens)
        elif read in ("q", "h") and i + 1 < len(tokens) and tokens[i + 1].kind == "num":
            reader.letter_number(i, read)
        elif read in words.week_words and i + 1 < len(tokens):
            reader.week(i)
        elif read in words.quarter_words:
            reader.quarter_word(i)
        elif read in words.units:
            reader.unit(i, words.units[read])
    for name, matches in cues.items():
        if name.startswith("season:"):
            for found in matches:
                reader.season(found, tokens)
        elif name in ("date:first-half", "date:second-half"):
            for found in matches:
                reader.half(found, second=name == "date:second-half")
        elif name in _RELATIVE:
            for found in matches:
                reader.add(spans[found.start][0], spans[found.end - 1][1], _RELATIVE[name](today))
    taken: list[_Found] = []
    for f in sorted(reader.found, key=lambda f: (-(f.end - f.start), f.start)):
        if all(f.end <= d.start or f.start >= d.end for d in taken):
            taken.append(f)
    out = []
    for f in sorted(taken, key=lambda f: f.start):
        first = next(i for i, (s, e) in enumerate(spans) if e > f.start)
        last = max(i for i, (s, e) in enumerate(spans) if s < f.end)
        out.append(Deadline(f.due, text[f.start : f.end], first, last + 1))
    return out


def find_period(cues: dict[str, list[Found]], taken: set[int]) -> str | None:
    """The rate period of a target ("per month", "i veckan", "weekly"): the first one outside a deadline phrase."""
    best: tuple[int, str] | None = None
    for name, matches in cues.items():
        if name.startswith("period:"):
            for found in matches:
                if found.start not in taken and (best is None or found.start < best[0]):
                    best = (found.start, name.partition(":")[2])
    return best[1] if best else None
