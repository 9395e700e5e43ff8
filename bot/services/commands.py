"""Reading the text after `/kpi`: which subcommand, its arguments, and what language the words hint at.

Subcommands have Swedish and Norwegian aliases (`/kpi visa 3`, `/kpi vis 3`); the alias a person types is the best
clue to the language they want answers in when the rest of the text is only a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# alias -> (subcommand, language hint or None when the word is shared)
_ALIASES: dict[str, tuple[str, str | None]] = {}


def _alias(command: str, language: str | None, *words: str) -> None:
    for word in words:
        _ALIASES[word] = (command, language)


_alias("help", "en", "help", "?")
_alias("help", "sv", "hjälp")
_alias("help", "nb", "hjelp")
_alias("check", "en", "check", "grade")
_alias("check", "sv", "kolla", "granska", "bedöm")
_alias("check", "nb", "sjekk", "vurder")
_alias("add", "en", "add", "new", "save")
_alias("add", "sv", "lägg", "spara", "skapa")
_alias("add", "nb", "legg", "lagre", "opprett")
_alias("add", None, "ny")
_alias("list", "en", "list", "ls")
_alias("list", "sv", "lista")
_alias("list", "nb", "liste")
_alias("show", "en", "show", "view")
_alias("show", "sv", "visa")
_alias("show", "nb", "vis")
_alias("update", "en", "update", "report", "value")
_alias("update", "sv", "uppdatera", "rapportera")
_alias("update", "nb", "oppdater", "rapporter")
_alias("edit", "en", "edit", "change")
_alias("edit", "sv", "redigera", "ändra")
_alias("edit", "nb", "rediger", "endre")
_alias("archive", "en", "archive")
_alias("archive", "sv", "arkivera")
_alias("archive", "nb", "arkiver")

_alias("cadence", "en", "cadence", "schedule")
_alias("cadence", None, "kadens", "frekvens")
_alias("pause", "en", "pause", "snooze")
_alias("pause", "sv", "pausa")
_alias("resume", "en", "resume", "unpause")
_alias("resume", "sv", "återuppta")
_alias("resume", "nb", "gjenoppta")
_alias("review", "en", "review")
_alias("review", "sv", "översyn")
_alias("review", "nb", "gjennomgang")

SUBCOMMANDS = (
    "help",
    "check",
    "add",
    "list",
    "show",
    "update",
    "edit",
    "archive",
    "cadence",
    "pause",
    "resume",
    "review",
)
_NUMBER_ARG = re.compile(r"#?(\d{1,9})")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
_LIST_SCOPES = {
    "mine": "mine",
    "mina": "mine",
    "mine:": "mine",
    "my": "mine",
    "all": "all",
    "alla": "all",
    "alle": "all",
    "archived": "archived",
    "arkiverade": "archived",
    "arkiverte": "archived",
}


@dataclass(frozen=True)
class ParsedCommand:
    """A `/kpi` invocation: ``name`` is a SUBCOMMANDS entry, "unknown" or "empty"; ``rest`` the text after it."""

    name: str
    rest: str
    language_hint: str | None
    word: str = ""


def parse_command(text: str) -> ParsedCommand:
    """Split `/kpi` text into a subcommand and its arguments; never raises."""
    stripped = (text or "").strip()
    if not stripped:
        return ParsedCommand("empty", "", None)
    word, _, rest = stripped.partition(" ")
    folded = word.casefold()
    # "/kpi lägg till …" and "/kpi legg til …": the particle belongs to the verb.
    rest = rest.strip()
    if folded in ("lägg", "legg"):
        first, _, after = rest.partition(" ")
        if first.casefold() in ("till", "til"):
            rest = after.strip()
    known = _ALIASES.get(folded)
    if known is None:
        return ParsedCommand("unknown", stripped, None, word)
    return ParsedCommand(known[0], rest, known[1], word)


def parse_kpi_number(text: str) -> tuple[int | None, str]:
    """Return the KPI number at the start of ``text`` ("3" or "#3") and the rest; (None, text) if there is none."""
    word, _, rest = text.strip().partition(" ")
    match = _NUMBER_ARG.fullmatch(word)
    if match is None:
        return None, text.strip()
    return int(match.group(1)), rest.strip()


def parse_list_scope(text: str) -> tuple[str, str | None]:
    """Return ("mine"|"all"|"archived"|"user", user id) for `/kpi list …`; mine is the default."""
    stripped = text.strip()
    if not stripped:
        return "mine", None
    mention = _USER_MENTION.search(stripped)
    if mention:
        return "user", mention.group(1)
    return _LIST_SCOPES.get(stripped.casefold().split()[0], "unknown"), None


_CADENCE_WORDS = {
    **{c: c for c in ("daily", "weekly", "biweekly", "monthly", "quarterly", "off")},
    "fortnightly": "biweekly",
    "none": "off",
    "dagligen": "daily",
    "daglig": "daily",
    "veckovis": "weekly",
    "ukentlig": "weekly",
    "varannan": "biweekly",
    "annenhver": "biweekly",
    "månadsvis": "monthly",
    "månedlig": "monthly",
    "kvartalsvis": "quarterly",
    "av": "off",
}
_WEEKDAY_WORDS = {
    0: ("mon", "monday", "mån", "måndag", "man", "mandag"),
    1: ("tue", "tuesday", "tis", "tisdag", "tir", "tirsdag"),
    2: ("wed", "wednesday", "ons", "onsdag"),
    3: ("thu", "thursday", "tor", "torsdag"),
    4: ("fri", "friday", "fre", "fredag"),
}
_WEEKDAYS = {word: day for day, words in _WEEKDAY_WORDS.items() for word in words}
_TIME = re.compile(r"([01]?\d|2[0-3])(?:[:.]([0-5]\d))?")
_UNTIL_WORDS = ("until", "till", "til", "to", "tom", "t.o.m.")


@dataclass(frozen=True)
class CadenceArgs:
    """`/kpi cadence N <cadence> [weekday] [HH:MM]`; ``cadence`` None when the words were not understood."""

    cadence: str | None
    weekday: int | None = None
    at: str | None = None


def parse_cadence(text: str) -> CadenceArgs:
    """Read the words after the KPI number of `/kpi cadence` (en, sv and nb words; weekends are not offered)."""
    words = text.casefold().replace(",", " ").split()
    if not words or words[0] not in _CADENCE_WORDS:
        return CadenceArgs(None)
    weekday: int | None = None
    at: str | None = None
    for word in words[1:]:
        time_match = _TIME.fullmatch(word)
        if word.rstrip(".") in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[word.rstrip(".")]
        elif time_match and at is None:
            at = f"{int(time_match.group(1)):02d}:{time_match.group(2) or '00'}"
        else:
            return CadenceArgs(None)
    return CadenceArgs(_CADENCE_WORDS[words[0]], weekday, at)


def parse_pause_until(text: str) -> date | None:
    """The date in `/kpi pause N until 2027-01-07` (the "until" word is optional, in any of our languages)."""
    words = text.strip().split()
    if words and words[0].casefold() in _UNTIL_WORDS:
        words = words[1:]
    if len(words) != 1:
        return None
    try:
        return date.fromisoformat(words[0])
    except ValueError:
        return None


def is_slack_user_id(value: object) -> bool:
    """True for something shaped like a Slack user id, the only thing we ever put inside ``<@…>`` ourselves."""
    return isinstance(value, str) and re.fullmatch(r"[UW][A-Z0-9]{2,31}", value) is not None
