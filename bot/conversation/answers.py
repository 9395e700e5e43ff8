"""Reading a reply in the thread: a command (why?/new/save/skip…), or answers to the coach's questions in plain words.

One reply may answer several things at once, in any order ("vi har typ 30 i månaden nu, målet är 45 senast i juni,
ansvarig <@U1>"), and whatever was asked. Every part is read with the grader's own readers (``TextReader``): numbers
and the cue phrases around them, deadlines, metrics, and the phrase lists the coach asks about (commands, owners,
plans, "instead", "too"), all lexicon data in three languages, found with and without å/ä/ö/æ/ø.

A field is only given when the reply clearly gives it. A number needs its words to be a value today ("nu", "today",
"vi har") or a target ("målet är", "aim for", "from … to …"); a bare number goes to the number we asked for, and
otherwise stays out of the draft and is named back (``left_out``). A plan keeps its dates and numbers inside it: "om
det släpar efter kör vi en kampanj i maj" is a plan, not a deadline in May.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.grading import RuleSet
from bot.grading.facts import MetricMention
from bot.grading.normalise import normalise
from bot.grading.readers import Dated, Number, NumbersRead, TextReader

from .people import OwnerSaid, read_owner

# A reply that is only one of these phrase lists is a command; the first that fits wins ("spara ändå" before "spara").
COMMANDS = ("save-anyway", "save", "keep-going", "why", "new", "skip", "help")
PLAN_MIN_WORDS = 3  # a plan says what to do ("move budget to e-mail"); two words ("ok thanks") are small talk
NUMBER_QUESTIONS = {"target": "target", "realistic": "target", "baseline": "baseline"}
CONTACT_LISTS = {"contact-calls": "calls", "contact-emails": "emails", "contact-bookings": "bookings"}
_SEPARATOR = re.compile(r"[:\-–—]")


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
    owner: str | None = None  # a Slack user id: a mention, or the writer's own ("me")
    owner_name: str | None = None  # the name the owner was found by in the workspace
    owner_names: tuple[str, ...] = ()  # words that may name a person in the workspace, to look up
    owner_cued: bool = False  # words that mark an owner were there ("ansvarig", "äger det")
    no_owner: bool = False  # "vet inte", "skip" at the owner question
    metric: str | None = None
    metric_words: str | None = None  # the metric in the person's own words
    scope: tuple[str, ...] = ()
    plan: str | None = None
    left_out: tuple[str, ...] = ()  # numbers as written that no field took
    elsewhere: tuple[str, ...] = ()  # numbers counted in another metric than the goal's ("200 likes")
    yes: bool = False  # "ja" to the person a name was taken for

    @property
    def understood(self) -> bool:
        fields = (self.deadline, self.baseline, self.target, self.relative_pct, self.owner, self.metric, self.plan)
        return any(value is not None for value in fields) or bool(self.scope or self.owner_names or self.no_owner)


def read_command(text: str, rules: RuleSet, language: str | None = None) -> tuple[str | None, str | None]:
    """The command a reply is (``why``/``new``/``save``/``save-anyway``/``keep-going``/``skip``/``help``), and
    the goal after ``new:`` when one follows."""
    plain, mentions = normalise(text)
    if not plain.strip(" ?!.,:;"):
        return (None, None) if mentions else ("help", None)  # a mention alone answers "Who owns it?"
    reader = TextReader(plain, rules, default=language)
    command = next((c for c in COMMANDS if reader.whole(f"coach-{c}")), None)
    if command:
        return command, None
    tokens = reader.tokens
    for start, end in reader.spans("coach-new"):
        after = next((t for t in tokens if t.start >= end), None)
        if start == 0 and after is not None and after.kind == "sym" and _SEPARATOR.fullmatch(after.text):
            goal = _SEPARATOR.split(text, maxsplit=1)[-1].strip()
            return ("new", goal) if goal else (None, None)
    return None, None


def original_words(text: str, plain: str, span: tuple[int, int]) -> str:
    """The words of ``plain[span]`` as the person typed them (case, accents), found again in ``text``."""
    words = plain[span[0] : span[1]].split()
    if span == (0, len(plain)) or not words:
        return text.strip()
    found = re.search(r"\s+".join(re.escape(w) for w in words), text, re.IGNORECASE)
    return found.group(0) if found else plain[span[0] : span[1]]


def cued_plan(reader: TextReader) -> tuple[int, int] | None:
    """Where a reply states a plan: from words such as "om det släpar efter" or "plan:" to the end of their
    sentence, or the whole sentence when the plan comes before them ("we run a campaign if it lags")."""
    cues = sorted(reader.spans("action-plan") + reader.spans("coach-plan"))
    if not cues:
        return None
    start, end = cues[0]
    sentence = reader.sentence_around(start)
    said_after = len(reader.plain[end : sentence[1]].split())
    return (start if said_after >= PLAN_MIN_WORDS - 1 else sentence[0]), sentence[1]


def _uncovered_words(reader: TextReader, spans: list[tuple[int, int]]) -> int:
    return sum(1 for t in reader.tokens if t.kind == "word" and not any(s <= t.start and t.end <= e for s, e in spans))


def _deadline(reader: TextReader, today: date, plan: tuple[int, int] | None, asked: bool) -> list[Dated]:
    found = reader.deadlines(today, [plan] if plan else ())
    if found or not asked or plan is not None:
        return found
    # "June" or "vecka 14" alone, after "By when?": read as the deadline the question asked for.
    prefixed = TextReader("by " + reader.plain, reader.rules, reader.language)
    return [Dated(d.due, max(0, d.start - 3), d.end - 3) for d in prefixed.deadlines(today)]


def _metric(
    reader: TextReader, rules: RuleSet, current: str | None, pending: str | None, blocked: list[tuple[int, int]]
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """A new metric ("make it bookings instead", or the metric question answered), or contact channels that count
    too ("calls and e-mails count too"). A metric named in passing while something else was asked is context: "vi
    säljer cyklar" after "Who owns it?" does not switch the goal to orders."""
    mentions = [m for m in reader.metrics(blocked) if m.concept != current]
    switching = bool(reader.spans("coach-switch"))
    adding = bool(reader.spans("coach-scope")) or pending == "scope"
    if adding and not switching:
        said = [m.concept for m in mentions]
        said += [concept for name, concept in CONTACT_LISTS.items() if reader.spans(name)]
        channels = tuple(
            c for c in dict.fromkeys(said) if c != current and c in rules.concepts and rules.concepts[c].level in (4, 5)
        )
        if channels:
            return None, None, channels
    if mentions and (switching or pending == "metric" or current is None):
        return mentions[0].concept, reader.spoken(mentions[0]), ()
    return None, None, ()


def _counts_another(
    reader: TextReader, mentions: list[MetricMention], goal_metric: str | None, goal_words: str | None, rules: RuleSet
) -> Callable[[Number], str | None]:
    """For a number, the words of another metric it counts, when that metric is further from the sale than the
    goal's ("200 likes" for a goal about bookings) or the goal is a cost: such a number is not the goal's. A metric
    as close to the sale is taken for another word for the goal's own ("300 ordrar" about sales, "påmeldinger"
    about newsletter sign-ups), and the goal keeps its metric: only the metric question or words such as "instead"
    change it."""
    concept = rules.concepts.get(goal_metric) if goal_metric else None
    said_before = set(normalise(goal_words or "")[0].split())

    def other(number: Number) -> str | None:
        m = reader.counted_by(number, mentions)
        if m is None or concept is None or m.concept == concept.id or set(m.matched.split()) <= said_before:
            return None  # no metric, the goal's, or the goal's in fewer words ("abonnenter på nyhetsbrevet")
        if "cost" not in concept.tags and m.level is not None and (concept.level or 0) <= m.level:
            return None
        return reader.plain[number.start : reader.metric_chars(m)[1]]

    return other


def _numbers(
    reader: TextReader,
    read: NumbersRead,
    pending: str | None,
    mini_goal: bool,
    counts_other: Callable[[Number], str | None],
) -> dict[str, object]:
    """Baseline, target, change and unit from the cue phrases around each number; a bare number answers the
    number question we asked, or is the target of a reply that is a small goal of its own ("150 innen sommeren",
    "make it 40 bookings instead"); any other number is left out and named back, and so is a number that counts
    another metric than the goal's ("200 likes" while the goal counts bookings)."""
    found: dict[str, object] = {}
    left_out = [reader.plain[n.start : n.end] for n in read.others]
    elsewhere: list[str] = []

    def place(role: str | None, number: Number) -> None:
        other = counts_other(number)
        if other is not None:
            elsewhere.append(other)
        elif role is None or role in found:
            left_out.insert(0, reader.plain[number.start : number.end])
        else:
            found[role] = number.value

    if read.baseline is not None:
        place("baseline", read.baseline)
    if read.relative_pct is not None:
        found["relative_pct"] = read.relative_pct
    if read.target is not None:
        role = "target" if read.target_cued else NUMBER_QUESTIONS.get(pending or "")
        place(role or ("target" if mini_goal else None), read.target)
    if "target" in found or "relative_pct" in found:
        found["direction"] = read.direction
    units = [n.unit for n in (read.target, read.baseline) if n is not None and n.unit]
    if units and ("target" in found or "baseline" in found):
        found["unit"] = units[0]
    found["left_out"], found["elsewhere"] = tuple(left_out), tuple(elsewhere)
    return found


def parse_answer(
    text: str,
    *,
    language: str,
    today: date,
    rules: RuleSet,
    current_metric: str | None = None,
    current_words: str | None = None,
    pending: str | None = None,
    sender: str | None = None,
) -> Answer:
    """Everything ``text`` tells us, as an Answer; ``pending`` is the question the reply answers, and
    ``current_metric``/``current_words`` the draft's metric and the words the person named it with."""
    command, goal = read_command(text, rules, language)
    if command:
        return Answer(command=command, goal=goal)
    plain, mentions = normalise(text)
    reader = TextReader(plain, rules, default=language)
    if pending == "owner" and reader.whole("coach-yes"):
        return Answer(yes=True)
    plan = cued_plan(reader)
    owner: OwnerSaid = read_owner(reader, mentions, asked=pending == "owner", sender=sender, plan=plan)
    if owner.none:
        return Answer(no_owner=True)
    if reader.whole("coach-unknown"):  # "vet inte" to any other question leaves it open
        return Answer(command="skip")
    deadlines = _deadline(reader, today, plan, pending == "deadline")
    blocked = [(d.start, d.end) for d in deadlines] + list(owner.spans) + ([plan] if plan else [])
    metric, metric_words, scope = _metric(reader, rules, current_metric, pending, blocked)
    read = reader.targets(blocked)
    words = metric_words if metric else current_words
    counts_other = _counts_another(reader, reader.metrics(blocked), metric or current_metric, words, rules)
    # A bare number is the target of a reply that is a small goal of its own: it has a deadline, a new metric or
    # words that replace ("make it 160 instead", "150 innen sommeren").
    mini_goal = bool(deadlines) or metric is not None or bool(reader.spans("coach-switch"))
    numbers = _numbers(reader, read, pending, mini_goal, counts_other)
    has_number = any(k in numbers for k in ("baseline", "target", "relative_pct"))
    gives = "baseline" in numbers or ("target" in numbers and read.target_cued) or metric or scope or owner.user
    if plan is None and pending == "plan" and not (gives or owner.cued):
        # After "what will you do if it lags?", a reply that gives no other field is the plan, dates and numbers
        # and all ("we run a campaign in May", "we spend 20 % more on ads"), unless a date is all it says.
        dates = [(d.start, d.end) for d in deadlines]
        if _uncovered_words(reader, dates) >= PLAN_MIN_WORDS:
            return Answer(plan=text.strip())
    return Answer(
        deadline=max(d.due for d in deadlines) if deadlines else None,
        baseline=numbers.get("baseline"),  # type: ignore[arg-type]
        target=numbers.get("target"),  # type: ignore[arg-type]
        unit=numbers.get("unit"),  # type: ignore[arg-type]
        relative_pct=numbers.get("relative_pct"),  # type: ignore[arg-type]
        direction=numbers.get("direction"),  # type: ignore[arg-type]
        period=reader.period() if has_number else None,
        owner=owner.user,
        owner_names=owner.names,
        owner_cued=owner.cued,
        metric=metric,
        metric_words=metric_words,
        scope=scope,
        plan=original_words(text, plain, plan) if plan else None,
        left_out=numbers["left_out"],  # type: ignore[arg-type]
        elsewhere=numbers["elsewhere"],  # type: ignore[arg-type]
    )
