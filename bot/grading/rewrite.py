"""The better goal: the goal's own metric, numbers and direction, with what it lacks as placeholders.

The goal's metric is kept (in the words the person used) unless a finding says it should change — a level-1–3
metric, a single contact channel, a rate, a cost on its own — and then the rule that asked is named beside the new
metric. What the text gives is kept; what it lacks becomes a placeholder ("[value today]"), so the suggestion never
invents a number. A text with no goal in it gets a goal to fill in, not an invented one.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import NamedTuple

from .facts import GoalFacts, MetricMention
from .ruleset import Rule, RuleSet

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


# Cue lists whose words end the noun phrase a metric is named with (verbs, prepositions, numbers' cues, dates).
_BOUNDS = ("phrase-bounds", "increase", "decrease", "improve", "reach", "target-before", "from", "to", "channel")
_BOUNDS += ("past", "baseline-before", "relative-before", "clause-break", "approximately", "counted-sold")
_EXTRA_WORDS = 3  # at most this many of the person's words on each side of the metric's own


def _stops(facts: GoalFacts) -> set[int]:
    stops = {
        i
        for name, found in facts.cues.items()
        if name in _BOUNDS or name.startswith(("date:", "season:", "period:"))
        for f in found
        for i in range(f.start, f.end)
    }
    if facts.deadline is not None:
        stops.update(range(facts.deadline.start, facts.deadline.end))
    return stops


def _noun_phrase(facts: GoalFacts, start: int, end: int) -> tuple[int, int]:
    """The person's words around a metric's own: "summer ticket sales" → "ticket sales" (a season is a date word),
    "beställningar av måttsydda kostymer" (a linking word and what follows it)."""
    tokens, stops = facts.tokens, _stops(facts)
    links = {i for f in facts.cues.get("phrase-links", ()) for i in range(f.start, f.end)}

    def free(i: int) -> bool:
        return 0 <= i < len(tokens) and tokens[i].kind == "word" and i not in stops and i not in links

    first = start
    while start - first < _EXTRA_WORDS and free(first - 1):
        first -= 1
    last = end
    while last - end < _EXTRA_WORDS and (free(last) or (last in links and free(last + 1))):
        last += 2 if last in links else 1
    return first, last


def _words(facts: GoalFacts, start: int, end: int, rules: RuleSet) -> str:
    """tokens[start:end] as the person wrote them, spelled as the lexicon spells them (typos corrected, å/ä/ö/æ/ø
    put back, abbreviations in capitals)."""
    abbreviations = rules.lexicon.abbreviations

    def spelled(word: str) -> str:
        if word in abbreviations:
            return abbreviations[word]
        if word.endswith("s") and word[:-1] in abbreviations:  # "mqls"
            return abbreviations[word[:-1]] + "s"
        return word

    tokens = facts.tokens[start:end]
    parts = [spelled(tokens[0].read)]
    for before, token in pairwise(tokens):
        parts.append(facts.text[before.end : token.start] + spelled(token.read))
    return "".join(parts)


def _spoken(facts: GoalFacts, metric: MetricMention, rules: RuleSet) -> str:
    """The metric in the person's own words; the lexicon's label when the words are of another language or implied.
    A metric said with a verb ("sälja 900 presentkort") is named by what the target counts ("sålda presentkort")."""
    if metric.language != facts.language or metric.end <= metric.start:
        return rules.concepts[metric.concept].label[facts.language]
    target = facts.target
    sold = any(f.start < metric.end and f.end > metric.start for f in facts.cues.get("counted-sold", ()))
    if sold and target is not None:
        _, last = _noun_phrase(facts, target.end, target.end)
        if last > target.end:
            noun = _words(facts, target.end, last, rules)
            return rules.phrases["better_goal"][facts.language]["sold"].format(noun=noun)
    said = _words(facts, *_noun_phrase(facts, metric.start, metric.end), rules)
    label = rules.concepts[metric.concept].label[facts.language]
    named = label[label.rfind("(") + 1 : -1] if label.endswith(")") else ""  # "kostnad per ny kund (CAC)"
    if named and "," not in named and named.lower() not in said.lower():
        said += f" ({named})"  # the name people will look it up by, beside their own words
    return said


def spoken_metric(facts: GoalFacts, metric: MetricMention, rules: RuleSet) -> str:
    """The metric in the person's own words, as the better goal writes it. The coach writes its drafts with it too
    (``readers.TextReader.spoken``), so both say a metric the same way."""
    return _spoken(facts, metric, rules)


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
        name = _spoken(facts, metric, rules)  # type: ignore[arg-type]
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
