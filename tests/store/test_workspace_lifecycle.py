"""A workspace's life with the app: an uninstall stops its check-ins and reviews (and no one else's), a new install
resumes them, and a purge deletes every row stored about it, counted, and nothing of any other workspace."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, MetaData, func, inspect, select

from bot.checkins.tick import post_due_checkins
from bot.services import workspaces
from bot.store import lifecycle, session_scope
from bot.store import repository as repo
from bot.store.conversations import add_turn, get_or_create_conversation
from bot.store.models import Checkin, Kpi, ReviewSchedule, Workspace
from bot.store.types import utcnow
from tests.support.fake_slack import FakeSlack

TEAM_A = "T0AAA"
TEAM_B = "T0BBB"
TEAMS = (TEAM_A, TEAM_B)


def _fill(engine: Engine, team_id: str) -> None:
    """Every kind of row the bot stores about a team: KPIs with values, changes and a claimed check-in, a channel
    review schedule, a coaching conversation, a processed event and a Slack installation (its tokens)."""
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, team_id)
        for index in range(2):
            repo.create_kpi(
                session,
                team_id,
                name=f"Orders {index}",
                channel_id=f"C0{team_id[-3:]}{index}",
                cadence="weekly",
                target=150.0,
                owner_user_id="U0ANN",
                creator_user_id="U0ANN",
            )
        repo.record_value(session, team_id, 1, 12, recorded_by="U0ANN")
        repo.change_target(session, team_id, 1, 160, changed_by="U0ANN")
        repo.claim_checkin(session, team_id, 1, "2026-W01", "a-worker-that-died")
        get_or_create_conversation(session, team_id, "D0CHAT", "1.0", user_id="U0ANN")
        add_turn(session, team_id, "D0CHAT", "1.0", role="user", text="More leads")
        repo.claim_event(session, team_id, f"Ev{team_id}")
    installations = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    installations.create_tables()
    installations.save(
        Installation(
            app_id="A0KPI",
            team_id=team_id,
            user_id="U0ANN",
            bot_token=f"xoxb-{team_id}",
            bot_id="B0KPI",
            bot_user_id="U0BOT",
            installed_at=utcnow().timestamp(),
        )
    )


@pytest.fixture
def two_teams(engine: Engine) -> Engine:
    for team in TEAMS:
        _fill(engine, team)
    return engine


def _row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database (the bot's and slack_sdk's), however they came to be there."""
    with engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        return {
            name: connection.scalar(select(func.count()).select_from(table)) or 0
            for name, table in metadata.tables.items()
            if name not in ("alembic_version", "slack_oauth_states")
        }


def _due_times(engine: Engine, team_id: str) -> tuple[list, list]:
    with session_scope(engine) as session:
        workspace_id = session.scalar(select(Workspace.id).where(Workspace.team_id == team_id))
        kpis = list(session.scalars(select(Kpi.next_due_at).where(Kpi.workspace_id == workspace_id)))
        reviews = list(
            session.scalars(select(ReviewSchedule.next_due_at).where(ReviewSchedule.workspace_id == workspace_id))
        )
        return kpis, reviews


def _tick(engine: Engine, fake: FakeSlack, days: int = 8) -> list[str]:
    """One tick a week ahead, every team served by the fake; the channels it posted check-ins into."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])

    async def client_for(team_id: str) -> AsyncWebClient:
        return client

    before = len(fake.of("chat.postMessage"))
    asyncio.run(post_due_checkins(engine, client_for, now=utcnow() + timedelta(days=days), interval=0.01))
    return [c.args["channel"] for c in fake.of("chat.postMessage")[before:] if c.args.get("metadata")]


def test_an_uninstalled_workspace_gets_no_checkins_and_the_others_still_do(
    two_teams: Engine, fake_slack: FakeSlack
) -> None:
    assert workspaces.workspace_uninstalled(two_teams, TEAM_A)
    kpi_times, review_times = _due_times(two_teams, TEAM_A)
    assert kpi_times == [None, None] and review_times == [None, None]
    assert all(_due_times(two_teams, TEAM_B)[0])

    posted = _tick(two_teams, fake_slack)
    assert sorted(posted) == ["C0BBB0", "C0BBB1"]
    with session_scope(two_teams) as session:
        stale_claim = session.scalars(
            select(Checkin)
            .join(Kpi)
            .join(Workspace)
            .where(Workspace.team_id == TEAM_A, Checkin.period_key == "2026-W01")
        ).one()
        assert stale_claim.status == "skipped"  # not reconciled with a dead token every tick
    assert sorted(_tick(two_teams, fake_slack, days=15)) == [
        "C0BBB0",
        "C0BBB1",
    ]  # B keeps its weekly rhythm, A stays silent


def test_uninstalling_twice_or_an_unknown_team_is_harmless(two_teams: Engine) -> None:
    assert workspaces.workspace_uninstalled(two_teams, TEAM_A)
    with session_scope(two_teams) as session:
        first = session.scalar(select(Workspace.uninstalled_at).where(Workspace.team_id == TEAM_A))
    assert workspaces.workspace_uninstalled(two_teams, TEAM_A)
    with session_scope(two_teams) as session:
        assert session.scalar(select(Workspace.uninstalled_at).where(Workspace.team_id == TEAM_A)) == first
    assert not workspaces.workspace_uninstalled(two_teams, "T0NEVERSEEN")
    assert not workspaces.workspace_installed(two_teams, TEAM_B)  # never uninstalled: nothing to resume


def test_a_new_install_resumes_checkins_once_for_the_latest_period(two_teams: Engine, fake_slack: FakeSlack) -> None:
    workspaces.workspace_uninstalled(two_teams, TEAM_A)
    _tick(two_teams, fake_slack)
    assert workspaces.workspace_installed(two_teams, TEAM_A)
    kpi_times, review_times = _due_times(two_teams, TEAM_A)
    assert all(kpi_times) and all(review_times)
    posted = _tick(two_teams, fake_slack, days=40)  # five weeks away: one post per KPI, for the latest week only
    assert sorted(c for c in posted if c.startswith("C0AAA")) == ["C0AAA0", "C0AAA1"]


def test_purge_deletes_every_row_of_the_team_and_nothing_of_another(two_teams: Engine) -> None:
    before = _row_counts(two_teams)
    with session_scope(two_teams) as session:
        b_before = lifecycle.remaining_rows(session, TEAM_B)
    [report] = workspaces.purge(two_teams, [TEAM_A])
    after = _row_counts(two_teams)

    deleted = {name: count for name, count in report.deleted.items() if count}
    assert deleted == {name: before[name] - after[name] for name in before if before[name] != after[name]}
    for table in ("workspaces", "kpis", "kpi_values", "kpi_changes", "checkins", "review_schedules"):
        assert deleted.get(table), f"nothing of {TEAM_A} was deleted from {table}"
    for table in ("conversations", "conversation_turns", "processed_events", "slack_installations", "slack_bots"):
        assert deleted.get(table), f"nothing of {TEAM_A} was deleted from {table}"
    assert report.left == 0
    with session_scope(two_teams) as session:
        assert lifecycle.remaining_rows(session, TEAM_A) == 0
        assert lifecycle.remaining_rows(session, TEAM_B) == b_before
        assert repo.get_kpi(session, TEAM_B, 1) is not None
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=two_teams)
    assert store.find_bot(enterprise_id=None, team_id=TEAM_A) is None
    assert store.find_bot(enterprise_id=None, team_id=TEAM_B) is not None


def test_a_dry_run_counts_and_deletes_nothing(two_teams: Engine) -> None:
    before = _row_counts(two_teams)
    [report] = workspaces.purge(two_teams, [TEAM_A], dry_run=True)
    assert report.total > 10
    assert _row_counts(two_teams) == before


def test_purge_without_installation_tables_or_data(engine: Engine) -> None:
    assert "slack_installations" not in inspect(engine).get_table_names()
    [report] = workspaces.purge(engine, ["T0NEVERSEEN"])
    assert not report.known and report.total == 0 and report.left == 0


def test_retention_counts_from_the_uninstall(two_teams: Engine) -> None:
    workspaces.workspace_uninstalled(two_teams, TEAM_A)
    assert workspaces.expired_teams(two_teams, 30) == []
    assert workspaces.expired_teams(two_teams, 30, now=utcnow() + timedelta(days=31)) == [TEAM_A]
    reports = workspaces.purge_expired(two_teams, 30, now=utcnow() + timedelta(days=31))
    assert [r.team_id for r in reports] == [TEAM_A] and reports[0].total > 10
    with session_scope(two_teams) as session:
        assert lifecycle.remaining_rows(session, TEAM_A) == 0
        assert lifecycle.remaining_rows(session, TEAM_B) > 0


def test_the_purge_command_counts_without_yes_and_prints_a_receipt_with_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from bot.cli import main
    from bot.store import make_engine, upgrade_database

    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    for team in TEAMS:
        _fill(engine, team)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("KPI_ADVISOR_RETENTION_DAYS", raising=False)

    assert main(["purge", "--team", TEAM_A]) == 0
    counted = capsys.readouterr().out
    assert f"{TEAM_A}: would delete" in counted and "run again with --yes" in counted
    with session_scope(engine) as session:
        assert lifecycle.remaining_rows(session, TEAM_A) > 10

    assert main(["purge", "--team", TEAM_A, "--yes", "--json"]) == 0
    receipt = json.loads(capsys.readouterr().out)
    [entry] = receipt["workspaces"]
    assert receipt["deleted"] is True and entry["team_id"] == TEAM_A and entry["left"] == 0
    assert entry["rows"]["kpis"] == 2 and entry["rows"]["slack_bots"] == 1 and entry["total"] > 10
    with session_scope(engine) as session:
        assert lifecycle.remaining_rows(session, TEAM_A) == 0
        assert lifecycle.remaining_rows(session, TEAM_B) > 10

    assert main(["purge", "--expired"]) == 2  # no retention configured: nothing has expired
    monkeypatch.setenv("KPI_ADVISOR_RETENTION_DAYS", "0")
    assert main(["purge", "--expired"]) == 2
    assert "between 1 and" in capsys.readouterr().err
    engine.dispose()


def test_the_scheduler_runs_the_retention_job_only_when_a_retention_is_set(two_teams: Engine) -> None:
    from bot.checkins.runner import RETENTION_JOB_ID, retention_job, start_scheduler
    from bot.settings import settings_from_env

    env = {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1", "DATABASE_URL": "sqlite://"}

    async def jobs(extra: dict[str, str]) -> list[str]:
        scheduler = start_scheduler(settings_from_env({**env, **extra}), two_teams, interval_seconds=3600)
        try:
            return [job.id for job in scheduler.get_jobs()]
        finally:
            scheduler.shutdown(wait=False)

    assert RETENTION_JOB_ID not in asyncio.run(jobs({}))
    assert RETENTION_JOB_ID in asyncio.run(jobs({"KPI_ADVISOR_RETENTION_DAYS": "30"}))

    with session_scope(two_teams) as session:
        lifecycle.mark_uninstalled(session, TEAM_A, at=utcnow() - timedelta(days=31))
    asyncio.run(retention_job(two_teams, 30))
    with session_scope(two_teams) as session:
        assert lifecycle.remaining_rows(session, TEAM_A) == 0
        assert lifecycle.remaining_rows(session, TEAM_B) > 10
