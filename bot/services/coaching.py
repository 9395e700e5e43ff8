"""The coaching conversation's storage use-cases: the thread's state in, the turn's outcome out.

The dialogue itself is pure (bot.conversation); this keeps its JSON and turns per Slack thread, scoped by team, so
a restarted bot or a second replica picks the thread up where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi


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


def save_draft(
    engine: Engine,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    fields: dict[str, Any],
    turn_for: Callable[[Kpi], Turn],
) -> Kpi:
    """`save` typed in a thread: store the KPI the draft describes and the turn announcing its number, in one
    transaction, so a failure leaves neither (the person is then told nothing was saved, and that is true)."""
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, team_id)
        kpi = repo.create_kpi(session, team_id, **{k: v for k, v in fields.items() if v is not None})
        _record(session, team_id, channel_id, thread_ts, turn_for(kpi))
        return kpi


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
