"""The KPI register: round trips, per-workspace numbering, values and the change log."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.store import WorkspaceNotFound, session_scope
from bot.store import repository as repo

TEAM = "T0AAA"

FULL_KPI = {
    "name": "Booked tables from Instagram",
    "goal_text": "Increase booked tables from Instagram to 40 per month by 30 June",
    "metric": "bookings",
    "metric_label": "Booked tables",
    "level": 3,
    "funnel_stage": "conversion",
    "conversion": "booking",
    "unit": "tables/month",
    "target": 40.0,
    "baseline": 22.5,
    "current_value": 25.0,
    "deadline": date(2026, 6, 30),
    "benchmark": "Restaurants in Oslo: 30–50",
    "benchmark_source": "Local association survey 2025",
    "owner_user_id": "U0OWNER",
    "creator_user_id": "U0CREATOR",
    "channel_id": "C0MARKETING",
    "cadence": "monthly",
    "checkin_weekday": 4,
    "checkin_time": "16:30",
    "timezone": "Europe/Oslo",
    "language": "nb",
    "grade": "B",
    "score": 72.5,
    "status": "paused",
    "paused_until": date(2026, 1, 15),
    "stale": True,
    "action_plan": "Post two reels a week with a booking link",
}


@pytest.fixture
def team(session: Session) -> str:
    repo.get_or_create_workspace(session, TEAM, name="Café Nord")
    return TEAM


def test_every_field_survives_a_round_trip(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        created = repo.create_kpi(session, TEAM, **FULL_KPI)
        assert created.number == 1
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, 1)
        assert kpi is not None
        assert {field: getattr(kpi, field) for field in FULL_KPI} == FULL_KPI
        assert kpi.created_at.tzinfo is not None and kpi.created_at.utcoffset() == timedelta(0)
        assert kpi.updated_at >= kpi.created_at
        assert kpi.archived_at is None and kpi.last_revisited_at is None


def test_new_kpi_gets_the_documented_defaults(session: Session, team: str) -> None:
    kpi = repo.create_kpi(session, team, name="Newsletter sign-ups")
    session.expire_all()
    kpi = repo.get_kpi(session, team, kpi.number)
    assert kpi is not None
    assert (kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone) == ("weekly", 0, "09:00", "UTC")
    assert (kpi.status, kpi.stale, kpi.language, kpi.level, kpi.target) == ("active", False, "en", None, None)


def test_numbers_count_per_workspace(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0AAA")
        repo.get_or_create_workspace(session, "T0BBB")
        a1 = repo.create_kpi(session, "T0AAA", name="A first")
        b1 = repo.create_kpi(session, "T0BBB", name="B first")
        a2 = repo.create_kpi(session, "T0AAA", name="A second")
        assert (a1.number, b1.number, a2.number) == (1, 1, 2)
    with session_scope(engine) as session:
        assert [k.name for k in repo.list_kpis(session, "T0AAA")] == ["A first", "A second"]
        assert [k.name for k in repo.list_kpis(session, "T0BBB")] == ["B first"]
        assert repo.get_kpi(session, "T0BBB", 2) is None


def test_numbers_are_not_reused_after_archiving(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="One")
    repo.create_kpi(session, team, name="Two")
    repo.archive_kpi(session, team, 2, changed_by="U0OWNER", reason="merged into #1")
    assert repo.create_kpi(session, team, name="Three").number == 3


def test_creating_a_kpi_needs_a_known_workspace_and_a_name(session: Session, team: str) -> None:
    with pytest.raises(WorkspaceNotFound):
        repo.create_kpi(session, "T0NOBODY", name="Orphan")
    with pytest.raises(ValueError, match="name"):
        repo.create_kpi(session, team, name="  ")
    with pytest.raises(TypeError, match="number"):
        repo.create_kpi(session, team, name="Sneaky", number=7)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cadence", "hourly"),
        ("status", "deleted"),
        ("language", "de"),
        ("level", 6),
        ("checkin_weekday", 7),
        ("checkin_time", "9:00"),
        ("checkin_time", "24:00"),
        ("timezone", "Mars/Olympus"),
        ("target", "forty"),
        ("target", float("nan")),
    ],
)
def test_invalid_values_are_refused_with_the_field_named(session: Session, team: str, field: str, value) -> None:
    with pytest.raises(ValueError, match=field):
        repo.create_kpi(session, team, name="Bad", **{field: value})
    repo.create_kpi(session, team, name="Good")
    with pytest.raises(ValueError, match=field):
        repo.change_field(session, team, 1, field, value)
    assert repo.changes(session, team, 1) == []


def test_listing_filters_by_owner_and_hides_archived(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Mine", owner_user_id="U0ME")
    repo.create_kpi(session, team, name="Theirs", owner_user_id="U0THEM")
    repo.create_kpi(session, team, name="Old mine", owner_user_id="U0ME")
    repo.archive_kpi(session, team, 3)

    assert [k.name for k in repo.list_kpis(session, team)] == ["Mine", "Theirs"]
    assert [k.name for k in repo.list_kpis(session, team, owner_user_id="U0ME")] == ["Mine"]
    mine_all = repo.list_kpis(session, team, owner_user_id="U0ME", include_archived=True)
    assert [k.name for k in mine_all] == ["Mine", "Old mine"]


def test_recording_values_appends_history_and_sets_current_value(engine: Engine) -> None:
    first_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        repo.create_kpi(session, TEAM, name="Leads", baseline=10)
        repo.record_value(session, TEAM, 1, 12, recorded_by="U0A", source="command", recorded_at=first_at)
        repo.record_value(session, TEAM, 1, 15.5, recorded_by="U0B", source="checkin", note="after campaign")
    with session_scope(engine) as session:
        history = repo.value_history(session, TEAM, 1)
        assert [(v.value, v.recorded_by, v.source, v.note) for v in history] == [
            (12.0, "U0A", "command", None),
            (15.5, "U0B", "checkin", "after campaign"),
        ]
        assert history[0].recorded_at == first_at
        assert history[1].recorded_at > first_at
        assert repo.get_kpi(session, TEAM, 1).current_value == 15.5
        assert [v.value for v in repo.value_history(session, TEAM, 1, limit=1)] == [15.5]


def test_value_source_must_be_known(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Leads")
    with pytest.raises(ValueError, match="source"):
        repo.record_value(session, team, 1, 3, source="email")
    assert repo.value_history(session, team, 1) == []


def test_changing_the_target_logs_old_to_new_and_marks_a_revisit(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        repo.create_kpi(session, TEAM, name="Leads", target=40)
    before = datetime.now(UTC)
    with session_scope(engine) as session:
        change = repo.change_target(session, TEAM, 1, 55, changed_by="U0OWNER", reason="beat it in March")
        assert change is not None
    with session_scope(engine) as session:
        kpi = repo.get_kpi(session, TEAM, 1)
        assert kpi.target == 55.0
        assert kpi.last_revisited_at is not None and kpi.last_revisited_at >= before
        [logged] = repo.changes(session, TEAM, 1)
        assert (logged.field, logged.old_value, logged.new_value) == ("target", "40", "55")
        assert (logged.changed_by, logged.reason) == ("U0OWNER", "beat it in March")
        assert logged.changed_at == kpi.last_revisited_at


def test_other_fields_are_logged_but_only_benchmark_and_target_count_as_a_revisit(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Leads", deadline=date(2026, 6, 30))
    repo.change_field(session, team, 1, "deadline", date(2026, 9, 30), changed_by="U0A")
    repo.change_field(session, team, 1, "stale", True, changed_by="U0A")
    assert repo.get_kpi(session, team, 1).last_revisited_at is None

    repo.change_field(session, team, 1, "benchmark", "Industry: 3%", changed_by="U0A")

    logged = [(c.field, c.old_value, c.new_value) for c in repo.changes(session, team, 1)]
    assert logged == [
        ("deadline", "2026-06-30", "2026-09-30"),
        ("stale", "false", "true"),
        ("benchmark", None, "Industry: 3%"),
    ]
    assert [c.field for c in repo.changes(session, team, 1, field="deadline")] == ["deadline"]
    benchmark_change = repo.changes(session, team, 1, field="benchmark")[0]
    assert repo.get_kpi(session, team, 1).last_revisited_at == benchmark_change.changed_at


def test_an_unchanged_value_is_not_logged(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Leads", target=40)
    assert repo.change_target(session, team, 1, 40.0) is None
    assert repo.changes(session, team, 1) == []
    assert repo.get_kpi(session, team, 1).last_revisited_at is None


def test_update_logs_each_changed_field(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Leads", cadence="weekly", unit="leads")
    kpi = repo.update_kpi(
        session, team, 1, changed_by="U0A", reason="quarterly review", cadence="monthly", unit="leads", level=2
    )
    assert (kpi.cadence, kpi.level) == ("monthly", 2)
    logged = [(c.field, c.old_value, c.new_value, c.reason) for c in repo.changes(session, team, 1)]
    assert logged == [
        ("cadence", "weekly", "monthly", "quarterly review"),
        ("level", None, "2", "quarterly review"),
    ]


def test_update_refuses_the_value_history_and_bookkeeping_fields(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Leads")
    for field in ("current_value", "number", "workspace_id", "archived_at", "last_revisited_at"):
        with pytest.raises((TypeError, ValueError)):
            repo.update_kpi(session, team, 1, **{field: 1})
    assert repo.changes(session, team, 1) == []


def test_archiving_and_reactivating_keep_archived_at_in_step(session: Session, team: str) -> None:
    repo.create_kpi(session, team, name="Leads")
    archived = repo.archive_kpi(session, team, 1, changed_by="U0A", reason="season over")
    assert archived.status == "archived" and archived.archived_at is not None
    reactivated = repo.update_kpi(session, team, 1, changed_by="U0A", status="active")
    assert reactivated.status == "active" and reactivated.archived_at is None
    assert [(c.old_value, c.new_value) for c in repo.changes(session, team, 1, field="status")] == [
        ("active", "archived"),
        ("archived", "active"),
    ]


def test_timestamps_come_back_in_utc_and_naive_ones_are_refused(session: Session, team: str) -> None:
    oslo = timezone(timedelta(hours=2))
    repo.create_kpi(session, team, name="Leads")
    entry = repo.record_value(session, team, 1, 1, recorded_at=datetime(2026, 5, 1, 12, 0, tzinfo=oslo))
    session.expire_all()
    [stored] = repo.value_history(session, team, 1)
    assert stored.id == entry.id
    assert stored.recorded_at == datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    assert stored.recorded_at.utcoffset() == timedelta(0)
    with pytest.raises(Exception, match="naive"):
        repo.record_value(session, team, 1, 2, recorded_at=datetime(2026, 5, 1, 12, 0))


def test_a_workspace_is_created_once_and_follows_renames(session: Session, team: str) -> None:
    first = repo.get_or_create_workspace(session, team)
    assert first.name == "Café Nord"
    renamed = repo.get_or_create_workspace(session, team, name="Café Nord AS", enterprise_id="E0ENT")
    assert renamed.id == first.id
    assert (renamed.name, renamed.enterprise_id) == ("Café Nord AS", "E0ENT")
    assert repo.get_workspace(session, "T0OTHER") is None
