"""Which single question to ask next: the one whose answer removes the worst finding and unlocks the most.

Findings are ranked by severity first; among equals, a fixed order of what an answer unlocks: the metric closest to
the sale (everything else is counted in it) > which contacts count > the target > a realistic target > the deadline >
the value today > the owner > the plan for when it lags. Rules without a question (a stale stored KPI) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.grading import Assessment, Finding

QUESTION_FOR_RULE: dict[str, str] = {
    "not-specific": "metric",
    "low-level-main-goal": "metric",
    "vanity-reach": "metric",
    "engagement-as-result": "metric",
    "clicks-without-context": "metric",
    "video-views-3s": "metric",
    "micro-as-main": "metric",
    "cost-only": "metric",
    "rate-vs-volume": "metric",
    "frequency-ignored": "metric",
    "narrow-conversion": "scope",
    "not-measurable": "target",
    "unrealistic-target": "realistic",
    "no-deadline": "deadline",
    "no-baseline": "baseline",
    "generic-benchmark": "baseline",
    "no-owner": "owner",
    "no-action-plan": "plan",
}
QUESTION_ORDER = ("metric", "scope", "target", "realistic", "deadline", "baseline", "owner", "plan")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Questions the goal is not finished without; the plan is offered after the finished goal, not demanded.
ESSENTIAL = frozenset(QUESTION_ORDER) - {"plan"}


def _rank(finding: Finding) -> tuple[int, int]:
    question = QUESTION_FOR_RULE[finding.rule]
    return SEVERITY_ORDER.get(finding.severity, 3), QUESTION_ORDER.index(question)


def next_question(assessment: Assessment, skipped: Iterable[str] = ()) -> tuple[str, Finding] | None:
    """The question to ask and the finding it targets; None when no finding has a question left to ask
    (``skipped``: questions the person chose to leave open)."""
    left = set(skipped)
    askable = [f for f in assessment.findings if QUESTION_FOR_RULE.get(f.rule) not in (None, *left)]
    if not askable:
        return None
    worst = min(askable, key=_rank)
    return QUESTION_FOR_RULE[worst.rule], worst


def missing(assessment: Assessment) -> tuple[str, ...]:
    """The essential questions the goal still leaves open, in the order they would be asked: what saving names."""
    open_questions = {QUESTION_FOR_RULE.get(f.rule) for f in assessment.findings}
    return tuple(q for q in QUESTION_ORDER if q in ESSENTIAL and q in open_questions)


def is_finished(assessment: Assessment, skipped: Iterable[str] = ()) -> bool:
    """Nothing essential is left to ask: every finding left is one the person may leave as it is, or chose to."""
    return not set(missing(assessment)) - set(skipped)
