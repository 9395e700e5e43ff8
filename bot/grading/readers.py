"""The grader's readers for short texts that are not whole goals: a coach's answer, a draft being rewritten.

Same tokens, lexicons and rules as ``reading``, with places given as character positions of the normalised text, so
that a caller can tell which words a date, a number or a cue phrase took ("we're at 120 today" after "What is the
value today?"). Everything a caller needs to know about words is asked of the lexicons through here (cue lists by
name, whole-text phrases such as a command), never matched again by hand.

A short answer can mix languages, and a word can be a cue in two of them with two meanings (Swedish "nå" is "reach",
bokmål "nå" is "now"): where cue phrases of the text's own language and of another one take the same words, the
text's own language wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from .facts import GoalFacts, MetricMention
from .language import language_scores, pick_language
from .lexicon import LANGUAGES
from .numbers import read_targets
from .phrases import Found, Matches
from .reading import Reading
from .rewrite import spoken_metric
from .ruleset import RuleSet
from .tokens import Token

_SENTENCE_END = frozenset({".", "!", "?", ";"})
_GOAL_VERBS = ("increase", "decrease", "improve")


class Dated(NamedTuple):
    """A deadline phrase: its last day and its characters."""

    due: date
    start: int
    end: int


class Number(NamedTuple):
    value: float
    unit: str | None
    start: int
    end: int


class NumbersRead(NamedTuple):
    """The roles of a text's numbers. ``target_cued`` says whether words mark the target as one ("aim for 150",
    "from 30 to 45", "målet är 45"): a bare number is only the target of a whole goal, not of an answer. ``others``
    are the numbers no role took."""

    target: Number | None = None
    baseline: Number | None = None
    relative_pct: float | None = None
    direction: str | None = None
    target_cued: bool = False
    others: tuple[Number, ...] = ()


def prefer_language(matches: Matches, cues: dict[str, list[Found]], language: str) -> dict[str, list[Found]]:
    """The cue matches without those of another language whose very words the text's own language reads as
    something else: bokmål "nå" (now) is no baseline cue in a Swedish text, where "nå" is "reach"."""

    def own(f: Found, same_list: bool) -> bool:
        return any(
            o.end == f.end
            and not o.phrase.metric
            and o.phrase.language == language
            and (o.label == f.label) == same_list
            for o in matches.at.get(f.start, ())
        )

    def kept(f: Found) -> bool:
        return f.phrase.language == language or own(f, True) or not own(f, False)

    out = {name: [f for f in found if kept(f)] for name, found in cues.items()}
    return {name: found for name, found in out.items() if found}


class TextReader:
    """One normalised text, read once. ``language`` fixes the text's language; without it the words decide and
    ``default`` (the conversation's language) wins a tie."""

    def __init__(self, plain: str, rules: RuleSet, language: str | None = None, *, default: str | None = None) -> None:
        self.plain = plain
        self.rules = rules
        self.reading = Reading(plain, rules.lexicon, language)
        if language is None and default in LANGUAGES:
            scores = language_scores(self.reading.tokens, plain, rules.lexicon.letters)
            self.reading.language = pick_language(scores, str(default))
        self.language = self.reading.language
        self.cues = prefer_language(self.reading.matches, self.reading.cues, self.language)

    @property
    def tokens(self) -> list[Token]:
        return self.reading.tokens

    def _chars(self, start: int, end: int) -> tuple[int, int]:
        tokens = self.reading.tokens
        return tokens[start].start, tokens[end - 1].end

    def _tokens_in(self, spans: Iterable[tuple[int, int]]) -> set[int]:
        return {i for i, t in enumerate(self.reading.tokens) for s, e in spans if t.start < e and t.end > s}

    def deadlines(self, today: date, blocked: Iterable[tuple[int, int]] = ()) -> list[Dated]:
        """Deadline phrases, except those touching ``blocked`` characters (a plan's own dates)."""
        taken = self._tokens_in(blocked)
        found = [d for d in self.reading.deadlines(today) if not taken.intersection(range(d.start, d.end))]
        return [Dated(d.due, *self._chars(d.start, d.end)) for d in found]

    def numbers(self, blocked: Iterable[tuple[int, int]] = ()) -> list[Number]:
        return [
            Number(q.value, q.unit, *self._chars(q.start, q.end))
            for q in self.reading.quantities(self._tokens_in(blocked))
        ]

    def _cue_before(self, name: str, i: int) -> Found | None:
        """The match of cue list ``name`` that ends right before token ``i``, or before a word such as "about" or
        "typ" standing before it (as the grader's ``numbers`` reads them); a cue that says more than "about" first."""
        rough = [f.start for f in self.cues.get("approximately", ()) if f.end == i]
        found = [f for f in self.cues.get(name, ()) if f.end == i or f.end in rough]
        return min(found, key=self._only_approximately) if found else None

    def _only_approximately(self, found: Found) -> bool:
        """A target cue that is nothing but "about"/"ca": it says the number is rough, not that it is the target."""
        return any(a.start <= found.start and found.end <= a.end for a in self.cues.get("approximately", ()))

    def targets(self, blocked: Iterable[tuple[int, int]] = ()) -> NumbersRead:
        r = self.reading
        quantities = r.quantities(self._tokens_in(blocked))
        found = read_targets(r.tokens, self.cues, quantities, range(len(r.tokens)))

        def number(q):  # type: ignore[no-untyped-def]
            return Number(q.value, q.unit, *self._chars(q.start, q.end)) if q is not None else None

        direction = found.direction
        for name, value in (("decrease", "decrease"), ("increase", "increase"), ("reach", "increase")):
            if direction is None and self.cues.get(name):
                direction = value
        cued = False
        if found.target is not None:
            cue = self._cue_before("target-before", found.target.start)
            cued = found.baseline is not None and self._cue_before("from", found.baseline.start) is not None
            cued = cued or (cue is not None and not self._only_approximately(cue))
        roles = {q.start for q in (found.target, found.baseline) if q is not None}
        if found.relative_pct is not None:
            roles |= {q.start for q in quantities if q.unit == "%" and q.value == found.relative_pct}
        others = tuple(number(q) for q in quantities if q.start not in roles)
        return NumbersRead(number(found.target), number(found.baseline), found.relative_pct, direction, cued, others)

    def metrics(self, blocked: Iterable[tuple[int, int]] = ()) -> list[MetricMention]:
        taken = self._tokens_in(blocked)
        return [m for m in self.reading.metrics() if not taken.intersection(range(m.start, m.end))]

    def counted_by(self, number: Number, mentions: Sequence[MetricMention]) -> MetricMention | None:
        """The metric a number counts when it is named right after it ("300 ordrar", "200 likes i veckan"), as
        the grader reads a goal's target (``reading._counted``)."""
        last = next((i for i, t in enumerate(self.reading.tokens) if t.end == number.end), None)
        if last is None:
            return None
        return next((m for m in mentions if last < m.start <= last + 2), None)

    def metric_chars(self, mention: MetricMention) -> tuple[int, int]:
        return self._chars(mention.start, max(mention.end, mention.start + 1))

    def spoken(self, mention: MetricMention) -> str | None:
        """The metric in the person's own words (see ``rewrite.spoken_metric``), when they name a thing: words
        that start with a verb of the goal ("book a table", "sell") would not read as the subject of a sentence."""
        verbs = ("increase", "decrease", "improve", "reach")
        if any(f.start == mention.start for name in verbs for f in self.cues.get(name, ())):
            return None
        facts = GoalFacts(self.plain, self.language, date.today(), tokens=self.reading.tokens, cues=self.reading.cues)
        return spoken_metric(facts, mention, self.rules)

    def period(self) -> str | None:
        return self.reading.period(set())

    def said(self, name: str) -> tuple[int, int] | None:
        """Where a phrase list of the lexicons first matched, if it did."""
        found = self.cues.get(name)
        return self._chars(found[0].start, found[0].end) if found else None

    def spans(self, name: str) -> list[tuple[int, int]]:
        """Every match of a phrase list, as characters."""
        return [self._chars(f.start, f.end) for f in self.cues.get(name, ())]

    def whole(self, name: str) -> bool:
        """Whether the text is nothing but one phrase of the list: "spara!", "vet inte", "I don't know".
        Punctuation and one-letter words around the phrase do not count (the lexicons cannot hold the English "I"
        as a word without making every Swedish and Norwegian "i" look English to the language reader)."""
        tokens = self.reading.tokens
        words = [i for i, t in enumerate(tokens) if t.kind != "sym" and not (t.kind == "word" and len(t.text) == 1)]
        if not words:
            return False
        return any(f.start <= words[0] and f.end > words[-1] for f in self.cues.get(name, ()))

    def word_count(self) -> int:
        return sum(t.kind != "sym" for t in self.reading.tokens)

    def sentences(self) -> list[tuple[int, int]]:
        """Sentences as characters. A full stop inside a word ("t.ex.", "e.g.") or of a word such as "ca." ends
        nothing."""
        tokens = self.reading.tokens
        rough = {i for f in self.cues.get("approximately", ()) for i in range(f.start, f.end + 1)}
        out, start = [], 0
        for i, t in enumerate(tokens):
            if t.kind != "sym" or t.text not in _SENTENCE_END:
                continue
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            attached = following is not None and following.start == t.end
            dotted = i >= 2 and tokens[i - 2].text == "." and tokens[i - 2].end == tokens[i - 1].start
            if t.text == "." and (i in rough or attached or dotted):
                continue
            if i > start:
                out.append(self._chars(start, i + 1))
            start = i + 1
        if start < len(tokens):
            out.append(self._chars(start, len(tokens)))
        return out

    def sentence_around(self, at: int) -> tuple[int, int]:
        """The sentence holding character ``at``."""
        return next(((s, e) for s, e in self.sentences() if s <= at < e), (0, len(self.plain)))

    def goal_sentence(self) -> tuple[int, int] | None:
        """In a long message, the one sentence that states the goal: it asks for a change ("more", "öka",
        "redusere") or says what the goal is, names a metric, and is not a question or an account of the past.
        None when no sentence asks for anything."""
        tokens = self.reading.tokens
        past = {i for f in self.cues.get("past", ()) for i in range(f.start, f.end)}
        verbs = [f.start for name in _GOAL_VERBS for f in self.cues.get(name, ()) if f.start not in past]
        wants = [f.start for f in self.cues.get("target-before", ()) if not self._only_approximately(f)]
        wants += [f.start for f in self.cues.get("clause-break", ())]
        metrics = [m.start for m in self.reading.metrics()]
        best: tuple[int, int, tuple[int, int]] | None = None
        for start, end in self.sentences():
            inside = [i for i, t in enumerate(tokens) if start <= t.start < end]
            if not inside:
                continue
            span = range(inside[0], inside[-1] + 1)
            asks = any(i in span for i in verbs)
            if not asks or tokens[inside[-1]].text == "?":
                continue
            points = 2 * any(i in span for i in metrics) + any(i in span for i in wants)
            if best is None or points >= best[0]:
                best = (points, start, (start, end))
        return best[2] if best else None
