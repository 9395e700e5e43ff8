"""The grader's readers for short texts that are not whole goals: a coach's answer, a draft being rewritten.

Same tokens, lexicons and rules as ``reading``, with places given as character positions of the normalised text so
that callers can combine them with their own patterns ("we're at 120 today" after "What is the value today?").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from .facts import MetricMention
from .numbers import read_targets
from .reading import Reading
from .ruleset import RuleSet


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
    target: Number | None = None
    baseline: Number | None = None
    relative_pct: float | None = None
    direction: str | None = None


class TextReader:
    """One normalised text, read once."""

    def __init__(self, plain: str, rules: RuleSet, language: str | None = None) -> None:
        self.plain = plain
        self.reading = Reading(plain, rules.lexicon, language)

    def _chars(self, start: int, end: int) -> tuple[int, int]:
        tokens = self.reading.tokens
        return tokens[start].start, tokens[end - 1].end

    def _tokens_in(self, spans: Iterable[tuple[int, int]]) -> set[int]:
        return {i for i, t in enumerate(self.reading.tokens) for s, e in spans if t.start < e and t.end > s}

    def deadlines(self, today: date) -> list[Dated]:
        return [Dated(d.due, *self._chars(d.start, d.end)) for d in self.reading.deadlines(today)]

    def numbers(self, blocked: Iterable[tuple[int, int]] = ()) -> list[Number]:
        return [
            Number(q.value, q.unit, *self._chars(q.start, q.end))
            for q in self.reading.quantities(self._tokens_in(blocked))
        ]

    def targets(self, blocked: Iterable[tuple[int, int]] = ()) -> NumbersRead:
        r = self.reading
        quantities = r.quantities(self._tokens_in(blocked))
        found = read_targets(r.tokens, r.cues, quantities, range(len(r.tokens)))

        def number(q):  # type: ignore[no-untyped-def]
            return Number(q.value, q.unit, *self._chars(q.start, q.end)) if q is not None else None

        direction = found.direction
        for name, value in (("decrease", "decrease"), ("increase", "increase"), ("reach", "increase")):
            if direction is None and r.cues.get(name):
                direction = value
        return NumbersRead(number(found.target), number(found.baseline), found.relative_pct, direction)

    def metrics(self) -> list[MetricMention]:
        return self.reading.metrics()

    def period(self) -> str | None:
        return self.reading.period(set())

    def said(self, name: str) -> tuple[int, int] | None:
        """Where a phrase list of the lexicons first matched, if it did."""
        found = self.reading.cues.get(name)
        return self._chars(found[0].start, found[0].end) if found else None
