"""From text to draft fields: the first message read into a draft, and each answer merged into it.

A long first message is not a goal: it is read for the one sentence that states the goal (``TextReader.
goal_sentence``), and from that sentence only what is clearly said becomes a field — a target with words that make it
one, a deadline with "by"/"senast"/"innen" or a date — so "i sex år nu" never becomes a deadline and "300 kunder om
dagen på sommaren" never a target. The rest of the message is left out and the coach asks for what it needs.
"""

from __future__ import annotations

import re
from datetime import date

from bot.grading import Assessment, RuleSet
from bot.grading.normalise import normalise
from bot.grading.readers import TextReader
from bot.grading.reading import LONG_MESSAGE_CHARS

from .answers import Answer, cued_plan, original_words
from .phrasing import compose_goal
from .state import Draft

# Clauses of the first text the grader counts on that no draft field holds, kept when the sentence is rewritten.
_KEPT_TERMS = ("baseline-reference", "macro-link", "frequency", "after-click", "action-plan", "local-benchmark")
_CLAUSE_END = re.compile(r"[,.;!?]| and | och | og ")
_CLEAR_DEADLINE = ("by", "before", "end")  # prepositions that make a date a deadline rather than a time
_NUMBER_FIELDS = ("target", "baseline", "unit", "relative_pct")


def is_long(text: str) -> bool:
    """A message the grader would only grade in part (``reading.LONG_MESSAGE_CHARS``): more than a goal."""
    return len(normalise(text)[0]) > LONG_MESSAGE_CHARS


def goal_sentence(text: str, rules: RuleSet, language: str | None) -> str | None:
    """The sentence of a long message that states the goal, as the person wrote it; None when none asks for
    anything (the message then gets the introduction)."""
    plain, _ = normalise(text)
    span = TextReader(plain, rules, language).goal_sentence()
    return original_words(text, plain, span) if span else None


def _relative(a: Assessment) -> tuple[float | None, str]:
    if a.relative_change_pct is not None:
        return a.relative_change_pct, a.direction or "increase"
    if a.multiplier is not None:
        if a.multiplier >= 1:
            return round((a.multiplier - 1) * 100, 2), "increase"
        return round((1 - a.multiplier) * 100, 2), "decrease"
    return None, a.direction or "increase"


def _kept_clauses(reader: TextReader, rules: RuleSet, cut_at: list[int]) -> tuple[tuple[str, ...], float | None]:
    """Clauses like "compared with last year" to carry over, and a value-today number said in passing."""
    plain = reader.plain
    kept: list[str] = []
    baseline: float | None = None
    for name in _KEPT_TERMS:
        span = reader.said(name)
        if span is None:
            continue
        first, last = span
        end = _CLAUSE_END.search(plain, last)
        stop = min([end.start() if end else len(plain), *[c for c in cut_at if c > first]])
        clause = plain[first : max(stop, last)].strip()
        numbers = TextReader(clause, rules, "en").numbers()
        if name == "baseline-reference" and numbers:
            baseline = numbers[0].value
        elif clause and clause not in kept and name != "action-plan":
            kept.append(clause)
    return tuple(kept), baseline


def _clear_deadline(phrase: str | None, rules: RuleSet) -> bool:
    """A deadline said as one: a date, or a month or season after "by", "before" or "at the end of"."""
    if not phrase:
        return False
    if any(c.isdigit() for c in phrase):
        return True
    preps = rules.lexicon.dates.prepositions
    words = " " + normalise(phrase)[0]
    return any(words.startswith(f" {p} ") for role in _CLEAR_DEADLINE for p in preps.get(role, ()))


def draft_from_goal(text: str, a: Assessment, rules: RuleSet, today: date, *, strict: bool = False) -> Draft:
    """The first text as draft fields; the text itself stays the draft's sentence until an answer changes one.
    ``strict`` (a sentence taken out of a long message): only a target and a deadline said as such are kept. A plan
    in the text ("om det släpar efter …") is the plan, and its dates are not the deadline."""
    plain, mentions = normalise(text)
    reader = TextReader(plain, rules, a.language)
    plan = cued_plan(reader)
    deadlines = reader.deadlines(today, [plan] if plan else ())
    subject = plain[: plan[0]] if plan else plain
    for d in sorted(deadlines, key=lambda d: -d.start):
        subject = (subject[: d.start] + subject[d.end :]).strip()
    subject = re.sub(r"\s+", " ", subject).strip(" ,;")
    kept, said_baseline = _kept_clauses(reader, rules, [d.start for d in deadlines])
    relative, direction = _relative(a)
    others = [m.concept for m in reader.metrics() if m.concept != a.metric]
    scope = tuple(dict.fromkeys(c for c in others if rules.concepts[c].level in (4, 5)))
    main = next((m for m in reader.metrics() if m.concept == a.metric), None)
    target = a.target
    deadline = max((d.due for d in deadlines), default=None) if plan else a.deadline
    if strict:
        target = target if reader.targets().target_cued else None
        deadline = deadline if _clear_deadline(a.deadline_phrase, rules) else None
    return Draft(
        text=text.strip() if not plan else compose_subject(text, plain, plan),
        subject=subject[:1].upper() + subject[1:],
        metric=a.metric,
        metric_words=reader.spoken(main) if main else None,
        direction=direction,
        target=target,
        baseline=a.baseline if a.baseline is not None else said_baseline,
        unit=a.unit,
        relative_pct=relative if a.target is None else None,
        deadline=deadline,
        period=a.period,
        platform=a.platform,
        owner=mentions[0] if mentions else None,
        plan=original_words(text, plain, plan) if plan else None,
        scope=scope,
        keep=kept,
    )


def compose_subject(text: str, plain: str, plan: tuple[int, int]) -> str:
    """The first text without its plan: the plan is kept as the plan, not graded as part of the goal."""
    return original_words(text, plain, (0, plan[0])).rstrip(" ,;.") if plan[0] else text.strip()


def merge_answer(
    draft: Draft, answer: Answer, language: str, rules: RuleSet
) -> tuple[Draft, tuple[str, ...], tuple[str, ...]]:
    """The draft with the answer's fields written in, the names of the fields that changed, and the numbers a new
    metric set aside (500 likes are not 500 bookings: numbers counted in a metric of another level no longer hold,
    unless the answer gives new ones)."""
    changes: dict[str, object] = {}
    cleared: tuple[str, ...] = ()
    if answer.metric and answer.metric != draft.metric:
        changes.update(metric=answer.metric, metric_words=answer.metric_words)
        old_level = rules.concepts[draft.metric].level if draft.metric else None
        gives_numbers = any(v is not None for v in (answer.target, answer.baseline, answer.relative_pct))
        if old_level != rules.concepts[answer.metric].level and not gives_numbers:
            cleared = tuple(f for f in ("target", "baseline", "relative_pct") if getattr(draft, f) is not None)
            changes.update(target=None, baseline=None, unit=None, relative_pct=None)
        changes["scope"] = tuple(c for c in draft.scope if c != answer.metric)
    if answer.scope:
        current = changes.get("metric", draft.metric)
        base = changes.get("scope", draft.scope)
        added = tuple(c for c in answer.scope if c not in base and c != current)  # type: ignore[union-attr]
        if added:
            changes["scope"] = (*base, *added)  # type: ignore[misc]
    if answer.baseline is not None:
        changes["baseline"] = answer.baseline
    if answer.target is not None:
        changes.update(target=answer.target, relative_pct=None)
    if answer.relative_pct is not None and answer.target is None:
        changes.update(relative_pct=answer.relative_pct, target=None)
    if answer.unit and (answer.target is not None or answer.baseline is not None):
        changes["unit"] = answer.unit
    if answer.direction and (answer.target is not None or answer.relative_pct is not None):
        changes["direction"] = answer.direction
    for name in ("deadline", "period", "owner", "plan"):
        value = getattr(answer, name)
        if value is not None:
            changes[name] = value
    if answer.owner is not None:
        changes["owner_name"] = answer.owner_name
    merged = draft.with_changes(**changes)
    if merged.target is not None and merged.baseline is not None and merged.target != merged.baseline:
        # The numbers decide which way the goal goes (the grader reads them so); the reply says when they turned it.
        merged = merged.with_changes(direction="decrease" if merged.target < merged.baseline else "increase")
    changed = tuple(k for k in (*changes, "direction") if k != "owner_name" and getattr(draft, k) != getattr(merged, k))
    changed = tuple(dict.fromkeys(changed))
    if not changed:
        return draft, (), ()
    return merged.with_changes(text=compose_goal(merged, language, rules)), changed, cleared
