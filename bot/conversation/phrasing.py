"""Writing the draft goal as one natural sentence in the conversation's language.

Each answer changes a field of the draft; the sentence is then written again from every field, in the same shape
as the grader's better goal ("Increase bookings from 120 to 150 per month by 30 June 2027, owner @anna"), so the
grader reads back exactly what the person told us. Numbers and dates are written by the grader's own helpers. The
metric is written in the person's own words when the grader reads those words as the same metric, else with the
lexicon's label; a value today without a target is written "from today's 120", which the grader reads as a
baseline (a bare "from 120" would read as a number to reach).
"""

from __future__ import annotations

from bot.grading import RuleSet
from bot.grading.normalise import normalise
from bot.grading.readers import TextReader
from bot.grading.rewrite import format_date, format_number

from .state import Draft

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "increase": "Increase",
        "decrease": "Reduce",
        "from_to": "from {baseline} to {target}",
        "to": "to {target}",
        "from": "from {baseline}",
        "from_today": "from today's {baseline}",
        "by_pct": "by {pct}",
        "deadline": "by {date}",
        "owner": "owner {owner}",
        "scope": "including {channels}",
        "and": "and",
    },
    "sv": {
        "increase": "Öka",
        "decrease": "Minska",
        "from_to": "från {baseline} till {target}",
        "to": "till {target}",
        "from": "från {baseline}",
        "from_today": "från dagens {baseline}",
        "by_pct": "med {pct}",
        "deadline": "senast {date}",
        "owner": "ansvarig {owner}",
        "scope": "inklusive {channels}",
        "and": "och",
    },
    "nb": {
        "increase": "Øke",
        "decrease": "Redusere",
        "from_to": "fra {baseline} til {target}",
        "to": "til {target}",
        "from": "fra {baseline}",
        "from_today": "fra dagens {baseline}",
        "by_pct": "med {pct}",
        "deadline": "innen {date}",
        "owner": "ansvarlig {owner}",
        "scope": "inkludert {channels}",
        "and": "og",
    },
}


def _listing(items: list[str], language: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_WORDS[language]['and']} {items[-1]}"


def owner_reference(owner: str) -> str:
    """A Slack user id as a mention (``<@U123>``) so the grader and the Save modal know the owner; a name as is."""
    return f"<@{owner}>" if owner[:1] in ("U", "W") and owner.isalnum() and owner.isupper() else owner


def metric_name(draft: Draft, language: str, rules: RuleSet) -> str:
    """The draft's metric as the sentence names it: the person's words when they read as the same metric."""
    assert draft.metric is not None
    words = draft.metric_words
    if words:
        said = TextReader(normalise(words)[0], rules, language).metrics()
        if said and said[0].concept == draft.metric:
            return words
    return rules.concepts[draft.metric].label[language]


def compose_goal(draft: Draft, language: str, rules: RuleSet) -> str:
    """The draft as one sentence; without a metric the person's own words stay the subject of the sentence."""
    words = _WORDS[language]
    number_unit = draft.unit if draft.unit != "%" or draft.target is not None else None
    baseline = format_number(draft.baseline, number_unit, language) if draft.baseline is not None else None
    target = draft.target
    if target is None and draft.relative_pct is not None and draft.baseline is not None:
        sign = -1 if draft.direction == "decrease" else 1
        target = round(draft.baseline * (1 + sign * draft.relative_pct / 100), 2)
    parts: list[str] = []
    if draft.metric is not None:
        label = metric_name(draft, language, rules)
        source = rules.phrases["better_goal"][language]["source"].format(platform=draft.platform)
        parts.append(f"{words[draft.direction]} {label}{source if draft.platform else ''}")
    else:
        parts.append(draft.subject.rstrip(" .!"))
    said_already = (
        draft.metric is None and target is not None and format_number(target, None, language) in draft.subject
    )
    if target is not None and not said_already:
        shown = format_number(target, draft.unit, language)
        parts.append(words["from_to" if baseline else "to"].format(baseline=baseline, target=shown))
    elif draft.relative_pct is not None:
        if baseline:
            parts.append(words["from"].format(baseline=baseline))
        parts.append(words["by_pct"].format(pct=format_number(draft.relative_pct, "%", language)))
    elif baseline and draft.metric is not None:
        parts.append(words["from_today"].format(baseline=baseline))
    if draft.period and draft.metric is not None:
        parts.append(rules.phrases["better_goal"][language]["periods"][draft.period].strip())
    if draft.deadline is not None:
        parts.append(words["deadline"].format(date=format_date(draft.deadline, language, rules)))
    sentence = " ".join(parts)
    clauses = list(draft.keep)
    if draft.scope:
        labels = [rules.concepts[c].label[language] for c in draft.scope]
        clauses.append(words["scope"].format(channels=_listing(labels, language)))
    if draft.owner:
        clauses.append(words["owner"].format(owner=draft.owner_name or owner_reference(draft.owner)))
    return ", ".join([sentence, *clauses])
