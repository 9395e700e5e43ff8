"""Grading a proposed KPI goal: the heart every surface (CLI, /kpi check, the coach, check-ins) calls.

Pure: text in, Assessment out. No Slack, no database, no clock unless `today` is left to default.
"""

from __future__ import annotations

from datetime import date

from .assessment import PENALTY, Assessment, Finding, grade_for
from .conditions import CHECKS
from .facts import GoalContext, GoalFacts
from .reading import read_goal
from .rewrite import better_goal
from .ruleset import Rule, RuleSet, default_ruleset


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finding(rules: RuleSet, rule: Rule, lang: str, metric: str, level: str, better: str) -> Finding:
    """A rule's finding in the goal's language with its metric, level and better metric filled in: the same few
    combinations come back for goal after goal, so each is written once."""
    key = (rule.id, lang, metric, level, better)
    known = rules.findings.get(key)
    if known is None:
        if len(rules.findings) > 10_000:
            rules.findings.clear()
        known = rules.findings[key] = _write_finding(rule, lang, metric, level, better)
    return known


def _write_finding(rule: Rule, lang: str, metric: str, level: str, better: str) -> Finding:
    def render(template: str) -> str:
        return _sentence(template.format(metric=metric, level=level, better=better) if "{" in template else template)

    return Finding(
        rule.id,
        rule.severity,
        rule.title[lang],
        render(rule.message[lang]),
        render(rule.suggestion[lang]),
        render(rule.rationale[lang]),
    )


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
    better = better_goal(facts, fired, rules)
    better_label = rules.concepts[better.metric].label[lang] if better.metric else "?"
    fields = (
        concept.label[lang] if concept else "?",
        str(metric.level) if metric and metric.level else "?",
        better_label,
    )
    findings = tuple(_finding(rules, r, lang, *fields) for r in fired)
    score = max(0, min(100, 100 - sum(PENALTY[f.severity] for f in findings)))
    note = None
    if better.replaces and better.because and better.metric:
        reason = next(f.title for f in findings if f.rule == better.because)
        note = _sentence(
            rules.phrases["better_goal"][lang]["instead"].format(
                new=better_label, old=rules.concepts[better.replaces].label[lang], reason=reason.lower()
            )
        )
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
        better_goal=better.text,
        better_metric=better.metric,
        better_replaces=better.replaces,
        better_because=better.because,
        better_goal_note=note,
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
        graded_text=facts.text if facts.left_out else None,
        left_out_chars=facts.left_out,
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
    facts = read_goal(text, rules.lexicon, language=language, today=today, context=context)
    return assess(facts, rules, text)
