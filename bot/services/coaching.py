"""The coaching conversation's storage use-cases: the thread's state in, the turn's outcome out.

The dialogue itself is pure (bot.conversation); this keeps its JSON and turns per Slack thread, scoped by team, so
a restarted bot or a second replica picks the thread up where it was. Saving stores the draft's fields as the
person gave them (today's value, target, deadline, owner, plan), not a new reading of the sentence, and a thread
that already saved a KPI updates that KPI instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.conversation import Draft
from bot.conversation.phrasing import compose_goal
from bot.grading import Assessment, RuleSet
from bot.services.commands import is_slack_user_id
from bot.services.register import UNIT_MAX_CHARS, NotAllowed, can_change, name_from_goal
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi

# Fields a second save from the same thread may change; who created the KPI and where its check-ins go stay.
RESAVED_FIELDS = frozenset(
    {"name", "goal_text", "metric", "metric_label", "level", "funnel_stage", "conversion", "unit", "target"}
    | {"baseline", "deadline", "language", "grade", "score", "owner_user_id", "action_plan"}
)


@dataclass(frozen=True)
class StoredThread:
    """What is stored about a thread's conversation: the dialogue's JSON and its language."""

    state: dict[str, Any]
    language: str


def load_thread(engine: Engine, team_id: str, channel_id: str, thread_ts: str) -> StoredThread | None:
    """The thread's conversation, or None when the bot has never coached in it."""
    with session_scope(engine) as session:
        conversation = repo.get_conversation(session, team_id, channel_id, thread_ts)
        if conversation is None:
            return None
        return StoredThread(state=dict(conversation.state or {}), language=conversation.language)


@dataclass(frozen=True)
class Turn:
    """One exchange in a thread as it is stored: the dialogue's new state and both messages."""

    user_id: str | None
    language: str
    state: dict[str, Any]
    draft_text: str | None
    user_text: str
    bot_text: str
    score: float | None


def record_turn(engine: Engine, team_id: str, channel_id: str, thread_ts: str, turn: Turn) -> None:
    """Store the new state and both messages of the turn in one transaction."""
    with session_scope(engine) as session:
        _record(session, team_id, channel_id, thread_ts, turn)


def draft_fields(
    draft: Draft, assessment: Assessment, *, user_id: str, channel_id: str | None, rules: RuleSet
) -> dict[str, Any]:
    """The register fields of a coached draft: its own fields, and the grade of its sentence. The owner is the
    person the thread named, or nobody yet (never whoever typed `save`)."""
    language = assessment.language
    sentence = compose_goal(draft.with_changes(owner=None), language, rules) if draft.owner else draft.text
    unit = draft.unit[:UNIT_MAX_CHARS] if draft.unit else None
    if unit is None and draft.relative_pct is not None and draft.target is None:
        unit = "%"
    return {
        "name": name_from_goal(sentence) or assessment.metric_label or "KPI",
        "goal_text": draft.text,
        "metric": draft.metric,
        "metric_label": (assessment.metric_label or None) and assessment.metric_label[:255],
        "level": assessment.level,
        "funnel_stage": assessment.funnel_stage,
        "conversion": assessment.conversion,
        "unit": unit,
        "target": draft.target if draft.target is not None else draft.relative_pct,
        "baseline": draft.baseline,
        "deadline": draft.deadline,
        "language": language,
        "grade": assessment.grade,
        "score": float(assessment.score),
        "owner_user_id": draft.owner if is_slack_user_id(draft.owner) else None,
        "creator_user_id": user_id,
        "channel_id": channel_id,
        "action_plan": draft.plan,
    }


def save_draft(
    engine: Engine,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    fields: dict[str, Any],
    turn_for: Callable[[Kpi, bool], Turn],
    *,
    saved_as: int | None = None,
    user_id: str = "",
) -> tuple[Kpi, bool]:
    """`save` in a thread: store the KPI the draft describes — or, when this thread saved KPI ``saved_as`` before,
    update it — and the turn announcing it, in one transaction, so a failure leaves neither (the person is then
    told nothing was saved, and that is true). Returns the KPI and whether it was an update; raises NotAllowed
    when the earlier KPI is someone else's to change."""
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, team_id)
        earlier = repo.get_kpi(session, team_id, saved_as) if saved_as else None
        if earlier is not None and earlier.status != "archived":
            if not can_change(earlier, user_id):
                raise NotAllowed(earlier)
            changes = {k: v for k, v in fields.items() if k in RESAVED_FIELDS}
            kpi = repo.update_kpi(session, team_id, earlier.number, changed_by=user_id, **changes)
            updated = True
        else:
            kpi = repo.create_kpi(session, team_id, **{k: v for k, v in fields.items() if v is not None})
            updated = False
        _record(session, team_id, channel_id, thread_ts, turn_for(kpi, updated))
        return kpi, updated


def _record(session: Session, team_id: str, channel_id: str, thread_ts: str, turn: Turn) -> None:
    repo.get_or_create_workspace(session, team_id)
    repo.get_or_create_conversation(
        session, team_id, channel_id, thread_ts, user_id=turn.user_id, language=turn.language
    )
    repo.save_conversation(
        session, team_id, channel_id, thread_ts, draft_text=turn.draft_text, state=turn.state, language=turn.language
    )
    repo.add_turn(session, team_id, channel_id, thread_ts, role="user", text=turn.user_text)
    repo.add_turn(session, team_id, channel_id, thread_ts, role="bot", text=turn.bot_text, score=turn.score)
