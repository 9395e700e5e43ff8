"""Rule conditions: a small declarative language, validated and compiled once at load.

A condition is a mapping with one key:
  all: [cond, ...] · any: [cond, ...] · not: cond
  metric: {level, tags, not_tags, conversion, stage, polarity} | none   the main metric
  any_metric / other_metric: {...}                  some metric in the text (other than the main one)
  terms: NAME | {en: [phrase], sv: [...], nb: [...]} words in the text outside the main metric's own words
  check: NAME                                      a structural check (CHECKS below)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .facts import GoalFacts, MetricMention
from .lexicon import CONVERSIONS, POLARITIES, STAGES
from .yamlfile import PathKey, fail

Condition = Callable[[GoalFacts], bool]
_SHARE_TAGS = frozenset({"rate", "conversion-rate", "share"})


def _implausible(f: GoalFacts) -> bool:
    """Targets nobody can plan for: rates above 100 %, a cut of 100 % or more, several-fold growth in weeks."""
    over_100 = f.target is not None and f.target.unit == "%" and f.target.value > 100
    if over_100 and (f.metric is None or f.metric.tags & _SHARE_TAGS or f.said("share")):
        return True
    if f.direction == "decrease" and f.relative_pct is not None and f.relative_pct >= 100:
        return True
    factor, months = f.growth_factor, f.months_left
    if factor is None or factor <= 1:
        return False
    if months is None:
        return factor >= 10
    return (
        factor >= 10 or (factor >= 5 and months <= 12) or (factor >= 3 and months <= 3) or (factor >= 2 and months <= 1)
    )


CHECKS: dict[str, Condition] = {
    "no-metric": lambda f: f.metric is None,
    "vague-metric": lambda f: f.metric is not None and "vague" in f.metric.tags,
    "no-target": lambda f: not f.has_target,
    "no-deadline": lambda f: f.deadline is None,
    "past-deadline": lambda f: f.deadline is not None and f.deadline.due < f.today,
    "no-baseline": lambda f: f.has_target and not f.has_baseline,
    "implausible-target": _implausible,
    "stored-without-owner": lambda f: f.context.stored and not f.context.owner,
    "stored-without-action-plan": lambda f: f.context.stored and not f.context.action_plan,
    "not-revisited": lambda f: f.context.stored and (f.context.days_since_revisit or 0) > 90,
}
_METRIC_KEYS = {"level", "tags", "conversion", "stage", "none", "not_tags", "polarity"}


class MetricTest(NamedTuple):
    """What a metric must be: a level, tags it has or lacks, a conversion, a stage, a polarity."""

    levels: frozenset[int] | None = None
    tags: frozenset[str] | None = None
    not_tags: frozenset[str] | None = None
    conversion: str | None = None
    stage: str | None = None
    polarity: str | None = None

    def __call__(self, m: MetricMention) -> bool:
        return (
            (self.levels is None or m.level in self.levels)
            and (self.tags is None or not self.tags.isdisjoint(m.tags))
            and (self.not_tags is None or self.not_tags.isdisjoint(m.tags))
            and (self.conversion is None or m.conversion == self.conversion)
            and (self.stage is None or m.stage == self.stage)
            and (self.polarity is None or m.polarity == self.polarity)
        )


# Conditions are small objects rather than closures so that a compiled rule set can be cached (see cache.py);
# plain loops rather than all()/any() over generators, which cost more than the checks they combine.
class AllOf(NamedTuple):
    parts: tuple[Condition, ...]

    def __call__(self, f: GoalFacts) -> bool:
        for part in self.parts:  # noqa: SIM110
            if not part(f):
                return False
        return True


class AnyOf(NamedTuple):
    parts: tuple[Condition, ...]

    def __call__(self, f: GoalFacts) -> bool:
        for part in self.parts:  # noqa: SIM110
            if part(f):
                return True
        return False


class Not(NamedTuple):
    part: Condition

    def __call__(self, f: GoalFacts) -> bool:
        return not self.part(f)


class MainMetric(NamedTuple):
    test: MetricTest | None  # None: there must be no main metric

    def __call__(self, f: GoalFacts) -> bool:
        if self.test is None:
            return f.metric is None
        return f.metric is not None and self.test(f.metric)


class SomeMetric(NamedTuple):
    test: MetricTest
    other: bool  # only metrics other than the main one

    def __call__(self, f: GoalFacts) -> bool:
        main = f.metric
        for m in f.metrics:
            if self.other and (main is None or m is main or m.concept == main.concept):
                continue
            if self.test(m):
                return True
        return False


class Said(NamedTuple):
    name: str

    def __call__(self, f: GoalFacts) -> bool:
        return f.said(self.name, outside_metric=True)


class Check(NamedTuple):
    name: str

    def __call__(self, f: GoalFacts) -> bool:
        return CHECKS[self.name](f)


def _metric_test(spec: Any, path: Path, where: PathKey, tags_known: set[str]) -> MetricTest:
    if not isinstance(spec, Mapping) or not spec:
        raise fail(path, where, "expected a mapping with some of: " + ", ".join(sorted(_METRIC_KEYS - {"none"})))
    unknown = set(spec) - _METRIC_KEYS
    if unknown:
        known = ", ".join(sorted(_METRIC_KEYS))
        raise fail(path, [*where, sorted(unknown)[0]], f"unknown key; expected one of {known}")
    levels = spec.get("level")
    if levels is not None:
        levels = levels if isinstance(levels, list) else [levels]
        if not all(isinstance(v, int) and 1 <= v <= 5 for v in levels):
            raise fail(path, [*where, "level"], "levels are whole numbers 1–5")
    tag_sets = {}
    for key in ("tags", "not_tags"):
        tags = spec.get(key)
        if tags is None:
            continue
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise fail(path, [*where, key], "expected a list of tag names")
        missing = [t for t in tags if t not in tags_known]
        if missing:
            raise fail(path, [*where, key], f"tag {missing[0]!r} is used by no metric in the lexicon")
        tag_sets[key] = frozenset(tags)
    conversion, stage, polarity = spec.get("conversion"), spec.get("stage"), spec.get("polarity")
    for key, value, allowed in (
        ("conversion", conversion, CONVERSIONS),
        ("stage", stage, STAGES),
        ("polarity", polarity, POLARITIES),
    ):
        if value is not None and value not in allowed:
            raise fail(path, [*where, key], f"{key} is one of {', '.join(allowed)}")
    return MetricTest(
        frozenset(levels) if levels is not None else None,
        tag_sets.get("tags"),
        tag_sets.get("not_tags"),
        conversion,
        stage,
        polarity,
    )


def compile_condition(
    spec: Any,
    path: Path,
    where: PathKey,
    term_names: set[str],
    tags_known: set[str],
    inline: Callable[[Any, PathKey], str],
) -> Condition:
    """Validate a condition tree and turn it into a predicate over GoalFacts. ``inline`` registers a rule's own
    phrase list and returns the name it is matched under."""
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise fail(
            path,
            where,
            "a condition is a mapping with exactly one of: all, any, not, metric, any_metric, other_metric, terms, "
            "check",
        )
    ((key, value),) = spec.items()
    here = [*where, key]

    def sub(item: Any, at: PathKey) -> Condition:
        return compile_condition(item, path, at, term_names, tags_known, inline)

    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise fail(path, here, "expected a non-empty list of conditions")
        parts = tuple(sub(v, [*here, i]) for i, v in enumerate(value))
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(sub(value, here))
    if key == "metric":
        if value == "none" or (isinstance(value, Mapping) and value.get("none") is True and len(value) == 1):
            return MainMetric(None)
        return MainMetric(_metric_test(value, path, here, tags_known))
    if key in ("any_metric", "other_metric"):
        return SomeMetric(_metric_test(value, path, here, tags_known), other=key == "other_metric")
    if key == "terms":
        if isinstance(value, str):
            if value not in term_names:
                raise fail(path, here, f"no phrase list named {value!r} in the lexicons")
            return Said(value)
        if isinstance(value, Mapping):
            return Said(inline(value, here))
        raise fail(path, here, "terms is the name of a phrase list or a mapping of language → phrases")
    if key == "check":
        if value not in CHECKS:
            raise fail(path, here, f"unknown check {value!r}; known: {', '.join(sorted(CHECKS))}")
        return Check(value)
    raise fail(path, here, "unknown condition; expected all, any, not, metric, any_metric, other_metric, terms, check")
