"""Coaching conversations, one per Slack thread, with their turns.

The dialogue's own state is opaque JSON to the store: ``save_conversation`` replaces it whole, which is also what
makes SQLAlchemy notice the change (in-place edits of a JSON dict are not tracked).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.errors import ConversationNotFound
from bot.store.models import LANGUAGES, TURN_ROLES, Conversation, ConversationTurn, Workspace
from bot.store.scoping import insert_if_absent, workspace_id_for
from bot.store.types import utcnow

_UNSET: Any = object()


def get_conversation(session: Session, team_id: str, channel_id: str, thread_ts: str) -> Conversation | None:
    """Return the conversation in thread ``thread_ts`` of ``channel_id`` in ``team_id``, or None."""
    query = (
        select(Conversation)
        .join(Workspace, Conversation.workspace_id == Workspace.id)
        .where(Workspace.team_id == team_id, Conversation.channel_id == channel_id, Conversation.thread_ts == thread_ts)
    )
    return session.scalars(query).one_or_none()


def get_or_create_conversation(
    session: Session,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    *,
    user_id: str | None = None,
    language: str = "en",
) -> Conversation:
    """Return the thread's conversation, starting one if there is none; two messages racing get the same one."""
    _check_language(language)
    now = utcnow()
    insert_if_absent(
        session,
        Conversation,
        {
            "workspace_id": workspace_id_for(session, team_id),
            "channel_id": channel_id,
            "thread_ts": thread_ts,
            "user_id": user_id,
            "language": language,
            "state": {},
            "created_at": now,
            "updated_at": now,
        },
        ["workspace_id", "channel_id", "thread_ts"],
    )
    return _existing(session, team_id, channel_id, thread_ts)


def save_conversation(
    session: Session,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    *,
    draft_text: str | None = _UNSET,
    state: dict[str, Any] = _UNSET,
    language: str = _UNSET,
) -> Conversation:
    """Store the dialogue's progress; arguments left out keep their stored value."""
    conversation = _existing(session, team_id, channel_id, thread_ts)
    if draft_text is not _UNSET:
        conversation.draft_text = draft_text
    if state is not _UNSET:
        conversation.state = dict(state)
    if language is not _UNSET:
        _check_language(language)
        conversation.language = language
    conversation.updated_at = utcnow()
    session.flush()
    return conversation


def add_turn(
    session: Session,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    *,
    role: str,
    text: str,
    score: float | None = None,
) -> ConversationTurn:
    """Append a message (the user's draft or the bot's reply) to the thread's conversation."""
    if role not in TURN_ROLES:
        raise ValueError(f"turn role must be one of {', '.join(TURN_ROLES)}, not {role!r}")
    conversation = _existing(session, team_id, channel_id, thread_ts)
    turn = ConversationTurn(conversation_id=conversation.id, role=role, text=text, score=score, created_at=utcnow())
    session.add(turn)
    conversation.updated_at = turn.created_at
    session.flush()
    return turn


def conversation_turns(session: Session, team_id: str, channel_id: str, thread_ts: str) -> list[ConversationTurn]:
    """Return the turns of the thread's conversation, oldest first."""
    conversation = _existing(session, team_id, channel_id, thread_ts)
    query = (
        select(ConversationTurn)
        .where(ConversationTurn.conversation_id == conversation.id)
        .order_by(ConversationTurn.created_at, ConversationTurn.id)
    )
    return list(session.scalars(query))


def _existing(session: Session, team_id: str, channel_id: str, thread_ts: str) -> Conversation:
    conversation = get_conversation(session, team_id, channel_id, thread_ts)
    if conversation is None:
        raise ConversationNotFound(team_id, channel_id, thread_ts)
    return conversation


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
