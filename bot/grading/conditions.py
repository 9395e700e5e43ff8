"""Rule conditions: a small declarative language, validated and compiled once at load.

A condition is a mapping with one key:
  all: [cond, ...] · any: [cond, ...] · not: cond
  metric: {level, tags, conversion, stage, none}   the main metric
  any_metric / other_metric: {...}                  some metric in the text (other than the main one)
  terms: NAME | {en: [regex], sv: [...], nb: [...]} words in the text (named lists live in lexicons/terms.yml)
  check: NAME                                      a structural check (CHECKS below)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .facts import GoalFacts, MetricMention
from .required import holds_any, required_by_all
from .yamlfile import PathKey, fail

LANGUAGES = ("en", "sv", "nb")
STAGES = ("reach", "engage", "activate", "loyalty")
CONVERSIONS = ("macro", "micro")

Condition = Callable[[GoalFacts], bool]


@dataclass(frozen=True)
class TermMatcher:
    """A term list's regex, searched only in texts that hold one of the strings every match needs."""

    regex: re.Pattern[str]
    needs: frozenset[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if holds_any(text, self.needs) else None


_SHARE_WORDS = re.compile(r"(?<!\w)(?:andel\w*|share of|percentage|proportion|\w*rate[n]?|\w*grad(?:en)?)(?!\w)")


def _implausible(f: GoalFacts) -> bool:
    """Targets nobody can plan for: rates above 100 %, a cut of 100 % or more, several-fold growth in weeks."""
    if f.target is not None and f.target.unit == "%" and f.target.value > 100:
        rate_metric = f.metric is None or bool(f.metric.tags & {"rate", "conversion-rate"})
        if rate_metric or _SHARE_WORDS.search(f.text):
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


CHECKS: dict[str, Callable[[GoalFacts], bool]] = {
    "no-metric": lambda f: f.metric is None,
    "vague-metric": lambda f: f.metric is not None and "vague" in f.metric.tags,
    "no-target": lambda f: not f.has_target,
    "no-deadline": lambda f: f.deadline is None,
    "no-baseline": lambda f: f.has_target and not f.has_baseline,
    "implausible-target": _implausible,
    "stored-without-owner": lambda f: f.context.stored and not f.context.owner,
    "stored-without-action-plan": lambda f: f.context.stored and not f.context.action_plan,
    "not-revisited": lambda f: f.context.stored and (f.context.days_since_revisit or 0) > 90,
}

_METRIC_KEYS = {"level", "tags", "conversion", "stage", "none", "not_tags"}


def check_patterns(patterns: Any, path: Path, where: PathKey) -> None:
    """Validate {lang: [regex, ...]}: known languages, non-empty lists, patterns that compile, no capturing groups.

    One compile of the union covers the usual case; patterns are compiled one by one only to name a culprit.
    """
    if not isinstance(patterns, Mapping) or not patterns:
        raise fail(path, where, "expected a mapping of language → list of patterns")
    every = []
    for lang, terms in patterns.items():
        if lang not in LANGUAGES:
            raise fail(path, [*where, lang], f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t for t in terms):
            raise fail(path, [*where, lang], "expected a non-empty list of patterns")
        every.extend((lang, i, t) for i, t in enumerate(terms))
    try:
        union = re.compile("|".join(f"(?:{t})" for _, _, t in every))
        if union.groups == 0:
            return
    except re.error:
        pass
    for lang, i, term in every:
        try:
            groups = re.compile(term).groups
        except re.error as exc:
            raise fail(path, [*where, lang, i], f"bad regular expression {term!r}: {exc}") from exc
        if groups:
            raise fail(path, [*where, lang, i], "use non-capturing groups (?:...) in terms")
    raise fail(path, where, "these patterns do not combine into one regular expression")


def compile_terms(patterns: Any, path: Path, where: PathKey) -> TermMatcher:
    """All languages in one regex: a yes/no search needs no language order, and one search is cheaper than three.

    Each term matches from a word start to a word end; the longest alternative is tried first.
    """
    check_patterns(patterns, path, where)
    terms = sorted({t for ts in patterns.values() for t in ts}, key=literal_length, reverse=True)
    return TermMatcher(re.compile(r"(?<!\w)(?:" + "|".join(terms) + r")(?!\w)"), required_by_all(terms))


def literal_length(pattern: str) -> int:
    """How much plain text a pattern spells out: more literal text means a more specific term."""
    return len(re.sub(r"\\.|[()\[\]?*+|{}^$]|\(\?[:!=<]+", "", pattern))


def search_terms(matcher: TermMatcher, facts: GoalFacts, *, outside_metric: bool = False) -> bool:
    """Whether any term of any language is in the text: people mix languages ("senast i juni" in English).

    `outside_metric` blanks the main metric's own words first: "cost per sale" must not count as mentioning sales.
    """
    return matcher.search(facts.text_outside_metric if outside_metric else facts.text) is not None


def mentions_any(matcher: TermMatcher | None, facts: GoalFacts) -> bool:
    return matcher is not None and search_terms(matcher, facts)


def _metric_predicate(spec: Any, path: Path, where: PathKey, tags_known: set[str]) -> Callable[[MetricMention], bool]:
    if not isinstance(spec, Mapping) or not spec:
        raise fail(path, where, "expected a mapping with some of: " + ", ".join(sorted(_METRIC_KEYS - {"none"})))
    unknown = set(spec) - _METRIC_KEYS
    if unknown:
        raise fail(
            path, [*where, sorted(unknown)[0]], f"unknown key; expected one of {', '.join(sorted(_METRIC_KEYS))}"
        )
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
    conversion, stage = spec.get("conversion"), spec.get("stage")
    if conversion is not None and conversion not in CONVERSIONS:
        raise fail(path, [*where, "conversion"], "conversion is macro or micro")
    if stage is not None and stage not in STAGES:
        raise fail(path, [*where, "stage"], f"stage is one of {', '.join(STAGES)}")
    want_tags, avoid_tags = tag_sets.get("tags"), tag_sets.get("not_tags")

    def matches(m: MetricMention) -> bool:
        return (
            (levels is None or m.level in levels)
            and (want_tags is None or bool(m.tags & want_tags))
            and (avoid_tags is None or not (m.tags & avoid_tags))
            and (conversion is None or m.conversion == conversion)
            and (stage is None or m.stage == stage)
        )

    return matches


# Conditions run for every rule on every goal: plain loops, not all()/any() over generators, which cost more than
# the checks they combine.
def _all_of(parts: list[Condition]) -> Condition:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda f: first(f) and second(f)

    def all_of(f: GoalFacts) -> bool:
        for part in parts:  # noqa: SIM110 - a loop, not all() over a generator (see above)
            if not part(f):
                return False
        return True

    return all_of


def _any_of(parts: list[Condition]) -> Condition:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda f: first(f) or second(f)

    def any_of(f: GoalFacts) -> bool:
        for part in parts:  # noqa: SIM110
            if part(f):
                return True
        return False

    return any_of


def compile_condition(
    spec: Any, path: Path, where: PathKey, named_terms: Mapping[str, TermMatcher], tags_known: set[str]
) -> Condition:
    """Validate a condition tree and turn it into a predicate over GoalFacts."""
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise fail(
            path,
            where,
            "a condition is a mapping with exactly one of: all, any, not, metric, any_metric, "
            "other_metric, terms, check",
        )
    ((key, value),) = spec.items()
    here = [*where, key]
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise fail(path, here, "expected a non-empty list of conditions")
        parts = [compile_condition(v, path, [*here, i], named_terms, tags_known) for i, v in enumerate(value)]
        return _all_of(parts) if key == "all" else _any_of(parts)
    if key == "not":
        inner = compile_condition(value, path, here, named_terms, tags_known)
        return lambda f: not inner(f)
    if key == "metric":
        if value == "none" or (isinstance(value, Mapping) and value.get("none") is True and len(value) == 1):
            return lambda f: f.metric is None
        pred = _metric_predicate(value, path, here, tags_known)
        return lambda f: f.metric is not None and pred(f.metric)
    if key == "any_metric":
        pred = _metric_predicate(value, path, here, tags_known)

        def any_metric(f: GoalFacts) -> bool:
            for m in f.metrics:  # noqa: SIM110
                if pred(m):
                    return True
            return False

        return any_metric
    if key == "other_metric":
        pred = _metric_predicate(value, path, here, tags_known)

        def other_metric(f: GoalFacts) -> bool:
            for m in f.metrics:  # noqa: SIM110
                if m is not f.metric and m.concept != f.metric.concept and pred(m):
                    return True
            return False

        return other_metric
    if key == "terms":
        if isinstance(value, str):
            if value not in named_terms:
                raise fail(path, here, f"no term list named {value!r} in lexicons/terms.yml")
            matcher = named_terms[value]
        elif isinstance(value, Mapping):
            matcher = compile_terms(value, path, here)
        else:
            raise fail(path, here, "terms is the name of a list or a mapping of language → patterns")
        return lambda f: search_terms(matcher, f, outside_metric=True)
    if key == "check":
        if value not in CHECKS:
            raise fail(path, here, f"unknown check {value!r}; known: {', '.join(sorted(CHECKS))}")
        return CHECKS[value]
    raise fail(path, here, "unknown condition; expected all, any, not, metric, any_metric, other_metric, terms, check")
