"""Grading a proposed KPI goal: the heart every surface (CLI, /kpi check, the coach, check-ins) calls.

Pure: text in, Assessment out. No Slack, no database, no clock unless `today` is left to default.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from .assessment import PENALTY, Assessment, Finding, grade_for
from .conditions import CHECKS, LANGUAGES, search_terms
from .facts import GoalContext, GoalFacts, MetricMention
from .language import language_scores, pick_language
from .normalise import normalise
from .quantities import find_targets
from .rewrite import better_concept, better_goal
from .ruleset import RuleSet, default_ruleset
from .timeframes import find_deadlines, find_period

_QUALIFIER_BEFORE = re.compile(
    r"(?:via|through|from|using|thanks to|från|genom|med hjälp av|fra|gjennom|ved hjelp av)\s$"
)


class _Mentions:
    """Metric mentions of one text per language, each language read at most once: deciding the language and then
    finding the metric often ask for the same ones."""

    def __init__(self, text: str, rules: RuleSet) -> None:
        self.text, self.rules = text, rules
        self._found: dict[str, list[MetricMention]] = {}

    def __call__(self, language: str) -> list[MetricMention]:
        found = self._found.get(language)
        if found is None:
            found = self._found[language] = _mentions(self.text, language, self.rules)
        return found


def _mentions(text: str, language: str, rules: RuleSet) -> list[MetricMention]:
    found = []
    for start, end, cid in rules.metric_matcher(language).finditer(text):
        c = rules.concepts[cid]
        found.append(MetricMention(c.id, c.level, c.stage, c.conversion, c.tags, start, end, text[start:end], language))
    return found


def find_metrics(text: str, language: str, rules: RuleSet, *, mentions: _Mentions | None = None) -> list[MetricMention]:
    """Metric mentions in the goal's language; other languages are tried when it names none (mixed texts)."""
    mentions = mentions or _Mentions(text, rules)
    found = mentions(language)
    if not found:
        for other in LANGUAGES:
            if other != language:
                found = mentions(other)
                if found:
                    break
    return found


def main_metric(mentions: list[MetricMention], text: str) -> MetricMention | None:
    """The first metric named, unless it is only the channel of a later one ("via the newsletter, get bookings")."""
    if not mentions:
        return None
    for i, m in enumerate(mentions):
        is_last = i == len(mentions) - 1
        if is_last or not _QUALIFIER_BEFORE.search(text[max(0, m.start - 20) : m.start]):
            return m
    return mentions[0]


def _platform(plain: str, rules: RuleSet) -> str | None:
    m = rules.platform_regex.search(plain)
    if m is None:
        return None
    return next((p for p in rules.phrases["platforms"] if p.lower() == m.group(0)), m.group(0))


def _language(plain: str, rules: RuleSet, mentions: _Mentions | None = None) -> str:
    """Word evidence first; when it leaves two languages close, each language's metric terms add their weight."""
    scores = language_scores(plain, rules.vocabulary, rules.letters)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] - ranked[1] < 1.0:
        mentions = mentions or _Mentions(plain, rules)
        for lang in LANGUAGES:
            scores[lang] += len(mentions(lang))
    return pick_language(scores)


def read_goal(
    text: str,
    rules: RuleSet,
    *,
    language: str | None = None,
    today: date | None = None,
    context: GoalContext | None = None,
) -> GoalFacts:
    """Everything the rules need to know about a goal text."""
    today = today or date.today()
    plain, mentions = normalise(text)
    metric_mentions = _Mentions(plain, rules)
    lang = language if language in LANGUAGES else _language(plain, rules, metric_mentions)
    deadlines = find_deadlines(plain, today)
    period, _ = find_period(plain)
    blocked = [(d.start, d.end) for d in deadlines]
    metrics = find_metrics(plain, lang, rules, mentions=metric_mentions)
    # Numbers inside a metric's own words ("cost per 1,000 impressions") are not targets.
    blocked += [(m.start, m.end) for m in metrics if "cost" in m.tags and any(ch.isdigit() for ch in m.matched)]
    targets = find_targets(plain, lang, blocked)
    facts = GoalFacts(
        text=plain,
        language=lang,
        today=today,
        metrics=metrics,
        metric=main_metric(metrics, plain),
        target=targets.target,
        baseline=targets.baseline,
        relative_pct=targets.relative_pct,
        multiplier=targets.multiplier,
        direction=targets.direction,
        deadline=max(deadlines, key=lambda d: d.due) if deadlines else None,
        period=period,
        platform=_platform(plain, rules),
        mentions=mentions,
        context=context or GoalContext(),
    )
    baseline_terms = rules.terms.get("baseline-reference")
    facts.baseline_reference = bool(baseline_terms and search_terms(baseline_terms, facts))
    return facts


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1024)
def _static_sentence(text: str) -> str:
    """Rule texts without fields are the same for every goal: capitalised once."""
    return _sentence(text)


def _smart(facts: GoalFacts) -> dict[str, bool | None]:
    metric = facts.metric
    achievable: bool | None = None
    if CHECKS["implausible-target"](facts):
        achievable = False
    elif facts.growth_factor is not None or (facts.target is not None and facts.baseline is not None):
        achievable = True
    return {
        "specific": metric is not None and "vague" not in metric.tags,
        "measurable": facts.has_target,
        "achievable": achievable,
        "relevant": metric is not None and metric.level in (4, 5),
        "time_bound": facts.deadline is not None,
    }


def assess(facts: GoalFacts, rules: RuleSet, original_text: str) -> Assessment:
    lang = facts.language
    metric = facts.metric
    concept = rules.concepts[metric.concept] if metric else None
    fired = [r for r in rules.rules if r.when(facts)]
    better = better_goal(facts, {r.id for r in fired}, rules)
    fields: dict[str, str] = {}

    def render(template: str) -> str:
        """A rule text in sentence case, with the goal's metric, level and better metric filled in where it asks."""
        if "{" not in template:
            return _static_sentence(template)
        if not fields:
            fields["metric"] = concept.label[lang] if concept else "?"
            fields["level"] = str(metric.level) if metric and metric.level else "?"
            fields["better"] = rules.concepts[better_concept(facts, rules)].label[lang]
        return _sentence(template.format_map(fields))

    findings = tuple(
        Finding(
            r.id,
            r.severity,
            r.title[lang],
            render(r.message[lang]),
            render(r.suggestion[lang]),
            render(r.rationale[lang]),
        )
        for r in fired
    )
    score = max(0, min(100, 100 - sum(PENALTY[f.severity] for f in findings)))
    target = facts.target
    return Assessment(
        text=original_text,
        language=lang,
        level=metric.level if metric else None,
        funnel_stage=metric.stage if metric else None,
        conversion=metric.conversion if metric else None,
        smart=_smart(facts),
        score=score,
        grade=grade_for(score),
        findings=findings,
        better_goal=better,
        metric=metric.concept if metric else None,
        metric_label=concept.label[lang] if concept else None,
        target=target.value if target else None,
        baseline=facts.baseline.value if facts.baseline else None,
        unit=(target.unit if target else None) or (facts.baseline.unit if facts.baseline else None),
        relative_change_pct=facts.relative_pct,
        multiplier=facts.multiplier,
        direction=facts.direction,
        deadline=facts.deadline.due if facts.deadline else None,
        deadline_phrase=facts.deadline.phrase if facts.deadline else None,
        period=facts.period,
        platform=facts.platform,
        mentions=facts.mentions,
    )


def grade_goal(
    text: str,
    *,
    language: str | None = None,
    today: date | None = None,
    context: GoalContext | None = None,
    rules: RuleSet | None = None,
) -> Assessment:
    """Grade one goal text. `language` overrides detection; `today` anchors relative deadlines."""
    rules = rules or default_ruleset()
    facts = read_goal(text, rules, language=language, today=today, context=context)
    return assess(facts, rules, text)
