"""What the grader has read out of a goal text; the input every rule condition is evaluated on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from .phrases import Found
from .tokens import Token


class MetricMention(NamedTuple):
    """One metric phrase found in the text (tokens ``start:end``), resolved to its lexicon concept."""

    concept: str
    level: int | None
    stage: str | None
    conversion: str | None
    tags: frozenset[str]
    start: int
    end: int
    matched: str  # the words as written
    language: str
    exact: bool  # every word as written (no typo corrected, no letters folded): fit to be repeated back
    polarity: str = "higher"  # which way is good for it


class Quantity(NamedTuple):
    """A number read from the text (tokens ``start:end``), with its unit (`%`, a currency code, or None)."""

    value: float
    unit: str | None
    start: int
    end: int
    raw: str


class Deadline(NamedTuple):
    """When the goal is due: the resolved last day, the words it came from and its tokens ``start:end``."""

    due: date
    phrase: str
    start: int
    end: int


class GoalContext(NamedTuple):
    """What is known about a goal beyond its text: set when the goal is a stored KPI or part of a conversation."""

    stored: bool = False
    owner: str | None = None
    action_plan: str | None = None
    days_since_revisit: int | None = None


@dataclass
class GoalFacts:
    """Everything the reader found. Rules read these; they never parse text themselves."""

    text: str
    language: str
    today: date
    tokens: list[Token] = field(default_factory=list)
    cues: dict[str, list[Found]] = field(default_factory=dict)
    goal: frozenset[int] = frozenset()  # the tokens of the clauses that state the goal (not the context)
    metrics: list[MetricMention] = field(default_factory=list)
    metric: MetricMention | None = None
    target: Quantity | None = None
    baseline: Quantity | None = None
    relative_pct: float | None = None
    multiplier: float | None = None
    direction: str | None = None
    deadline: Deadline | None = None
    period: str | None = None
    platform: str | None = None
    mentions: tuple[str, ...] = ()
    context: GoalContext = field(default_factory=GoalContext)
    left_out: int = 0  # characters of a long message not graded (only the sentences stating the goal are)

    def said(self, name: str, *, outside_metric: bool = False) -> bool:
        """Whether a cue list matched; ``outside_metric`` ignores the main metric's own words ("cost per sale" does
        not mention sales)."""
        found = self.cues.get(name)
        if not found:
            return False
        m = self.metric
        if not outside_metric or m is None:
            return True
        return any(f.end <= m.start or f.start >= m.end for f in found)

    @property
    def has_target(self) -> bool:
        return self.target is not None or self.relative_pct is not None or self.multiplier is not None

    @property
    def has_baseline(self) -> bool:
        return self.baseline is not None or self.said("baseline-reference")

    @property
    def has_goal(self) -> bool:
        """Anything that makes the text a goal: a metric, a number to reach or a word that asks for a change
        ("get back to you" is no goal: verbs that only ask for a level do not count on their own)."""
        return (
            self.metric is not None
            or self.has_target
            or any(self.said(name) for name in ("increase", "decrease", "improve"))
        )

    @property
    def growth_factor(self) -> float | None:
        """target ÷ starting point, when the text gives enough to know it."""
        if self.multiplier is not None:
            return self.multiplier
        if self.relative_pct is not None:
            sign = -1 if self.direction == "decrease" else 1
            return 1 + sign * self.relative_pct / 100
        if self.target is not None and self.baseline is not None and self.baseline.value > 0:
            return self.target.value / self.baseline.value
        return None

    @property
    def months_left(self) -> float | None:
        if self.deadline is None:
            return None
        return max((self.deadline.due - self.today).days, 0) / 30.44
