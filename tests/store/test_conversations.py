"""Coaching conversations: one per thread, state saved whole, turns in order."""

import pytest
from sqlalchemy import Engine

from bot.store import ConversationNotFound, WorkspaceNotFound, session_scope
from bot.store import repository as repo

TEAM = "T0AAA"
CHANNEL = "D0DIRECT"
THREAD = "1700000000.000100"


@pytest.fixture
def workspace(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
    return engine


def test_a_thread_has_one_conversation(workspace: Engine) -> None:
    with session_scope(workspace) as session:
        started = repo.get_or_create_conversation(session, TEAM, CHANNEL, THREAD, user_id="U0A", language="sv")
    with session_scope(workspace) as session:
        again = repo.get_or_create_conversation(session, TEAM, CHANNEL, THREAD, user_id="U0OTHER", language="en")
        assert again.id == started.id
        assert (again.user_id, again.language, again.state, again.draft_text) == ("U0A", "sv", {}, None)
        other_thread = repo.get_or_create_conversation(session, TEAM, CHANNEL, "1700000000.000200")
        assert other_thread.id != started.id


def test_state_and_draft_are_saved_and_left_alone_when_not_given(workspace: Engine) -> None:
    state = {"step": "target", "missing": ["deadline", "baseline"], "attempt": 2, "scores": [41.5, 63.0]}
    with session_scope(workspace) as session:
        repo.get_or_create_conversation(session, TEAM, CHANNEL, THREAD, user_id="U0A")
        repo.save_conversation(session, TEAM, CHANNEL, THREAD, draft_text="More Instagram followers", state=state)
    with session_scope(workspace) as session:
        repo.save_conversation(session, TEAM, CHANNEL, THREAD, language="nb")
    with session_scope(workspace) as session:
        stored = repo.get_conversation(session, TEAM, CHANNEL, THREAD)
        assert (stored.state, stored.draft_text, stored.language) == (state, "More Instagram followers", "nb")
        assert stored.updated_at >= stored.created_at
        repo.save_conversation(session, TEAM, CHANNEL, THREAD, draft_text=None, state={})
    with session_scope(workspace) as session:
        stored = repo.get_conversation(session, TEAM, CHANNEL, THREAD)
        assert (stored.state, stored.draft_text) == ({}, None)


def test_turns_come_back_in_order_with_scores(workspace: Engine) -> None:
    with session_scope(workspace) as session:
        repo.get_or_create_conversation(session, TEAM, CHANNEL, THREAD, user_id="U0A")
        repo.add_turn(session, TEAM, CHANNEL, THREAD, role="user", text="More followers", score=22)
        repo.add_turn(session, TEAM, CHANNEL, THREAD, role="bot", text="Followers for what? Bookings?")
        repo.add_turn(session, TEAM, CHANNEL, THREAD, role="user", text="40 bookings a month by June", score=78.5)
    with session_scope(workspace) as session:
        turns = repo.conversation_turns(session, TEAM, CHANNEL, THREAD)
        assert [(t.role, t.text, t.score) for t in turns] == [
            ("user", "More followers", 22.0),
            ("bot", "Followers for what? Bookings?", None),
            ("user", "40 bookings a month by June", 78.5),
        ]
        assert turns[0].created_at <= turns[1].created_at <= turns[2].created_at
        conversation = repo.get_conversation(session, TEAM, CHANNEL, THREAD)
        assert [t.id for t in conversation.turns] == [t.id for t in turns]


def test_bad_roles_languages_and_unknown_threads_are_refused(workspace: Engine) -> None:
    with session_scope(workspace) as session:
        with pytest.raises(ValueError, match="language"):
            repo.get_or_create_conversation(session, TEAM, CHANNEL, THREAD, language="nn")
        with pytest.raises(ConversationNotFound):
            repo.save_conversation(session, TEAM, CHANNEL, THREAD, state={"step": 1})
        with pytest.raises(ConversationNotFound):
            repo.conversation_turns(session, TEAM, CHANNEL, THREAD)
        with pytest.raises(WorkspaceNotFound):
            repo.get_or_create_conversation(session, "T0NOBODY", CHANNEL, THREAD)
        repo.get_or_create_conversation(session, TEAM, CHANNEL, THREAD)
        with pytest.raises(ValueError, match="role"):
            repo.add_turn(session, TEAM, CHANNEL, THREAD, role="assistant", text="hi")
        assert repo.conversation_turns(session, TEAM, CHANNEL, THREAD) == []
