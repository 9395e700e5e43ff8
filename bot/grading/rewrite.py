"""The better goal: the same intent rewritten on a level-4/5 metric with a number, a baseline and a deadline.

What the text gives is kept; what it lacks becomes a placeholder the person fills in ("[value today]"), so the
suggestion never invents a number.
"""

from __future__ import annotations

from .conditions import mentions_any
from .facts import GoalFacts
from .ruleset import RuleSet


def format_number(value: float, unit: str | None, language: str) -> str:
    """A number as the goal's language writes it: `1,200` in English, `1 200` and `1,5` in Swedish and bokmål."""
    if value == int(value):
        text = f"{int(value):,}".replace(",", "\u00a0" if language != "en" else ",")
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        if language != "en":
            text = text.replace(".", ",")
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}" if unit else text


def format_date(day, language: str, rules: RuleSet) -> str:
    months = rules.phrases["months"][language]
    pattern = rules.phrases["date_format"][language]
    return pattern.format(day=day.day, month=months[day.month - 1], year=day.year)


def better_concept(facts: GoalFacts, rules: RuleSet) -> str:
    """Keep a level-4/5 metric; otherwise propose orders for a shop and enquiries for everyone else."""
    metric = facts.metric
    if metric is not None:
        concept = rules.concepts[metric.concept]
        if concept.base and "cost" in concept.tags:
            return concept.base if rules.concepts[concept.base].level in (4, 5) else "enquiries"
        if concept.better:
            return concept.better
        if metric.level in (4, 5):
            return metric.concept
    shop = rules.terms.get("shop-context")
    return "orders" if shop and mentions_any(shop, facts) else "enquiries"


def better_goal(facts: GoalFacts, fired: set[str], rules: RuleSet) -> str:
    lang = facts.language
    words = rules.phrases["better_goal"][lang]
    holes = words["placeholders"]
    concept_id = better_concept(facts, rules)
    concept = rules.concepts[concept_id]
    metric = facts.metric
    kept = metric is not None and concept_id == metric.concept
    cost_goal = metric is not None and "cost" in metric.tags
    unit = facts.target.unit if facts.target else None

    baseline, target = holes["baseline"], holes["target"]
    if kept and facts.baseline is not None:
        baseline = format_number(facts.baseline.value, facts.baseline.unit or unit, lang)
    if kept and facts.target is not None:
        target = format_number(facts.target.value, unit, lang)
    elif kept and facts.relative_pct is not None:
        sign = "-" if facts.direction == "decrease" else "+"
        target = holes["relative"].format(sign=sign, pct=format_number(facts.relative_pct, None, lang))
    elif kept and facts.multiplier is not None:
        target = holes["relative"].format(sign="×", pct=format_number(facts.multiplier, None, lang)).replace(" %", "")

    clause = ""
    if cost_goal and facts.target is not None:
        cost_label = rules.concepts[metric.concept].label[lang]
        clause = words["keep_cost"].format(cost=cost_label, value=format_number(facts.target.value, unit, lang))
    elif "micro-as-main" in fired:
        macro = "orders" if mentions_any(rules.terms["shop-context"], facts) else "enquiries"
        clause = words["support_macro"].format(macro=rules.concepts[macro].label[lang])
    template = "decrease" if kept and facts.direction == "decrease" and not cost_goal else "increase"
    period = words["periods"].get(facts.period, "") if facts.period else ""
    if not period and not kept:
        period = words["periods"]["month"]
    deadline = format_date(facts.deadline.due, lang, rules) if facts.deadline else holes["deadline"]
    source = words["source"].format(platform=facts.platform) if facts.platform else ""
    return words[template].format(
        metric=concept.label[lang],
        source=source,
        baseline=baseline,
        target=target,
        period=period,
        deadline=deadline,
        clause=clause,
    )
