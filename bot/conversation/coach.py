"""One turn of the coaching dialogue: read the reply, merge it into the draft, grade again, ask the next question.

Pure: state and text in, new state and a Reply out. The Reply is plain data (scores before and after, findings gone
and new, the question to ask or the finished goal); the Slack layer decides how it looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.grading import Assessment, Finding, GoalContext, RuleSet, default_ruleset, grade_goal
from bot.grading.normalise import normalise
from bot.grading.readers import TextReader

from .answers import Answer, parse_answer, read_command
from .phrasing import compose_goal
from .questions import is_finished, next_question
from .state import CoachState, Draft

# Words that make a message a goal even when the grader finds no metric in it ("be better at marketing").
_GOAL_WORDS = re.compile(
    r"(?<!\w)(?:increase|grow|more|better|improve|boost|raise|reduce|lower|double|goal|target|kpi|öka|fler|mer|"
    r"bättre|förbättra|höja|minska|sänka|fördubbla|mål|målet|øke|flere|bedre|forbedre|heve|redusere|senke|doble)(?!\w)"
)
# Clauses of the first text the grader counts on that no draft field holds, kept when the sentence is rewritten.
_KEPT_TERMS = ("baseline-reference", "macro-link", "frequency", "after-click", "action-plan", "local-benchmark")
_CLAUSE_END = re.compile(r"[,.;!?]| and | och | og ")


@dataclass(frozen=True)
class Reply:
    """What the coach says this turn, as data.

    kind: ``intro`` (not a goal), ``critique`` (first grade), ``progress`` (an answer merged), ``finished`` (nothing
    essential missing), ``why`` (the rationale of the current finding), ``fresh`` (``new``), ``save``,
    ``unclear`` (a reply we could not read: the question again).
    """

    kind: str
    language: str
    goal: str | None = None
    score_before: int | None = None
    score_after: int | None = None
    assessment: Assessment | None = None
    gone: tuple[Finding, ...] = ()
    added: tuple[Finding, ...] = ()
    question: str | None = None
    focus: Finding | None = None
    changed: tuple[str, ...] = ()


def grade_draft(draft: Draft, language: str | None, *, today: date, rules: RuleSet) -> Assessment:
    """The draft as a discussed KPI: its owner and plan count, so a goal nobody owns is a finding."""
    context = GoalContext(stored=True, owner=draft.owner, action_plan=draft.plan)
    return grade_goal(draft.text, language=language, today=today, context=context, rules=rules)


def looks_like_goal(text: str, assessment: Assessment) -> bool:
    """A metric, a number or a goal word: anything else ("hi", "thanks", a date alone such as "by June") gets the
    introduction, since a date with nothing to reach by it is no goal to critique."""
    if assessment.metric or assessment.target is not None:
        return True
    if assessment.relative_change_pct is not None or assessment.multiplier is not None:
        return True
    return bool(_GOAL_WORDS.search(normalise(text)[0]))


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
        elif clause and clause not in kept:
            kept.append(clause)
    return tuple(kept), baseline


def draft_from_goal(text: str, a: Assessment, rules: RuleSet, today: date) -> Draft:
    """The first text as draft fields; the text itself stays the draft's sentence until an answer changes one."""
    plain, mentions = normalise(text)
    reader = TextReader(plain, rules, a.language)
    deadlines = reader.deadlines(today)
    subject = plain
    for d in sorted(deadlines, key=lambda d: -d.start):
        subject = (subject[: d.start] + subject[d.end :]).strip()
    subject = re.sub(r"\s+", " ", subject)
    kept, said_baseline = _kept_clauses(reader, rules, [d.start for d in deadlines])
    relative, direction = _relative(a)
    others = [m.concept for m in reader.metrics() if m.concept != a.metric]
    scope = tuple(dict.fromkeys(c for c in others if rules.concepts[c].level in (4, 5)))
    return Draft(
        text=text.strip(),
        subject=subject[:1].upper() + subject[1:],
        metric=a.metric,
        direction=direction,
        target=a.target,
        baseline=a.baseline if a.baseline is not None else said_baseline,
        unit=a.unit,
        relative_pct=relative if a.target is None else None,
        deadline=a.deadline,
        period=a.period,
        platform=a.platform,
        owner=mentions[0] if mentions else None,
        scope=scope,
        keep=kept,
    )


def merge_answer(draft: Draft, answer: Answer, language: str, rules: RuleSet) -> tuple[Draft, tuple[str, ...]]:
    """The draft with the answer's fields written in, and the names of the fields that changed."""
    changes: dict[str, object] = {}
    if answer.metric and answer.metric != draft.metric:
        changes["metric"] = answer.metric
        old_level = rules.concepts[draft.metric].level if draft.metric else None
        if old_level != rules.concepts[answer.metric].level:
            # 500 likes are not 500 bookings: numbers counted in the old metric no longer hold.
            changes.update(target=None, baseline=None, unit=None)
        changes["scope"] = tuple(c for c in draft.scope if c != answer.metric)
    if answer.scope:
        current = changes.get("metric", draft.metric)
        base = changes.get("scope", draft.scope)
        added = tuple(c for c in answer.scope if c not in base and c != current)
        if added:
            changes["scope"] = (*base, *added)
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
    changed = tuple(k for k, v in changes.items() if getattr(draft, k) != v)
    if not changed:
        return draft, ()
    merged = draft.with_changes(**changes)
    return merged.with_changes(text=compose_goal(merged, language, rules)), changed


def _graded_reply(
    kind: str, state: CoachState, draft: Draft, a: Assessment, previous: Assessment | None, changed: tuple[str, ...]
) -> tuple[CoachState, Reply]:
    finished = is_finished(a)
    picked = next_question(a)
    question, focus = picked if picked else (None, None)
    if finished and kind != "critique":
        kind = "finished"
    if finished and question != "plan":
        question, focus = None, None
    before = {f.rule for f in previous.findings} if previous else set()
    after = {f.rule for f in a.findings}
    reply = Reply(
        kind=kind,
        language=state.language or a.language,
        goal=draft.text,
        score_before=previous.score if previous else None,
        score_after=a.score,
        assessment=a,
        gone=tuple(f for f in previous.findings if f.rule not in after) if previous else (),
        added=tuple(f for f in a.findings if f.rule not in before) if previous else (),
        question=question,
        focus=focus,
        changed=changed,
    )
    new_state = state.with_changes(
        draft=draft,
        score=a.score,
        findings=tuple(f.rule for f in a.findings),
        pending=question,
        focus=focus.rule if focus else None,
        turns=state.turns + 1,
        history=(*state.history, a.score),
    )
    return new_state, reply


def _start(text: str, *, today: date, rules: RuleSet, language: str | None) -> tuple[CoachState, Reply]:
    first = grade_goal(text, today=today, rules=rules)
    if not looks_like_goal(text, first):
        return CoachState(), Reply(kind="intro", language=language or first.language)
    lang = first.language
    draft = draft_from_goal(text, first, rules, today)
    a = grade_draft(draft, lang, today=today, rules=rules)
    return _graded_reply("critique", CoachState(language=lang), draft, a, None, ())


def coach_turn(
    state: CoachState,
    text: str,
    *,
    today: date,
    sender: str | None = None,
    rules: RuleSet | None = None,
    fallback_language: str | None = None,
) -> tuple[CoachState, Reply]:
    """Answer one message of the thread. ``sender`` is who wrote it ("owner: me"); ``fallback_language`` is used
    for the introduction when nothing in the text says which language to answer in."""
    rules = rules or default_ruleset()
    if not state.started or state.draft is None:
        command, goal = read_command(text)
        if command == "new" and goal:
            return _start(goal, today=today, rules=rules, language=fallback_language)
        if command:
            return state, Reply(kind="intro", language=state.language or fallback_language or "en")
        return _start(text, today=today, rules=rules, language=fallback_language)
    lang = state.language or "en"
    draft = state.draft
    current = grade_draft(draft, lang, today=today, rules=rules)
    answer = parse_answer(
        text,
        language=lang,
        today=today,
        rules=rules,
        current_metric=draft.metric,
        pending=state.pending,
        sender=sender,
    )
    if answer.command == "new":
        if answer.goal:
            return _start(answer.goal, today=today, rules=rules, language=lang)
        return CoachState(language=lang), Reply(kind="fresh", language=lang)
    if answer.command == "why":
        focus = next((f for f in current.findings if f.rule == state.focus), None)
        return state, Reply(
            kind="why", language=lang, goal=draft.text, assessment=current, question=state.pending, focus=focus
        )
    if answer.command == "save":
        return state, Reply(kind="save", language=lang, goal=draft.text, assessment=current, score_after=current.score)
    if answer.command == "help":
        return state, _repeat(state, lang, draft, current, kind="intro")
    merged, changed = merge_answer(draft, answer, lang, rules)
    if not changed:
        return state, _repeat(state, lang, draft, current, kind="unclear")
    graded = grade_draft(merged, lang, today=today, rules=rules)
    return _graded_reply("progress", state, merged, graded, current, changed)


def _repeat(state: CoachState, lang: str, draft: Draft, current: Assessment, *, kind: str) -> Reply:
    focus = next((f for f in current.findings if f.rule == state.focus), None)
    return Reply(
        kind=kind,
        language=lang,
        goal=draft.text,
        score_after=current.score,
        assessment=current,
        question=state.pending,
        focus=focus,
    )


def mark_saved(state: CoachState, number: int) -> CoachState:
    """Remember that the draft became KPI ``number`` (the Slack layer saves it; the dialogue only records it)."""
    return state.with_changes(saved_as=number)
