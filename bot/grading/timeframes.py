"""Deadlines and periods in goal texts: dates, months, quarters, seasons, relative spans, in en, sv and nb.

A deadline resolves to the last day the goal can be met, relative to `today`, so a stored KPI can count down to it.
Patterns for all three languages run on every text: people mix them ("senast i juni" in an English thread).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from .facts import Deadline
from .required import holds_any
from .word_start import WordStartScan

MONTHS = {
    "january": 1,
    "jan": 1,
    "januari": 1,
    "januar": 1,
    "february": 2,
    "feb": 2,
    "februari": 2,
    "februar": 2,
    "march": 3,
    "mars": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "maj": 5,
    "mai": 5,
    "june": 6,
    "jun": 6,
    "juni": 6,
    "july": 7,
    "jul": 7,
    "juli": 7,
    "august": 8,
    "aug": 8,
    "augusti": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
    "desember": 12,
    "des": 12,
}
# "jul" is also Swedish/Norwegian for Christmas; a bare "jul" after a preposition is read as Christmas below.
_MONTH_NAMES = sorted((m for m in MONTHS if m != "jul"), key=len, reverse=True)
MONTH = "(?P<month>" + "|".join(_MONTH_NAMES) + r")\.?"

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "en": 1,
    "ett": 1,
    "et": 1,
    "ei": 1,
    "two": 2,
    "två": 2,
    "to": 2,
    "three": 3,
    "tre": 3,
    "four": 4,
    "fyra": 4,
    "fire": 4,
    "five": 5,
    "fem": 5,
    "six": 6,
    "sex": 6,
    "seks": 6,
    "seven": 7,
    "sju": 7,
    "syv": 7,
    "eight": 8,
    "åtta": 8,
    "åtte": 8,
    "nine": 9,
    "nio": 9,
    "ni": 9,
    "ten": 10,
    "tio": 10,
    "ti": 10,
    "eleven": 11,
    "elva": 11,
    "elleve": 11,
    "twelve": 12,
    "tolv": 12,
    "eighteen": 18,
    "arton": 18,
    "atten": 18,
    "twenty-four": 24,
    "tjugofyra": 24,
    "tjuefire": 24,
}
_COUNT = r"(?P<count>[0-9]{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"

PREP = (
    r"(?:no later than|by the end of|by end of|at the end of|the end of|end of|by|in|until|till|before|during|through"
    r"|throughout|on|ahead of|for|senast i|senast till|senast|till och med|t\.o\.m\.?|tom|fram till|före|innan"
    r"|i slutet av|slutet av|mot slutet av|inom|inför|under|innen utgangen av|innen utgången av|innen slutten av"
    r"|utgangen av|i slutten av|slutten av|innen|til og med|frem til|før|i løpet av|ila|til|i|om|per|för|ut)"
)
# "to", "till", "from" are left out: "till 2025 kunder" is a number of customers, not a year.
YEAR_PREP = (
    r"(?:no later than|by the end of|by end of|at the end of|by|in|until|before|during|through|senast i|senast"
    r"|till och med|fram till|före|innan|i slutet av|inom|under|innen utgangen av|innen|til og med|frem til|før"
    r"|i løpet av|i|ved utgangen av|end of)"
)
_BEFORE = {"before", "före", "innan", "før", "ahead of", "inför"}

SEASONS = {
    # season word → (month, day) of its first day, (month, day) of its last day
    "spring": ((3, 1), (5, 31)),
    "våren": ((3, 1), (5, 31)),
    "vår": ((3, 1), (5, 31)),
    "summer": ((6, 1), (8, 31)),
    "sommaren": ((6, 1), (8, 31)),
    "sommar": ((6, 1), (8, 31)),
    "sommeren": ((6, 1), (8, 31)),
    "sommer": ((6, 1), (8, 31)),
    "autumn": ((9, 1), (11, 30)),
    "fall": ((9, 1), (11, 30)),
    "hösten": ((9, 1), (11, 30)),
    "höst": ((9, 1), (11, 30)),
    "høsten": ((9, 1), (11, 30)),
    "høst": ((9, 1), (11, 30)),
    "winter": ((12, 1), (2, 28)),
    "vintern": ((12, 1), (2, 28)),
    "vinter": ((12, 1), (2, 28)),
    "vinteren": ((12, 1), (2, 28)),
    "christmas": ((12, 24), (12, 24)),
    "julen": ((12, 24), (12, 24)),
    "jul": ((12, 24), (12, 24)),
    "easter": ((4, 1), (4, 10)),
    "påsk": ((4, 1), (4, 10)),
    "påsken": ((4, 1), (4, 10)),
    "påske": ((4, 1), (4, 10)),
    "midsummer": ((6, 20), (6, 20)),
    "midsommar": ((6, 20), (6, 20)),
    "sankthans": ((6, 23), (6, 23)),
    "black friday": ((11, 27), (11, 27)),
    "black week": ((11, 23), (11, 30)),
    "mother's day": ((5, 25), (5, 25)),
    "mors dag": ((5, 25), (5, 25)),
    "morsdag": ((5, 25), (5, 25)),
    "father's day": ((11, 8), (11, 8)),
    "fars dag": ((11, 8), (11, 8)),
    "farsdag": ((11, 8), (11, 8)),
    "valentine's day": ((2, 14), (2, 14)),
    "alla hjärtans dag": ((2, 14), (2, 14)),
    "valentinsdagen": ((2, 14), (2, 14)),
    "sommerferien": ((6, 20), (8, 15)),
    "sommarlovet": ((6, 15), (8, 15)),
    "fellesferien": ((7, 1), (7, 31)),
    "summer holidays": ((6, 20), (8, 15)),
    "semestern": ((7, 1), (7, 31)),
    "høstferien": ((10, 1), (10, 10)),
    "new year": ((12, 31), (12, 31)),
    "nyår": ((12, 31), (12, 31)),
    "nyttår": ((12, 31), (12, 31)),
    "årsskiftet": ((12, 31), (12, 31)),
}
SEASON = "(?P<season>" + "|".join(sorted(SEASONS, key=len, reverse=True)) + ")"

UNITS = {
    "day": 1,
    "days": 1,
    "dag": 1,
    "dagar": 1,
    "dagen": 1,
    "dager": 1,
    "dagene": 1,
    "week": 7,
    "weeks": 7,
    "vecka": 7,
    "veckor": 7,
    "veckorna": 7,
    "uke": 7,
    "uker": 7,
    "ukene": 7,
    "veke": 7,
    "month": 30,
    "months": 30,
    "månad": 30,
    "månader": 30,
    "månaderna": 30,
    "måned": 30,
    "måneder": 30,
    "månedene": 30,
    "mnd": 30,
    "quarter": 91,
    "quarters": 91,
    "kvartal": 91,
    "kvartalen": 91,
    "kvartaler": 91,
    "year": 365,
    "years": 365,
    "år": 365,
    "åren": 365,
    "årene": 365,
}
UNIT = "(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"

PERIODS = [
    ("day", r"(?:per|a|each|every|/|pr\.?|om|varje|hver) ?(?:day|dag|dagen|døgn)|daily|dagligen|daglig"),
    (
        "week",
        r"(?:per|a|each|every|/|pr\.?|varje|hver|i) ?(?:week|vecka|veckan|uke|uka|uken|v\.?)"
        r"|weekly|veckovis|ukentlig\w*",
    ),
    (
        "month",
        r"(?:per|a|each|every|/|pr\.?|varje|hver|i) ?(?:month|månad|månaden|måned|måneden|mån|mnd|md)"
        r"|monthly|månadsvis|månatlig\w*|månedlig\w*",
    ),
    ("quarter", r"(?:per|a|each|every|/|pr\.?|varje|hvert) ?(?:quarter|kvartal)|quarterly|kvartalsvis"),
    ("year", r"(?:per|a|each|every|/|pr\.?|om|varje|hvert) ?(?:year|år|året)|yearly|annually|årligen|årlig\w*|i året"),
]
# One search for all periods: the leftmost match wins, and at one position the first period listed.
_PERIOD_RX = re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx in PERIODS) + r")(?!\w)")


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_year_for(month: int, day: int, today: date) -> int:
    candidate = _safe_date(today.year, month, min(day, 28 if month == 2 else day))
    return today.year if candidate is None or candidate >= today else today.year + 1


def _year_of(raw: str | None, month: int, day: int, today: date) -> int:
    if raw:
        year = int(raw.lstrip("'"))
        return year + 2000 if year < 100 else year
    return _next_year_for(month, day, today)


def _month_date(m: re.Match, today: date) -> date | None:
    month = MONTHS[m.group("month")]
    day_raw = m.groupdict().get("day")
    prep = (m.groupdict().get("prep") or "").strip()
    if day_raw:
        day = int(day_raw)
        year = _year_of(m.groupdict().get("year"), month, day, today)
        return _safe_date(year, month, day)
    year = _year_of(m.groupdict().get("year"), month, 1 if prep in _BEFORE else 28, today)
    if prep in _BEFORE:
        return date(year, month, 1) - timedelta(days=1)
    return _end_of_month(year, month)


def _quarter_date(q: int, year_raw: str | None, today: date) -> date:
    month = q * 3
    if year_raw:
        return _end_of_month(_year_of(year_raw, month, 1, today), month)
    end = _end_of_month(today.year, month)
    return end if end >= today else _end_of_month(today.year + 1, month)


def _current_quarter_end(today: date, ahead: int = 0) -> date:
    index = (today.month - 1) // 3 + ahead
    year = today.year + index // 4
    return _end_of_month(year, (index % 4 + 1) * 3)


def _season_date(m: re.Match, today: date) -> date:
    (sm, sd), (em, ed) = SEASONS[m.group("season")]
    prep = (m.group("prep") or "").strip()
    start_side = prep in _BEFORE | {"by", "till", "til", "until", "fram till", "frem til", "innen", "senast till"}
    if "end" in prep or "slut" in prep or "utgang" in prep:
        start_side = False
    month, day = (sm, sd) if start_side else (em, ed)
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    if not start_side and em < sm and today.month >= sm:
        year = today.year + 1
    due = date(year, month, day)
    return due - timedelta(days=1) if start_side and (sm, sd) != (em, ed) else due


def _relative(m: re.Match, today: date) -> date:
    raw = m.group("count")
    count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    days = UNITS[m.group("unit")] * count
    if m.group("unit").startswith(("month", "mån", "mnd")):
        month_index = today.month - 1 + count
        year, month = today.year + month_index // 12, month_index % 12 + 1
        return _safe_date(year, month, min(today.day, calendar.monthrange(year, month)[1])) or today
    return today + timedelta(days=days)


def _iso_week(m: re.Match, today: date) -> date | None:
    week = int(m.group("week"))
    year = int(m.group("year")) if m.group("year") else today.year
    try:
        due = date.fromisocalendar(year, week, 7)
    except ValueError:
        return None
    if not m.group("year") and due < today:
        try:
            due = date.fromisocalendar(year + 1, week, 7)
        except ValueError:
            return None
    return due


Resolver = Callable[[re.Match, date], date | None]

# Each pattern names what it cannot match without, so most patterns are skipped for most texts: one of a set of
# words, or a digit and one of some strings.
_WORDS = re.compile(r"\w+")
_ANY_DIGIT = re.compile(r"[0-9]")


class _WordAndDigit(NamedTuple):
    """One of ``words``, and a digit (and, if any are named, one of ``digit_and``)."""

    words: frozenset[str]
    digit_and: tuple[str, ...] = ()


Trigger = frozenset[str] | tuple[str, ...] | _WordAndDigit


def _digit_and(*needed: str) -> tuple[str, ...]:
    return needed


_MONTH_WORDS = frozenset(MONTHS)
_QUARTER_WORDS = frozenset({"quarter", "kvartal", "kvartalet"})
_YEAR_WORDS = frozenset({"year", "omme", "år", "året", "årets", "årsskiftet", "nyttår", "nyttårsskiftet", "nytt"})
_MONTH_UNIT_WORDS = frozenset({"month", "månad", "månaden", "måned", "måneden", "månadsskiftet", "månedsskiftet"})
_WEEK_WORDS = frozenset({"week", "vecka", "veckan", "uke", "uken"})
_UNIT_WORDS = frozenset(UNITS)
_HALF_WORDS = frozenset({"half", "halvår", "halvt", "six", "halvåret", "h1", "h2"})
_SEASON_WORDS = frozenset(_WORDS.findall(season)[0] for season in SEASONS)  # "mother's day" needs "mother"

_THIS_YEAR = (
    r"this year|(?:by |before |until |at )?(?:the )?end of (?:the |this )?year|by year[- ]end|year[- ]end|i år"
    r"|detta år|det här året|innevarande år|dette året|i løpet av året|(?:innen |ved |i )?utgangen av året"
    r"|(?:innen |i )?slutten av året|(?:i |vid |till |före |innan )?slutet av året|årets slut"
    r"|under året|during the year|(?:innen |før |)året er omme|within the year"
    r"|(?:innan|före|till|vid|innen|ved|før|til) (?:års|nytt)skiftet|innen nyttår|før nyttår|resten av året|året ut"
)
# Sources, compiled on first use (see WordStartScan): a one-off `kpi-advisor check` compiles only what it needs.
_PATTERNS: list[tuple[Trigger, str, Resolver]] = [
    (
        _digit_and("-"),
        (r"(?P<y>20[0-9]{2})-(?P<m>[01]?[0-9])-(?P<d>[0-3]?[0-9])"),
        lambda m, t: _safe_date(int(m["y"]), int(m["m"]), int(m["d"])),
    ),
    (
        _digit_and("/", "."),
        (r"(?P<d>[0-3]?[0-9])[./](?P<m>[01]?[0-9])[./](?P<y>(?:20)?[0-9]{2})(?![0-9])"),
        lambda m, t: _safe_date(_year_of(m["y"], 1, 1, t), int(m["m"]), int(m["d"])),
    ),
    (
        _digit_and("/"),
        (r"(?:" + PREP + r") (?P<d>[0-3]?[0-9])/(?P<m>[01]?[0-9])(?![0-9/])"),
        lambda m, t: _safe_date(_year_of(None, int(m["m"]), int(m["d"]), t), int(m["m"]), int(m["d"])),
    ),
    (
        _WordAndDigit(_MONTH_WORDS),
        (
            r"(?:(?P<prep>"
            + PREP
            + r") )?(?:the )?(?P<day>[0-3]?[0-9])(?:st|nd|rd|th|\.|:e|:a)? (?:of )?"
            + MONTH
            + r"(?:,? (?P<year>20[0-9]{2}))?"
        ),
        _month_date,
    ),
    (
        _WordAndDigit(_MONTH_WORDS),
        (
            r"(?:(?P<prep>" + PREP + r") )?" + MONTH + r" (?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?(?![0-9])"
            r"(?:,? (?P<year>20[0-9]{2}))?"
        ),
        _month_date,
    ),
    (
        _WordAndDigit(_MONTH_WORDS, ("20",)),
        (
            r"(?:(?P<prep>"
            + PREP
            + r") )?(?:the )?(?:end of |slutet av |slutten av |utgangen av |utgången av )?"
            + MONTH
            + r" (?P<year>20[0-9]{2})"
        ),
        _month_date,
    ),
    (
        _MONTH_WORDS,
        (
            r"(?P<prep>"
            + PREP
            + r") (?:the )?(?:end of |slutet av |slutten av |utgangen av |utgången av |mid-?|mitten av )?"
            + MONTH
            + r"(?![\w-])"
        ),
        _month_date,
    ),
    (
        _digit_and("q"),
        (r"q(?P<q>[1-4])(?:[ -/]?(?P<y>20[0-9]{2}|'?[0-9]{2})(?![0-9]))?"),
        lambda m, t: _quarter_date(int(m["q"]), m["y"], t),
    ),
    (
        _digit_and("quarter", "kvartal"),
        (r"(?:quarter|kvartal) (?P<q>[1-4])(?: (?P<y>20[0-9]{2}))?"),
        lambda m, t: _quarter_date(int(m["q"]), m["y"], t),
    ),
    (
        _digit_and("quarter", "kvartal"),
        (r"(?P<q>[1-4])(?:st|nd|rd|th|:a|:e|\.)? (?:quarter|kvartalet|kvartal)(?: (?:of )?(?P<y>20[0-9]{2}))?"),
        lambda m, t: _quarter_date(int(m["q"]), m["y"], t),
    ),
    (
        _QUARTER_WORDS,
        (
            r"(?P<w>first|second|third|fourth|första|andra|tredje|fjärde|første|andre|fjerde) (?:quarter|kvartalet)"
            r"(?: (?:of )?(?P<y>20[0-9]{2}))?"
        ),
        lambda m, t: _quarter_date(
            {
                "first": 1,
                "första": 1,
                "første": 1,
                "second": 2,
                "andra": 2,
                "andre": 2,
                "third": 3,
                "tredje": 3,
                "fourth": 4,
                "fjärde": 4,
                "fjerde": 4,
            }[m["w"]],
            m["y"],
            t,
        ),
    ),
    (
        _QUARTER_WORDS,
        (
            r"this quarter|(?:the )?end of the quarter|(?:detta|innevarande|det här) kvartal(?:et)?|dette kvartalet"
            r"|(?:i |innen )?(?:slutet av|slutten av|utgangen av) kvartalet|i kvartalet"
        ),
        lambda m, t: _current_quarter_end(t),
    ),
    (
        _QUARTER_WORDS,
        (r"next quarter|nästa kvartal|neste kvartal|kommande kvartal"),
        lambda m, t: _current_quarter_end(t, 1),
    ),
    (
        _digit_and("20"),
        (
            r"(?:" + YEAR_PREP + r") (?:the )?(?:end of |utgangen av |utgången av |slutet av |slutten av )?"
            r"(?P<y>20[0-9]{2})(?![0-9])(?! ?(?:%|kr|sek|nok|st|stk|people|personer|kunder|customers)(?!\w))"
        ),
        lambda m, t: date(int(m["y"]), 12, 31),
    ),
    (_YEAR_WORDS, (_THIS_YEAR), lambda m, t: date(t.year, 12, 31)),
    (_YEAR_WORDS, (r"next year|nästa år|neste år|kommande år"), lambda m, t: date(t.year + 1, 12, 31)),
    (
        _MONTH_UNIT_WORDS,
        (
            r"this month|(?:by )?(?:the )?end of (?:the |this )?month|(?:denna|den här) månad(?:en)?|denne måneden"
            r"|(?:i |vid )?slutet av månaden|(?:i |innen )?(?:slutten|utgangen) av måneden|månadsskiftet|månedsskiftet"
        ),
        lambda m, t: _end_of_month(t.year, t.month),
    ),
    (
        _MONTH_UNIT_WORDS,
        (r"next month|nästa månad|neste måned|kommande månad|nesten måned"),
        lambda m, t: _end_of_month(t.year + t.month // 12, t.month % 12 + 1),
    ),
    (
        _WEEK_WORDS,
        (r"this week|(?:denna|den här) vecka(?:n)?|denne uken|i løpet av uken"),
        lambda m, t: t + timedelta(days=6 - t.weekday()),
    ),
    (_WEEK_WORDS, (r"next week|nästa vecka|neste uke"), lambda m, t: t + timedelta(days=13 - t.weekday())),
    (
        _UNIT_WORDS,
        (
            r"(?:within|in|over|for|during|inom|om|på|under|innen|i løpet av|ila|på|i) (?:the )?(?:next |coming "
            r"|kommande |närmaste |de kommande |de närmaste |de neste |de nærmeste |neste |kommende )?"
            + _COUNT
            + r" "
            + UNIT
            + r"(?!\w)"
        ),
        _relative,
    ),
    (
        _HALF_WORDS,
        (
            r"(?:within|in|inom|om|på|innen|i løpet av) (?:a |an |ett |et |)(?:half[- ]year|six months|halvår|halvår"
            r"|halvt år)"
        ),
        lambda m, t: _relative(re.match(r"(?P<count>6) (?P<unit>months)", "6 months"), t),
    ),
    (
        _HALF_WORDS,
        (r"(?:first half|första halvåret|første halvår(?:et)?|h1)(?: (?:of )?(?P<y>20[0-9]{2}))?"),
        lambda m, t: date(int(m["y"]) if m["y"] else (t.year if t.month <= 6 else t.year + 1), 6, 30),
    ),
    (
        _HALF_WORDS,
        (r"(?:second half|andra halvåret|andre halvår(?:et)?|h2)(?: (?:of )?(?P<y>20[0-9]{2}))?"),
        lambda m, t: date(int(m["y"]) if m["y"] else t.year, 12, 31),
    ),
    (
        _MONTH_WORDS,
        (r"^" + MONTH + r"(?= ?(?::|campaign|kampanj|kampanje|-))"),
        _month_date,
    ),
    (
        _SEASON_WORDS,
        (
            r"(?:(?P<prep>" + PREP + r"|ahead of|inför|foran) )(?:the )?(?:end of (?:the )?|slutet av |slutten av "
            r"|utgangen av )?" + SEASON + r"(?!\w)"
        ),
        _season_date,
    ),
    (
        _digit_and("week", "uke", "v"),
        (r"(?:week|vecka|vecka|uke|veke|v\.?) ?(?P<week>[0-5]?[0-9])(?: (?P<year>20[0-9]{2}))?(?![0-9])"),
        _iso_week,
    ),
]


class _AtTextStart:
    """A pattern anchored with ``^``, scanned like the word-start ones (and compiled on first use like them)."""

    def __init__(self, source: str) -> None:
        self._source = source

    @cached_property
    def plain(self) -> re.Pattern[str]:
        return re.compile(self._source)

    def finditer(self, text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
        for m in self.plain.finditer(text):
            yield m.start(), m.end(), m


def _at_word_start(source: str) -> WordStartScan | _AtTextStart:
    """The same pattern, tried only where a word starts (after a character that is not a letter or digit).

    A match inside a word was discarded by ``find_deadlines`` anyway; not trying there is what makes these
    patterns cheap (see ``word_start``).
    """
    if source.startswith("^"):
        return _AtTextStart(source)
    return WordStartScan(source, before=r"[^\W_]", separator=r"[\W_]")


_SCANS = [(trigger, _at_word_start(source), resolve) for trigger, source, resolve in _PATTERNS]


def _index_triggers() -> tuple[dict[str, list[int]], list[int]]:
    """Which scans a word can trigger, and which only a digit can: a goal's dozen words pick the few scans worth
    asking about instead of asking all of them."""
    by_word: dict[str, list[int]] = {}
    by_digit: list[int] = []
    for i, (trigger, _, _) in enumerate(_SCANS):
        words = trigger.words if isinstance(trigger, _WordAndDigit) else trigger
        if isinstance(words, frozenset):
            for word in words:
                by_word.setdefault(word, []).append(i)
        else:
            by_digit.append(i)
    return by_word, by_digit


_SCANS_BY_WORD, _SCANS_BY_DIGIT = _index_triggers()


def _triggered(trigger: Trigger, text: str, words: set[str], has_digit: bool) -> bool:
    if isinstance(trigger, frozenset):
        return not trigger.isdisjoint(words)
    if isinstance(trigger, _WordAndDigit):
        return (
            has_digit
            and not trigger.words.isdisjoint(words)
            and (not trigger.digit_and or holds_any(text, trigger.digit_and))
        )
    return has_digit and holds_any(text, trigger)


def find_deadlines(text: str, today: date) -> list[Deadline]:
    """Every deadline phrase in lower-cased text, non-overlapping, longest first."""
    found: list[tuple[int, int, date]] = []
    words = set(_WORDS.findall(text))
    has_digit = _ANY_DIGIT.search(text) is not None
    candidates = {i for word in words for i in _SCANS_BY_WORD.get(word, ())}
    if has_digit:
        candidates.update(_SCANS_BY_DIGIT)
    for i in sorted(candidates):  # in the listed order, which breaks ties between equally long phrases
        trigger, scan, resolve = _SCANS[i]
        if not _triggered(trigger, text, words, has_digit):
            continue
        for start, end, m in scan.finditer(text):
            if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            due = resolve(m, today)
            if due is not None:
                found.append((start, end, due))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[Deadline] = []
    for start, end, due in found:
        if all(end <= d.start or start >= d.end for d in taken):
            taken.append(Deadline(due, text[start:end], start, end))
    taken.sort(key=lambda d: d.start)
    return taken


def find_period(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The rate period of a target ("per month", "i veckan"), if any."""
    m = _PERIOD_RX.search(text)
    return (m.lastgroup, m.span()) if m else (None, None)
