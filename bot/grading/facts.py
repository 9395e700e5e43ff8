"""What the grader has read out of a goal text; the input every rule condition is evaluated on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class MetricMention:
    """One metric term found in the text, resolved to its lexicon concept."""

    concept: str
    level: int | None
    stage: str | None
    conversion: str | None
    tags: frozenset[str]
    start: int
    end: int
    matched: str
    language: str


@dataclass(frozen=True)
class Quantity:
    """A number read from the text, with its unit (`%`, a currency code, or None for a count)."""

    value: float
    unit: str | None
    start: int
    end: int
    raw: str


@dataclass(frozen=True)
class Deadline:
    """When the goal is due: the resolved last day and the words it came from."""

    due: date
    phrase: str
    start: int
    end: int


@dataclass(frozen=True)
class GoalContext:
    """What is known about a goal beyond its text: set when the goal is a stored KPI or part of a conversation."""

    stored: bool = False
    owner: str | None = None
    action_plan: str | None = None
    days_since_revisit: int | None = None


@dataclass
class GoalFacts:
    """Everything the parser found. Rules read these; they never parse text themselves."""

    text: str
    language: str
    today: date
    metrics: list[MetricMention] = field(default_factory=list)
    metric: MetricMention | None = None
    target: Quantity | None = None
    baseline: Quantity | None = None
    relative_pct: float | None = None
    multiplier: float | None = None
    direction: str = "increase"
    baseline_reference: bool = False
    deadline: Deadline | None = None
    period: str | None = None
    platform: str | None = None
    mentions: tuple[str, ...] = ()
    context: GoalContext = field(default_factory=GoalContext)

    @property
    def text_outside_metric(self) -> str:
        cached = self.__dict__.get("_outside")
        if cached is None:
            m = self.metric
            cached = self.text if m is None else self.text[: m.start] + " " * (m.end - m.start) + self.text[m.end :]
            self.__dict__["_outside"] = cached
        return cached

    @property
    def has_target(self) -> bool:
        return self.target is not None or self.relative_pct is not None or self.multiplier is not None

    @property
    def has_baseline(self) -> bool:
        return self.baseline is not None or self.baseline_reference

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
