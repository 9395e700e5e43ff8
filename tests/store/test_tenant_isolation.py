"""One workspace can never read or change another's data, even when it names a KPI number that exists there."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.store import ConversationNotFound, KpiNotFound, session_scope
from bot.store import repository as repo

TEAM_A = "T0AAA"
TEAM_B = "T0BBB"


@pytest.fixture
def a_has_kpi_1_and_b_has_none(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM_A)
        repo.get_or_create_workspace(session, TEAM_B)
        repo.create_kpi(session, TEAM_A, name="A's leads", target=40, owner_user_id="U0A")
        repo.record_value(session, TEAM_A, 1, 12, recorded_by="U0A")
    return engine


def _team_a_kpi_is_untouched(engine: Engine) -> None:
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM_A, 1)
        assert (kpi.name, kpi.target, kpi.current_value, kpi.status) == ("A's leads", 40.0, 12.0, "active")
        assert [v.value for v in repo.value_history(session, TEAM_A, 1)] == [12.0]
        assert repo.changes(session, TEAM_A, 1) == []


WRITES_FROM_B = {
    "record_value": lambda s: repo.record_value(s, TEAM_B, 1, 999, recorded_by="U0B"),
    "change_target": lambda s: repo.change_target(s, TEAM_B, 1, 1, changed_by="U0B"),
    "change_field": lambda s: repo.change_field(s, TEAM_B, 1, "name", "Hijacked", changed_by="U0B"),
    "update_kpi": lambda s: repo.update_kpi(s, TEAM_B, 1, changed_by="U0B", owner_user_id="U0B"),
    "archive_kpi": lambda s: repo.archive_kpi(s, TEAM_B, 1, changed_by="U0B"),
    "claim_checkin": lambda s: repo.claim_checkin(s, TEAM_B, 1, "2026-W10", "worker-b"),
}


@pytest.mark.parametrize("write", list(WRITES_FROM_B), ids=list(WRITES_FROM_B))
def test_team_b_cannot_change_team_a_kpi(a_has_kpi_1_and_b_has_none: Engine, write: str) -> None:
    engine = a_has_kpi_1_and_b_has_none
    with pytest.raises(KpiNotFound) as raised, session_scope(engine) as session:
        WRITES_FROM_B[write](session)
    assert (raised.value.team_id, raised.value.number) == (TEAM_B, 1)
    _team_a_kpi_is_untouched(engine)


def test_team_b_cannot_read_team_a_kpi(a_has_kpi_1_and_b_has_none: Engine) -> None:
    with session_scope(a_has_kpi_1_and_b_has_none) as session:
        assert repo.get_kpi(session, TEAM_B, 1) is None
        assert repo.list_kpis(session, TEAM_B, include_archived=True) == []
        assert repo.list_kpis(session, TEAM_B, owner_user_id="U0A") == []
        with pytest.raises(KpiNotFound):
            repo.value_history(session, TEAM_B, 1)
        with pytest.raises(KpiNotFound):
            repo.changes(session, TEAM_B, 1)
        assert repo.get_kpi(session, "T0UNKNOWN", 1) is None


def test_same_number_in_two_teams_are_two_kpis(a_has_kpi_1_and_b_has_none: Engine) -> None:
    engine = a_has_kpi_1_and_b_has_none
    with session_scope(engine) as session:
        assert repo.create_kpi(session, TEAM_B, name="B's reach", target=5).number == 1
        repo.change_target(session, TEAM_B, 1, 8, changed_by="U0B")
        repo.record_value(session, TEAM_B, 1, 3, recorded_by="U0B")
        repo.archive_kpi(session, TEAM_B, 1, changed_by="U0B")
    _team_a_kpi_is_untouched(engine)
    with session_scope(engine) as session:
        b = repo.get_kpi(session, TEAM_B, 1)
        assert (b.name, b.target, b.current_value, b.status) == ("B's reach", 8.0, 3.0, "archived")
        assert [v.value for v in repo.value_history(session, TEAM_B, 1)] == [3.0]


def test_checkins_are_scoped_to_the_kpi_team(a_has_kpi_1_and_b_has_none: Engine) -> None:
    engine = a_has_kpi_1_and_b_has_none
    with session_scope(engine) as session:
        checkin = repo.claim_checkin(session, TEAM_A, 1, "2026-W10", "worker-a", channel_id="C0A")
        repo.update_checkin(session, TEAM_A, checkin.id, status="posted", message_ts="1700000000.000100")
    with session_scope(engine) as session:
        assert repo.get_checkin(session, TEAM_B, checkin.id) is None
        assert repo.find_checkin_by_message(session, TEAM_B, "C0A", "1700000000.000100") is None
        assert repo.find_checkin_by_message(session, TEAM_A, "C0A", "1700000000.000100").id == checkin.id
    with pytest.raises(LookupError), session_scope(engine) as session:
        repo.update_checkin(session, TEAM_B, checkin.id, status="skipped")
    with session_scope(engine) as session:
        assert repo.get_checkin(session, TEAM_A, checkin.id).status == "posted"


def test_conversations_in_the_same_channel_and_thread_id_stay_apart(a_has_kpi_1_and_b_has_none: Engine) -> None:
    engine = a_has_kpi_1_and_b_has_none
    with session_scope(engine) as session:
        repo.get_or_create_conversation(session, TEAM_A, "C0SHARED", "1700000000.000100", user_id="U0A")
        repo.save_conversation(session, TEAM_A, "C0SHARED", "1700000000.000100", state={"step": "a"})
        repo.add_turn(session, TEAM_A, "C0SHARED", "1700000000.000100", role="user", text="A's draft")
    with session_scope(engine) as session:
        assert repo.get_conversation(session, TEAM_B, "C0SHARED", "1700000000.000100") is None
        with pytest.raises(ConversationNotFound):
            repo.add_turn(session, TEAM_B, "C0SHARED", "1700000000.000100", role="user", text="B's draft")
        b = repo.get_or_create_conversation(session, TEAM_B, "C0SHARED", "1700000000.000100", user_id="U0B")
        assert b.state == {} and b.user_id == "U0B"
        repo.save_conversation(session, TEAM_B, "C0SHARED", "1700000000.000100", state={"step": "b"})
    with session_scope(engine) as session:
        a = repo.get_conversation(session, TEAM_A, "C0SHARED", "1700000000.000100")
        assert (a.state, a.user_id) == ({"step": "a"}, "U0A")
        turns = repo.conversation_turns(session, TEAM_A, "C0SHARED", "1700000000.000100")
        assert [t.text for t in turns] == ["A's draft"]
        assert repo.conversation_turns(session, TEAM_B, "C0SHARED", "1700000000.000100") == []


def test_event_claims_are_per_team(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert repo.claim_event(session, TEAM_A, "Ev0001") is True
        assert repo.claim_event(session, TEAM_B, "Ev0001") is True
        assert repo.claim_event(session, TEAM_A, "Ev0001") is False
        assert repo.claim_event(session, TEAM_B, "Ev0001") is False


def test_an_unknown_team_sees_nothing(a_has_kpi_1_and_b_has_none: Engine) -> None:
    with session_scope(a_has_kpi_1_and_b_has_none) as session:
        assert repo.get_workspace(session, "T0ZZZ") is None
        assert repo.list_kpis(session, "T0ZZZ", include_archived=True) == []
        with pytest.raises(LookupError):
            repo.get_or_create_conversation(session, "T0ZZZ", "C0X", "1.0")
        with pytest.raises(KpiNotFound):
            repo.record_value(session, "T0ZZZ", 1, 1, recorded_at=datetime(2026, 1, 1, tzinfo=UTC))
