"""Reading a reply in the thread: a command (why?/new/save), or answers to the coach's questions in plain words.

One reply may answer several things at once ("120 today, aim for 150 by June"). Every part is read with the
grader's own parsers (deadlines, numbers, metric terms) in all three languages, whatever the thread's language, so
"senast i juni" works in an English thread. The question we asked last decides what a bare answer means: "June"
after "By when?" is a deadline, "150" after "What number do you aim for?" is a target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.grading import RuleSet
from bot.grading.normalise import normalise
from bot.grading.readers import TextReader

_COMMANDS = {
    "why": {
        "why",
        "why not",
        "how come",
        "explain",
        "varför",
        "varför då",
        "förklara",
        "hvorfor",
        "hvorfor det",
        "forklar",
    },
    "new": {"new", "new goal", "start over", "restart", "reset", "ny", "nytt", "nytt mål", "börja om", "nytt mål tack"}
    | {"start på nytt", "begynn på nytt", "nullstill"},
    "save": {"save", "save it", "save as kpi", "spara", "spara det", "spara som kpi", "lagre", "lagre det"}
    | {"lagre som kpi", "lagra"},
    "help": {"help", "hi", "hello", "hey", "hjälp", "hej", "hallå", "hjelp", "hei", "hallo"},
}
_NEW_WITH_GOAL = re.compile(r"^(?:new|ny|nytt)(?: goal| mål)?\s*[:\-–]\s*(?P<goal>.+)$", re.IGNORECASE | re.DOTALL)
_PUNCTUATION = re.compile(r"[\s?!.,:;)(]+")

_OWNER_WORD = re.compile(
    r"(?<!\w)(?:owner|owned by|responsible|in charge|ägare|ägs av|ansvarig|ansvarar|eier|eies av|ansvarlig|ansvar)"
    r"(?:\s+(?:is|will be|are|är|blir|er|blir|for|för|för det|:|-))*\s*[:\-]?\s*@?(?P<name>[^\W\d][\w.\-]*)?"
)
_NAME_IS_OWNER = re.compile(
    r"(?<![\w@])@?(?P<name>[^\W\d][\w.\-]*) (?:is|will be|är|blir|er) (?:the |)(?:owner|responsible|in charge|"
    r"ägare|ansvarig|eier|ansvarlig)(?!\w)"
)
_ME = re.compile(r"^(?:me|i do|i will|myself|jag|mig|jag själv|jeg|meg|meg selv|jeg selv)$")
_AT_NAME = re.compile(r"(?<![\w<])@(?P<name>[^\W\d][\w.\-]*)")
_NOT_A_NAME = {"is", "will", "be", "är", "er", "blir", "the", "den", "det", "för", "for", "of", "av", "me", "i"}

_BASELINE_BEFORE = re.compile(
    r"(?:today|now|currently|at the moment|right now|so far|we're at|we are at|we're on|we have|we get|we had|"
    r"i dag|idag|nu|just nu|för närvarande|ligger på|ligger vi på|har vi|vi har|vi får|vi är på|er på|er vi på|"
    r"har|ligger|har nå|får vi|vi får|akkurat nå|starting point|baseline|utgångsläge|utgangspunkt)\W*$"
)
_BASELINE_AFTER = re.compile(
    r"^\W*(?:\w+ ){0,2}?(?:today|now|currently|at the moment|right now|so far|last year|i dag|idag|nu|just nu|"
    r"i fjol|nå|i fjor|hittil|hittills)(?!\w)"
)
_TARGET_BEFORE = re.compile(
    r"(?:aim for|aim at|aiming for|target(?: is| of)?|goal(?: is| of)?|reach|get to|want|make it|go for|up to|"
    r"sikta på|siktar på|målet är|mål|nå upp till|vill ha|vill nå|gör det|sikte på|sikter på|målet er|"
    r"ønsker|vil ha|vil nå|gjør det|komme opp i)\W*$"
)
_SCOPE_CUE = re.compile(
    r"(?<!\w)(?:too|also|as well|count|counts|included|include|including|plus|också|även|räknas|räkna med|"
    r"ingår|inklusive|også|teller|telles|inkludert|regnes)(?!\w)"
)
# Contact channels people name in passing that the metric lexicon only knows in longer phrases.
_CHANNELS = (
    ("calls", re.compile(r"(?<!\w)(?:(?:phone )?calls?|phone|telephone|samtal\w*|telefon\w*|ringer)(?!\w)")),
    ("emails", re.compile(r"(?<!\w)(?:e-?mails?|mails?|mejl\w*|e-?post\w*|chats?|chatt?\w*|dms?|messages?)(?!\w)")),
    ("bookings", re.compile(r"(?<!\w)(?:bookings?|bokning\w*|booking\w*)(?!\w)")),
)
_SWITCH_CUE = re.compile(
    r"(?<!\w)(?:instead|rather|switch|change it|make it|use|istället|i stället|byt|byta|ändra|gör det|"
    r"hellere|heller|isteden|i stedet|bytt|bytte|endre|gjør det)(?!\w)"
)


PLAN_MIN_WORDS = 3


@dataclass(frozen=True)
class Answer:
    """What one reply says. Every field is optional; ``understood`` tells whether it said anything we can use."""

    command: str | None = None
    goal: str | None = None
    deadline: date | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str | None = None
    relative_pct: float | None = None
    direction: str | None = None
    period: str | None = None
    owner: str | None = None
    metric: str | None = None
    scope: tuple[str, ...] = ()
    plan: str | None = None

    @property
    def understood(self) -> bool:
        return any(
            value not in (None, ())
            for value in (
                self.deadline,
                self.baseline,
                self.target,
                self.relative_pct,
                self.period,
                self.owner,
                self.metric,
                self.scope,
                self.plan,
            )
        )


def read_command(text: str) -> tuple[str | None, str | None]:
    """The command a reply is (``why``/``new``/``save``/``help``), and the goal after ``new:`` if one follows."""
    stripped = text.strip()
    m = _NEW_WITH_GOAL.match(stripped)
    if m and m.group("goal").strip():
        return "new", m.group("goal").strip()
    key = _PUNCTUATION.sub(" ", normalise(stripped)[0]).strip()
    if not key:
        return "help", None
    return next((name for name, words in _COMMANDS.items() if key in words), None), None


def _owner(plain: str, mentions: tuple[str, ...], pending: str | None, sender: str | None) -> str | None:
    if mentions:
        return mentions[0]
    named = _NAME_IS_OWNER.search(plain)
    if named and named.group("name") not in _NOT_A_NAME:
        return sender if sender and _ME.match(named.group("name")) else named.group("name")
    m = _OWNER_WORD.search(plain)
    name = m.group("name") if m else None
    if m and (name is None or name in _NOT_A_NAME):
        rest = plain[m.end() :].strip()
        if sender and (_ME.match(rest) or name in ("me", "i")):
            return sender
        return None
    if name:
        return sender if sender and _ME.match(name) else name
    at = _AT_NAME.search(plain)
    if at:
        return at.group("name")
    if pending == "owner":
        if sender and _ME.match(plain.strip(" .!")):
            return sender
        word = plain.strip(" .!")
        if re.fullmatch(r"[^\W\d][\w.\-]*(?: [^\W\d][\w.\-]*)?", word):
            return word
    return None


def _deadline(
    plain: str, pending: str | None, today: date, rules: RuleSet, language: str
) -> tuple[date | None, list[tuple[int, int]]]:
    found = TextReader(plain, rules, language).deadlines(today)
    if not found and pending == "deadline":
        found = TextReader("by " + plain, rules, language).deadlines(today)
        return (max(d.due for d in found) if found else None), [(d.start - 3, d.end - 3) for d in found]
    return (max(d.due for d in found) if found else None), [(d.start, d.end) for d in found]


def _numbers(
    reader: TextReader, blocked: list[tuple[int, int]], pending: str | None, switching: bool
) -> dict[str, float | str | None]:
    """Baseline, target, unit, relative change and direction; a bare number goes to what we asked for."""
    plain = reader.plain
    found: dict[str, float | str | None] = {}
    targets = reader.targets(blocked)
    used: list[tuple[int, int]] = list(blocked)
    if targets.baseline is not None and targets.target is not None:
        found.update(baseline=targets.baseline.value, target=targets.target.value, direction=targets.direction)
        found["unit"] = targets.target.unit
        used += [(targets.baseline.start, targets.target.end)]
    elif targets.relative_pct is not None:
        found.update(relative_pct=targets.relative_pct, direction=targets.direction)
        used += [
            (m.start(), m.end()) for m in re.finditer(r"[0-9]+(?:[.,][0-9]+)? ?(?:%|procent|prosent|percent)", plain)
        ]
    for q in reader.numbers():
        if any(q.start < end and q.end > start for start, end in used):
            continue
        before, after = plain[max(0, q.start - 30) : q.start], plain[q.end : q.end + 30]
        if _BASELINE_BEFORE.search(before) or _BASELINE_AFTER.match(after):
            role = "baseline"
        elif _TARGET_BEFORE.search(before) or switching:
            role = "target"
        elif pending in ("target", "realistic", "baseline"):
            role = "baseline" if pending == "baseline" else "target"
        else:
            continue
        if role not in found:
            found[role] = q.value
            if q.unit and not found.get("unit"):
                found["unit"] = q.unit
    return found


def _metrics(
    reader: TextReader, rules: RuleSet, current: str | None, pending: str | None
) -> tuple[str | None, tuple[str, ...]]:
    """A metric switch ("make it bookings instead") or channels that count too ("calls and e-mails count too")."""
    plain = reader.plain
    named = [m.concept for m in reader.metrics() if m.concept != current]
    named = list(dict.fromkeys(named))
    if not named:
        return None, ()
    scope_words = bool(_SCOPE_CUE.search(plain)) and not _SWITCH_CUE.search(plain)
    if scope_words or (pending == "scope" and not _SWITCH_CUE.search(plain)):
        said = [c for c, rx in _CHANNELS if rx.search(plain)]
        candidates = [c for c in dict.fromkeys([*named, *said]) if c != current and c in rules.concepts]
        channels = tuple(c for c in candidates if rules.concepts[c].level in (4, 5))
        if channels:
            return None, channels
    return named[0], ()


def parse_answer(
    text: str,
    *,
    language: str,
    today: date,
    rules: RuleSet,
    current_metric: str | None = None,
    pending: str | None = None,
    sender: str | None = None,
) -> Answer:
    """Everything ``text`` tells us, as an Answer; ``pending`` is the question the reply answers."""
    command, goal = read_command(text)
    if command:
        return Answer(command=command, goal=goal)
    plain, mentions = normalise(text)
    deadline, blocked = _deadline(plain, pending, today, rules, language)
    owner = _owner(plain, mentions, pending, sender)
    if owner and pending == "owner" and not mentions and owner == plain.strip(" .!"):
        blocked = [(0, len(plain))]
    reader = TextReader(plain, rules, language)
    metric, scope = _metrics(reader, rules, current_metric, pending)
    numbers = _numbers(reader, blocked, pending, switching=metric is not None)
    period = reader.period()
    answer = Answer(
        deadline=deadline,
        baseline=numbers.get("baseline"),  # type: ignore[arg-type]
        target=numbers.get("target"),  # type: ignore[arg-type]
        unit=numbers.get("unit"),  # type: ignore[arg-type]
        relative_pct=numbers.get("relative_pct"),  # type: ignore[arg-type]
        direction=numbers.get("direction"),  # type: ignore[arg-type]
        period=period,
        owner=owner,
        metric=metric,
        scope=scope,
    )
    # A plan says what to do ("move budget to e-mail"); two words ("hello there", "ok thanks") are small talk.
    if not answer.understood and pending == "plan" and len(plain.split()) >= PLAN_MIN_WORDS:
        return Answer(plan=text.strip())
    return answer
