"""The better goal: the goal's own metric, numbers and direction, with what it lacks as placeholders.

The goal's metric is kept (in the words the person used) unless a finding says it should change — a level-1–3
metric, a single contact channel, a rate, a cost on its own — and then the rule that asked is named beside the new
metric. What the text gives is kept; what it lacks becomes a placeholder ("[value today]"), so the suggestion never
invents a number. A text with no goal in it gets a goal to fill in, not an invented one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from typing import NamedTuple

from .facts import GoalFacts, MetricMention
from .ruleset import Rule, RuleSet
from .tokens import Token

_SWITCHES = ("other-metric", "base-metric")


class Rewrite(NamedTuple):
    text: str
    metric: str | None  # the concept the better goal is about
    replaces: str | None = None  # the goal's own concept, when the better goal proposes another
    because: str | None = None  # the rule that asked for the other metric


def format_number(value: float, unit: str | None, language: str) -> str:
    """A number as the goal's language writes it: `1,200` in English, `1 200` and `1,5` in Swedish and bokmål."""
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}".replace(",", "\u00a0" if language != "en" else ",")
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        if language != "en":
            text = text.replace(".", ",")
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}" if unit else text


def format_date(day: date, language: str, rules: RuleSet) -> str:
    months = rules.phrases["months"][language]
    pattern = rules.phrases["date_format"][language]
    return pattern.format(day=day.day, month=months[day.month - 1], year=day.year)


def default_concept(facts: GoalFacts) -> str:
    """Orders for a shop, enquiries for everyone else."""
    return "orders" if facts.said("shop-context") else "enquiries"


def better_concept(facts: GoalFacts, fired: list[Rule], rules: RuleSet) -> tuple[str | None, Rule | None]:
    """The concept the better goal is about, and the rule that asked for it when it is not the goal's own."""
    metric = facts.metric
    if not facts.has_goal:
        return None, None
    switch = next((r for r in fired if r.rewrite in _SWITCHES), None)
    if metric is not None and switch is None:
        return metric.concept, None
    if switch is None:
        return default_concept(facts), None
    concept = rules.concepts[metric.concept] if metric else None
    if concept is not None and switch.rewrite == "base-metric" and concept.base:
        base = rules.concepts[concept.base]
        return (base.id if base.level in (4, 5) else default_concept(facts)), switch
    if concept is not None and concept.instead:
        return concept.instead, switch
    return default_concept(facts), switch


def spoken_metric(tokens: Sequence[Token], text: str, language: str, metric: MetricMention, rules: RuleSet) -> str:
    """The metric in the person's own words, spelled as the lexicon spells them (typos corrected, å/ä/ö/æ/ø put
    back, abbreviations in capitals); the lexicon's label when the words are of another language or implied. The
    coach writes its drafts with it too (``readers.TextReader.spoken``), so both say a metric the same way."""
    if metric.language != language or metric.end <= metric.start:
        return rules.concepts[metric.concept].label[language]
    abbreviations = rules.lexicon.abbreviations

    def spelled(word: str) -> str:
        if word in abbreviations:
            return abbreviations[word]
        if word.endswith("s") and word[:-1] in abbreviations:  # "mqls"
            return abbreviations[word[:-1]] + "s"
        return word

    words = tokens[metric.start : metric.end]
    parts = [spelled(words[0].read)]
    for before, token in pairwise(words):
        parts.append(text[before.end : token.start] + spelled(token.read))
    said = "".join(parts)
    label = rules.concepts[metric.concept].label[language]
    named = label[label.rfind("(") + 1 : -1] if label.endswith(")") else ""  # "kostnad per ny kund (CAC)"
    if named and "," not in named and named.lower() not in said.lower():
        said += f" ({named})"  # the name people will look it up by, beside their own words
    return said


def better_goal(facts: GoalFacts, fired: list[Rule], rules: RuleSet) -> Rewrite:
    lang = facts.language
    words = rules.phrases["better_goal"][lang]
    holes = words["placeholders"]
    deadline = holes["deadline"]
    if facts.deadline is not None and facts.deadline.due >= facts.today:
        deadline = format_date(facts.deadline.due, lang, rules)
    concept_id, because = better_concept(facts, fired, rules)
    if concept_id is None:
        return Rewrite(words["ask"].format(deadline=deadline), None)
    concept = rules.concepts[concept_id]
    metric = facts.metric
    kept = metric is not None and concept_id == metric.concept
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
    if metric is not None and not kept and because is not None and because.rewrite == "base-metric":
        if facts.target is not None:
            cost = rules.concepts[metric.concept].label[lang]
            clause = words["keep_cost"].format(cost=cost, value=format_number(facts.target.value, unit, lang))
    elif any(r.rewrite == "support-macro" for r in fired):
        clause = words["support_macro"].format(macro=rules.concepts[default_concept(facts)].label[lang])
    if kept:
        direction = facts.direction or ("decrease" if concept.polarity == "lower" else "increase")
        name = spoken_metric(facts.tokens, facts.text, lang, metric, rules)  # type: ignore[arg-type]
    else:
        direction = "decrease" if concept.polarity == "lower" else "increase"
        name = concept.label[lang]
    period = words["periods"].get(facts.period, "") if facts.period else ""
    source = words["source"].format(platform=facts.platform) if facts.platform else ""
    text = words[direction].format(
        metric=name, source=source, baseline=baseline, target=target, period=period, deadline=deadline, clause=clause
    )
    return Rewrite(
        text, concept_id, None if kept or metric is None else metric.concept, because.id if because else None
    )
