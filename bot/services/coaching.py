"""The coaching conversation's storage use-cases: the thread's state in, the turn's outcome out.

The dialogue itself is pure (bot.conversation); this keeps its JSON and turns per Slack thread, scoped by team, so
a restarted bot or a second replica picks the thread up where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.store import repository as repo
from bot.store import session_scope


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


def record_turn(
    engine: Engine,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    *,
    user_id: str | None,
    language: str,
    state: dict[str, Any],
    draft_text: str | None,
    user_text: str,
    bot_text: str,
    score: float | None,
) -> None:
    """Store the new state and both messages of the turn in one transaction."""
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, team_id)
        repo.get_or_create_conversation(session, team_id, channel_id, thread_ts, user_id=user_id, language=language)
        repo.save_conversation(
            session, team_id, channel_id, thread_ts, draft_text=draft_text, state=state, language=language
        )
        repo.add_turn(session, team_id, channel_id, thread_ts, role="user", text=user_text)
        repo.add_turn(session, team_id, channel_id, thread_ts, role="bot", text=bot_text, score=score)
