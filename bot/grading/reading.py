"""Reading a goal: from the text as typed to the facts the rules are evaluated on.

    normalise (markup, whitespace)  →  the sentences that state the goal, when the message is long
      →  tokens (lexicon keys, typo corrections, folded spellings)  →  language
      →  cue phrases, deadlines, the goal's clauses (not the context), metric mentions, numbers, direction
The coach reads its answers with the same pieces, so a number, a date or a metric is read one way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from .dates import find_deadlines, find_period
from .facts import Deadline, GoalContext, GoalFacts, MetricMention, Quantity
from .language import language_scores, pick_language
from .lexicon import LANGUAGES, NOT_A_METRIC, Lexicon
from .normalise import MAX_INPUT_CHARS, normalise
from .numbers import Targets, quantities, read_targets
from .phrases import Found
from .tokens import Token, reading_text, tokenise

LONG_MESSAGE_CHARS = 500  # longer than this, only the sentences that state the goal are graded
_SENTENCE_END = frozenset({".", "!", "?", ";"})
_CLAUSE_MARKS = frozenset({"-", "–", "—", ":"})  # standalone: "Sales fell last year - grow them by 10 %"
_COMMA = ","
_DIRECTION_CUES = ("increase", "reach", "decrease", "improve")


class Reading:
    """One text, tokenised and looked up: what every reader below starts from."""

    def __init__(self, plain: str, lexicon: Lexicon, language: str | None = None) -> None:
        self.plain = plain
        self.lexicon = lexicon
        self.tokens = tokenise(plain, lexicon.words)
        self.text, self.spans = reading_text(plain, self.tokens)
        self.matches = lexicon.phrases_index.find(self.tokens)
        self.cues = self.matches.cues()
        if language in LANGUAGES:
            self.language = str(language)
        else:
            self.language = pick_language(language_scores(self.tokens, plain, lexicon.letters))

    def deadlines(self, today: date) -> list[Deadline]:
        return find_deadlines(self.text, self.tokens, self.spans, self.cues, self.lexicon.dates, today)

    def metrics(self) -> list[MetricMention]:
        """Metric phrases of the text's language; when it names none, of any language (a word of one language
        can be a different word in another: "order" is English for "in order to")."""

        def named(found: list[Found]) -> list[Found]:
            return [f for f in found if f.label != NOT_A_METRIC]

        found_all = named(self.matches.metrics(only=self.language)) or named(self.matches.metrics(prefer=self.language))
        out = []
        for found in found_all:
            c = self.lexicon.concepts[found.label]
            words = self.tokens[found.start : found.end]
            exact = not any(t.corrected or t.folded for t in words)
            matched = self.plain[words[0].start : words[-1].end]
            out.append(
                MetricMention(
                    c.id,
                    c.level,
                    c.stage,
                    c.conversion,
                    c.tags,
                    found.start,
                    found.end,
                    matched,
                    found.phrase.language,
                    exact,
                    c.polarity,
                )
            )
        return out

    def quantities(self, taken: set[int]) -> list[Quantity]:
        return quantities(self.tokens, self.lexicon.numbers, self.language, taken)

    def period(self, taken: set[int]) -> str | None:
        return find_period(self.cues, taken)


def _clauses(tokens: Sequence[Token], cues: dict[str, list[Found]]) -> list[range]:
    """Clauses split at sentence ends, commas and words that start a new clause ("so", "så", "but"). They only
    serve to tell the context apart, so a comma inside a goal ("per month, up from 60") does no harm."""
    starts = {0}
    for i, t in enumerate(tokens):
        if t.kind == "sym" and (t.text in _SENTENCE_END or t.text == _COMMA):
            starts.add(i + 1)
        elif t.kind == "sym" and t.text in _CLAUSE_MARKS and 0 < i < len(tokens) - 1:
            standalone = tokens[i - 1].end < t.start and t.end < tokens[i + 1].start
            if standalone:
                starts.add(i + 1)
    starts.update(f.start for f in cues.get("clause-break", ()))
    edges = [*sorted(s for s in starts if s <= len(tokens)), len(tokens)]
    return [range(a, b) for a, b in pairwise(edges) if b > a]


def goal_tokens(tokens: Sequence[Token], cues: dict[str, list[Found]]) -> frozenset[int]:
    """The tokens of the clauses that state the goal: a clause about what already happened ("sales fell last
    year") with no goal verb of its own is context, and its verbs and numbers are not the goal's."""
    past = cues.get("past")
    if not past:  # nothing said about the past: every clause states the goal
        return frozenset(range(len(tokens)))
    clauses = _clauses(tokens, cues)
    verbs = [f for name in _DIRECTION_CUES for f in cues.get(name, ())]

    def inside(found: list[Found], clause: range) -> list[Found]:
        return [f for f in found if f.start in clause]

    def is_context(clause: range) -> bool:
        said_past = inside(past, clause)
        own_verbs = [v for v in inside(verbs, clause) if not any(p.start <= v.start < p.end for p in said_past)]
        return bool(said_past) and not own_verbs

    kept = [c for c in clauses if not is_context(c)]
    if not kept:
        kept = clauses
    return frozenset(i for c in kept for i in c)


def main_metric(
    mentions: list[MetricMention], cues: dict[str, list[Found]], goal: frozenset[int]
) -> MetricMention | None:
    """The first metric of the goal's clauses, unless it only names the channel of a later one ("via the
    newsletter, get bookings")."""
    candidates = [m for m in mentions if m.start in goal] or mentions
    channel_ends = {f.end for f in cues.get("channel", ())}
    for i, m in enumerate(candidates):
        if i == len(candidates) - 1 or m.start not in channel_ends:
            return m
    return None


def _direction(facts: GoalFacts, numbers: Targets, polarity: str | None, taken: set[int]) -> str | None:
    """Which way the goal wants its metric to go: its own verb, else its numbers, else which way is good for it."""
    past_tokens = {i for f in facts.cues.get("past", ()) for i in range(f.start, f.end)}
    said: list[tuple[int, int, str]] = []
    for name in _DIRECTION_CUES:
        for f in facts.cues.get(name, ()):
            if f.start in facts.goal and f.start not in taken and f.start not in past_tokens:
                said.append((f.start, -(f.end - f.start), name))
    better = "decrease" if polarity == "lower" else "increase"
    strong = [s for s in said if s[2] != "reach"]  # "get the wait under 2 hours": "under" says more than "get"
    verb = min(strong or said)[2] if said else None
    if verb == "improve":
        verb = better
    elif verb == "reach":
        verb = "increase"
    if numbers.direction and verb and numbers.direction != verb and numbers.baseline is not None:
        return numbers.direction  # "from 8 % to 5 %" says more than a loose verb
    return verb or numbers.direction or (better if polarity else None)


def _as_rate(metric: MetricMention | None, targets: Targets, lexicon: Lexicon) -> MetricMention | None:
    """A metric whose numbers are percentages is its rate: "höj konverteringen från 1,9 % till 3 %"."""
    if metric is None or targets.target is None or targets.target.unit != "%":
        return metric
    rate = lexicon.concepts[metric.concept].as_rate
    if rate is None:
        return metric
    c = lexicon.concepts[rate]
    return metric._replace(concept=c.id, level=c.level, stage=c.stage, conversion=c.conversion, tags=c.tags)


def _counted(
    metric: MetricMention | None, mentions: list[MetricMention], target: Quantity | None
) -> MetricMention | None:
    """The metric the target counts, when it is named right after the number and is as close to the sale as the
    first metric: "öka salget till 1 800 ordrer" is about orders."""
    if target is None:
        return None
    after = next((m for m in mentions if m.start == target.end), None)
    if after is None or metric is None or after is metric or after.level is None:
        return None
    return after if metric.level == after.level and "cost" not in metric.tags else None


def _platform(tokens: Sequence[Token], platforms: list[str], goal: frozenset[int]) -> str | None:
    names = {p.lower(): p for p in platforms}
    hits = [(i not in goal, i, names[t.text]) for i, t in enumerate(tokens) if t.text in names]
    return min(hits)[2] if hits else None


def _sentences(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Token ranges of the sentences of a text."""
    out, start = [], 0
    for i, t in enumerate(tokens):
        if t.kind == "sym" and t.text in _SENTENCE_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        out.append((start, len(tokens)))
    return out


def goal_excerpt(plain: str, lexicon: Lexicon) -> str:
    """For a long message, the sentence that most looks like a goal (a metric, a number, a verb that asks for a
    change, a date word), widened with its neighbours while it stays short; the message itself otherwise."""
    if len(plain) <= LONG_MESSAGE_CHARS:
        return plain
    reading = Reading(plain, lexicon)
    tokens = reading.tokens
    sentences = _sentences(tokens)
    if len(sentences) <= 1:
        return plain[:LONG_MESSAGE_CHARS]
    metric_at = {f.start for f in reading.matches.metrics()}
    verb_at = {f.start for name in (*_DIRECTION_CUES, "target-before") for f in reading.cues.get(name, ())}
    date_words = lexicon.dates.months.keys() | lexicon.dates.quarter_words

    def score(span: tuple[int, int]) -> tuple[int, int]:
        idx = range(*span)
        points = 3 * any(i in metric_at for i in idx) + any(i in verb_at for i in idx)
        points += min(sum(tokens[i].kind == "num" for i in idx), 2) + any(tokens[i].read in date_words for i in idx)
        return points, span[0]  # the later of equals: a message usually ends with what it asks for

    best = max(range(len(sentences)), key=lambda k: score(sentences[k]))
    lo = hi = best

    def chars(a: int, b: int) -> int:
        return tokens[sentences[b][1] - 1].end - tokens[sentences[a][0]].start

    while True:
        if hi + 1 < len(sentences) and chars(lo, hi + 1) <= LONG_MESSAGE_CHARS and score(sentences[hi + 1])[0]:
            hi += 1
        elif lo > 0 and chars(lo - 1, hi) <= LONG_MESSAGE_CHARS and score(sentences[lo - 1])[0]:
            lo -= 1
        else:
            break
    start, end = tokens[sentences[lo][0]].start, tokens[sentences[hi][1] - 1].end
    return plain[start:end][: LONG_MESSAGE_CHARS * 2]


def read_goal(
    text: str,
    lexicon: Lexicon,
    *,
    language: str | None = None,
    today: date | None = None,
    context: GoalContext | None = None,
) -> GoalFacts:
    """Everything the rules need to know about a goal text."""
    today = today or date.today()
    whole, mentions = normalise(text)
    plain = goal_excerpt(whole, lexicon)
    left_out = len(whole) - len(plain) + max(0, len(text) - MAX_INPUT_CHARS)
    r = Reading(plain, lexicon, language)
    deadlines = r.deadlines(today)
    in_deadline = {i for d in deadlines for i in range(d.start, d.end)}
    goal = goal_tokens(r.tokens, r.cues)
    mentions_found = r.metrics()
    metric = main_metric(mentions_found, r.cues, goal)
    # A number inside a cost's own words ("cost per 1,000 impressions") is part of its name, not a target.
    named = {i for m in mentions_found if "cost" in m.tags for i in range(m.start, m.end) if r.tokens[i].kind == "num"}
    numbers = r.quantities(in_deadline | named)
    durations = metric is not None and "time" in metric.tags
    beside = {metric.start, metric.end} if metric is not None else set()
    targets = read_targets(r.tokens, r.cues, numbers, goal, durations=durations, beside_metric=beside)
    metric = _counted(metric, mentions_found, targets.target) or metric
    metric = _as_rate(metric, targets, lexicon)
    in_goal = [d for d in deadlines if d.start in goal] or deadlines
    facts = GoalFacts(
        text=plain,
        language=r.language,
        today=today,
        tokens=r.tokens,
        cues=r.cues,
        goal=goal,
        metrics=mentions_found,
        metric=metric,
        target=targets.target,
        baseline=targets.baseline,
        relative_pct=targets.relative_pct,
        multiplier=targets.multiplier,
        deadline=max(in_goal, key=lambda d: d.due) if in_goal else None,
        period=r.period(in_deadline),
        platform=_platform(r.tokens, lexicon.phrases.get("platforms", []), goal),
        mentions=mentions,
        context=context or GoalContext(),
        left_out=left_out,
    )
    money = lexicon.numbers.money_metric
    amount = targets.target or targets.baseline
    if metric is None and money and amount is not None and amount.unit not in (None, "%"):
        c = lexicon.concepts[money]  # "Take 1.5M SEK through the online store": the money is the metric
        metric = MetricMention(
            c.id, c.level, c.stage, c.conversion, c.tags, amount.start, amount.start, "", r.language, False, c.polarity
        )
        facts.metric, facts.metrics = metric, [*mentions_found, metric]
    polarity = lexicon.concepts[metric.concept].polarity if metric else None
    facts.direction = _direction(facts, targets, polarity, in_deadline)
    if facts.multiplier is not None and facts.multiplier < 1:
        facts.direction = "decrease"
    return facts
