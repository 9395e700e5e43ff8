"""One turn of the coaching dialogue: read the reply, merge it into the draft, grade again, ask the next question.

Pure: state and text in, new state and a Reply out. The Reply is plain data (scores before and after, findings gone
and new, the question to ask or the finished goal, what was missing or left out); the Slack layer decides how it
looks. Two things need the world outside and are asked for instead of guessed: a plain name is looked up among the
workspace's members (a ``lookup`` reply: the caller fetches them and runs the turn again with ``people``), and a
save is done by the caller (a ``save`` reply), which then records the KPI's number with ``mark_saved``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.grading import Assessment, Finding, GoalContext, RuleSet, default_ruleset, grade_goal
from bot.grading.normalise import normalise
from bot.grading.readers import TextReader

from .answers import Answer, parse_answer, read_command
from .drafting import draft_from_goal, goal_sentence, is_long, merge_answer
from .people import CANDIDATES_SHOWN, Directory, known_words
from .questions import is_finished, missing, next_question
from .state import CoachState, Draft

MISSES_BEFORE_WAY_OUT = 2  # after this many replies in a row we could not read, offer skip / new / save
BUTTON_COMMANDS = frozenset({"save", "save-anyway", "keep-going", "skip", "new"})
OWNER_BUTTON = "owner:"


@dataclass(frozen=True)
class Reply:
    """What the coach says this turn, as data.

    kind: ``intro`` (not a goal), ``critique`` (first grade), ``progress`` (an answer merged), ``finished`` (no
    question left), ``why`` (the rationale of the current finding), ``fresh`` (``new``), ``save`` (save the draft
    now), ``confirm_save`` (save asked for while something is missing), ``unclear`` (a reply we could not read),
    ``skipped`` (a question left open), ``resume`` (keep going), ``confirm_owner`` (a name several people have),
    ``lookup`` (names to look up among the workspace's members before the turn can go on).
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
    draft: Draft | None = None
    missing: tuple[str, ...] = ()  # essential questions still open
    skipped: str | None = None  # the question just left open
    cleared: tuple[str, ...] = ()  # numbers a new metric set aside
    left_out: tuple[str, ...] = ()  # numbers of the reply that no field took
    elsewhere: tuple[str, ...] = ()  # numbers of the reply counted in another metric than the goal's
    not_found: str | None = None  # a name nobody in the workspace has
    people_unavailable: bool = False  # the member list could not be fetched
    candidates: tuple[tuple[str, str], ...] = ()  # (user id, name) a name could mean
    names: tuple[str, ...] = ()  # for ``lookup``
    way_out: bool = False  # offer skip / new / save after replies we could not read
    same: bool = False  # the reply said what the draft already says
    rejected: bool = False  # "no" to the person a name was taken for
    turned: bool = False  # the new numbers turned the goal's direction (a target below today's value)
    excerpt: str | None = None  # the goal sentence taken out of a long first message
    left_out_chars: int = 0  # what of that message was left out


def grade_draft(draft: Draft, language: str | None, *, today: date, rules: RuleSet) -> Assessment:
    """The draft as a discussed KPI: its owner and plan count, so a goal nobody owns is a finding."""
    context = GoalContext(stored=True, owner=draft.owner, action_plan=draft.plan)
    return grade_goal(draft.text, language=language, today=today, context=context, rules=rules)


def looks_like_goal(text: str, assessment: Assessment, rules: RuleSet) -> bool:
    """A metric, a number or a word that asks for a change: anything else ("hi", "thanks", a date alone such as
    "by June") gets the introduction, since a date with nothing to reach by it is no goal to critique."""
    if assessment.metric or assessment.target is not None:
        return True
    if assessment.relative_change_pct is not None or assessment.multiplier is not None:
        return True
    reader = TextReader(normalise(text)[0], rules, assessment.language)
    return any(reader.spans(name) for name in ("increase", "decrease", "improve", "coach-goal-word"))


def _graded_reply(
    kind: str, state: CoachState, draft: Draft, a: Assessment, previous: Assessment | None, **extra: object
) -> tuple[CoachState, Reply]:
    skipped = tuple(q for q in state.skipped if q in missing(a) or q == "plan")  # answered after all: asked again
    state = state.with_changes(skipped=skipped)
    finished = is_finished(a, skipped)
    picked = next_question(a, skipped)
    question, focus = picked if picked else (None, None)
    if finished and kind in ("progress", "skipped"):
        kind = "finished" if kind == "progress" else kind
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
        draft=draft,
        missing=missing(a) if finished else (),
        **extra,  # type: ignore[arg-type]
    )
    new_state = state.with_changes(
        draft=draft,
        score=a.score,
        findings=tuple(f.rule for f in a.findings),
        pending=question,
        focus=focus.rule if focus else None,
        turns=state.turns + 1,
        history=(*state.history, a.score),
        misses=0,
    )
    return new_state, reply


def _start(text: str, *, today: date, rules: RuleSet, language: str | None) -> tuple[CoachState, Reply]:
    first = grade_goal(text, today=today, rules=rules)
    excerpt, left_out = None, 0
    if is_long(text):
        excerpt = goal_sentence(text, rules, first.language)
        if excerpt is None:
            return CoachState(), Reply(kind="intro", language=first.language, left_out_chars=len(text))
        left_out = max(0, len(normalise(text)[0]) - len(normalise(excerpt)[0]))
        first = grade_goal(excerpt, today=today, rules=rules)
    elif not looks_like_goal(text, first, rules):
        return CoachState(), Reply(kind="intro", language=language or first.language)
    lang = first.language
    draft = draft_from_goal(excerpt or text, first, rules, today, strict=excerpt is not None)
    a = grade_draft(draft, lang, today=today, rules=rules)
    return _graded_reply(
        "critique", CoachState(language=lang), draft, a, None, excerpt=excerpt, left_out_chars=left_out
    )


def _pressed(button: str) -> Answer:
    """What a button in the thread says, as the answer it stands for."""
    if button.startswith(OWNER_BUTTON):
        return Answer(owner=button[len(OWNER_BUTTON) :] or None)
    return Answer(command=button if button in BUTTON_COMMANDS else None)


def _resolve(answer: Answer, people: Directory, text: str, rules: RuleSet, language: str) -> dict[str, object]:
    """The owner a name means: one person is taken, several are asked about, and a name nobody has is said back —
    when it was one: marked as the owner ("ansvarig Petter"), or written as a name ("Petter"), not a word the
    lexicons know or a lower-case word given where a name was asked for ("thanks!")."""
    for name in answer.owner_names:
        found = people.find(name)
        if len(found) == 1:
            return {"owner": found[0].id, "owner_name": found[0].label}
        if found:
            return {"candidates": tuple((p.id, p.label) for p in found[:CANDIDATES_SHOWN])}
    name = answer.owner_names[-1]
    reader = TextReader(normalise(text)[0], rules, language)
    written_as_name = all(word[:1].upper() + word[1:] in text for word in name.split())
    if known_words(reader, name) or not (answer.owner_cued or written_as_name):
        return {}
    return {"not_found": name.title(), "people_unavailable": not people.available}


def coach_turn(
    state: CoachState,
    text: str,
    *,
    today: date,
    sender: str | None = None,
    rules: RuleSet | None = None,
    fallback_language: str | None = None,
    people: Directory | None = None,
    pressed: str | None = None,
) -> tuple[CoachState, Reply]:
    """Answer one message of the thread. ``sender`` is who wrote it ("owner: me"); ``fallback_language`` is used
    for the introduction when nothing in the text says which language to answer in; ``people`` are the workspace's
    members, when a name in the reply had to be looked up; ``pressed`` is the button pressed instead of a reply
    (``save``, ``save-anyway``, ``keep-going``, ``skip``, ``new``, ``owner:U123``)."""
    rules = rules or default_ruleset()
    if not state.started or state.draft is None:
        command, goal = (pressed, None) if pressed else read_command(text, rules, fallback_language)
        if command == "new" and goal:
            return _start(goal, today=today, rules=rules, language=fallback_language)
        if command or not text.strip():
            return state, Reply(kind="intro", language=state.language or fallback_language or "en")
        return _start(text, today=today, rules=rules, language=fallback_language)
    lang = state.language or "en"
    draft = state.draft
    current = grade_draft(draft, lang, today=today, rules=rules)
    if pressed:
        answer = _pressed(pressed)
    else:
        answer = parse_answer(
            text,
            language=lang,
            today=today,
            rules=rules,
            current_metric=draft.metric,
            current_words=draft.metric_words,
            pending=state.pending,
            sender=sender,
        )
    if answer.command:
        return _command(state, answer, lang, draft, current, today=today, rules=rules)
    extra: dict[str, object] = {}
    if answer.yes and state.candidates:
        answer = Answer(owner=state.candidates[0][0])
    if answer.owner is not None and answer.owner in dict(state.candidates):
        answer = replace(answer, owner_name=dict(state.candidates)[answer.owner])
    if answer.no_owner:
        if state.candidates:  # "no, not her": ask who it is then
            asked = state.with_changes(candidates=(), pending="owner")
            return asked, replace(_repeat(asked, lang, draft, current, kind="unclear"), rejected=True)
        return _skip(state, lang, draft, current, "owner")
    if answer.owner is None and answer.owner_names:
        if people is None:
            return state, Reply(kind="lookup", language=lang, names=answer.owner_names)
        extra = _resolve(answer, people, text, rules, lang)
        found = {"owner": extra.pop("owner", None), "owner_name": extra.pop("owner_name", None)}
        answer = replace(answer, **found)  # type: ignore[arg-type]
    merged, changed, cleared = merge_answer(draft, answer, lang, rules)
    candidates = extra.pop("candidates", ())
    if not changed and not candidates:
        extra.update(left_out=answer.left_out, elsewhere=answer.elsewhere)
        if answer.understood and not extra.get("not_found"):  # what it says is what the draft says already
            return state, replace(_repeat(state, lang, draft, current, kind="unclear"), same=True, **extra)
        return _miss(state, lang, draft, current, **extra)
    graded = grade_draft(merged, lang, today=today, rules=rules) if changed else current
    new_state, reply = _graded_reply(
        "progress",
        state.with_changes(candidates=()),
        merged,
        graded,
        current,
        changed=changed,
        cleared=cleared,
        left_out=answer.left_out,
        elsewhere=answer.elsewhere,
        turned="direction" in changed and answer.direction != merged.direction,
        **extra,
    )
    if candidates:
        new_state = new_state.with_changes(candidates=candidates, pending="owner")
        reply = replace(reply, kind="confirm_owner", candidates=candidates, question="owner")  # type: ignore[arg-type]
    return new_state, reply


def _command(
    state: CoachState, answer: Answer, lang: str, draft: Draft, current: Assessment, *, today: date, rules: RuleSet
) -> tuple[CoachState, Reply]:
    command = answer.command
    if command == "new":
        if answer.goal:
            return _start(answer.goal, today=today, rules=rules, language=lang)
        return CoachState(language=lang), Reply(kind="fresh", language=lang)
    if command == "why":
        focus = next((f for f in current.findings if f.rule == state.focus), None)
        return state, Reply(
            kind="why", language=lang, goal=draft.text, assessment=current, question=state.pending, focus=focus
        )
    if command in ("save", "save-anyway"):
        open_questions = missing(current)
        kind = "confirm_save" if open_questions and command == "save" else "save"
        reply = Reply(
            kind=kind, language=lang, goal=draft.text, assessment=current, score_after=current.score, draft=draft
        )
        return state, replace(reply, missing=open_questions)
    if command == "skip" and state.pending:
        return _skip(state, lang, draft, current, state.pending)
    if command == "keep-going":  # the questions left open are asked after all
        return _graded_reply("resume", state.with_changes(skipped=(), candidates=()), draft, current, None)
    return state, _repeat(state, lang, draft, current, kind="intro")


def _skip(state: CoachState, lang: str, draft: Draft, current: Assessment, question: str) -> tuple[CoachState, Reply]:
    skipped = tuple(dict.fromkeys((*state.skipped, question)))
    return _graded_reply(
        "skipped", state.with_changes(skipped=skipped, candidates=()), draft, current, None, skipped=question
    )


def _miss(state: CoachState, lang: str, draft: Draft, current: Assessment, **extra: object) -> tuple[CoachState, Reply]:
    """A reply we could not use: the question again with what we expected; after the second, a way out."""
    misses = state.misses + 1
    reply = replace(
        _repeat(state, lang, draft, current, kind="unclear"),
        way_out=misses >= MISSES_BEFORE_WAY_OUT,
        **extra,  # type: ignore[arg-type]
    )
    return state.with_changes(misses=misses), reply


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
        draft=draft,
    )


def mark_saved(state: CoachState, number: int) -> CoachState:
    """Remember that the draft became KPI ``number``: saving again from this thread updates that KPI."""
    return state.with_changes(saved_as=number)
