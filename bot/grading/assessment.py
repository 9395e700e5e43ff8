"""The grader's verdict: what every surface shows (the CLI's --json output is its to_dict)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

LEVEL_NAMES = {1: "visibility", 2: "attention", 3: "engagement", 4: "interaction", 5: "transaction"}
GRADE_FLOORS = (("A", 85), ("B", 70), ("C", 55), ("D", 40), ("E", 25))
PENALTY = {"error": 25, "warning": 12, "info": 5}


def grade_for(score: int) -> str:
    return next((grade for grade, floor in GRADE_FLOORS if score >= floor), "F")


class Finding(NamedTuple):
    rule: str
    severity: str
    title: str
    message: str
    suggestion: str
    rationale: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "suggestion": self.suggestion,
            "rationale": self.rationale,
        }


@dataclass(frozen=True)
class Assessment:
    """A graded goal: what every caller (CLI, Slack, check-ins, the coach) needs, nothing about how it is shown."""

    text: str
    language: str
    level: int | None
    funnel_stage: str | None
    conversion: str | None
    smart: dict[str, bool | None]
    score: int
    grade: str
    findings: tuple[Finding, ...]
    better_goal: str
    better_metric: str | None = None  # the concept the better goal is about
    better_replaces: str | None = None  # the goal's own concept, when the better goal proposes another
    better_because: str | None = None  # the rule that asked for the other metric
    better_goal_note: str | None = (
        None  # which metric the better goal proposes instead, and why, in the goal's language
    )
    metric: str | None = None
    metric_label: str | None = None
    target: float | None = None
    baseline: float | None = None
    unit: str | None = None
    relative_change_pct: float | None = None
    multiplier: float | None = None
    direction: str | None = None
    deadline: date | None = None
    deadline_phrase: str | None = None
    period: str | None = None
    platform: str | None = None
    mentions: tuple[str, ...] = field(default_factory=tuple)
    graded_text: str | None = None  # the sentences graded, when a long message was cut to them
    left_out_chars: int = 0

    @property
    def level_name(self) -> str | None:
        return LEVEL_NAMES.get(self.level) if self.level else None

    @property
    def rules(self) -> set[str]:
        return {f.rule for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "level": self.level,
            "level_name": self.level_name,
            "funnel_stage": self.funnel_stage,
            "conversion": self.conversion,
            "smart": dict(self.smart),
            "score": self.score,
            "grade": self.grade,
            "findings": [f.to_dict() for f in self.findings],  # output.verdict_json writes these last
            "better_goal": self.better_goal,
            "better_goal_metric": self.better_metric,
            "better_goal_replaces": self.better_replaces,
            "better_goal_because": self.better_because,
            "better_goal_note": self.better_goal_note,
            "metric": self.metric,
            "metric_label": self.metric_label,
            "target": self.target,
            "baseline": self.baseline,
            "unit": self.unit,
            "relative_change_pct": self.relative_change_pct,
            "multiplier": self.multiplier,
            "direction": self.direction,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_phrase": self.deadline_phrase,
            "period": self.period,
            "platform": self.platform,
            "graded_text": self.graded_text,
            "left_out_chars": self.left_out_chars,
        }
