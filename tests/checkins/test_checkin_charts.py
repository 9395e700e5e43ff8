"""A check-in of a KPI with two values or more carries its trend chart in its thread, drawn after the tick rather than
in it; a refused upload costs the check-in nothing; a backlog past its bound drops charts, never check-ins."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.checkins.tick import TickSummary, post_due_checkins
from bot.slack.charts import CheckinCharts
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.types import utcnow
from tests.checkins.test_tick import TEAM, add_kpi, checkins_posted
from tests.support.fake_slack import FakeSlack


def tick(engine: Engine, fake: FakeSlack, *, days: float, **options: object) -> TickSummary:
    """One tick with a chart poster, then the charts it handed over (as `kpi-advisor checkins run-due` does)."""

    async def run() -> TickSummary:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])

        async def client_for(team_id: str) -> AsyncWebClient | None:
            return client if team_id == TEAM else None

        charts = CheckinCharts(client_for, engine)
        now = utcnow() + timedelta(days=days)
        summary = await post_due_checkins(engine, client_for, now=now, charts=charts.add, **options)
        await charts.drain()
        await charts.close()
        return summary

    return asyncio.run(run())


def _values(engine: Engine, number: int, *values: float) -> None:
    with session_scope(engine) as session:
        for index, value in enumerate(values):
            at = utcnow() - timedelta(days=7 * (len(values) - index))
            repo.record_value(session, TEAM, number, value, recorded_at=at)


def test_a_checkin_with_two_values_carries_the_chart_in_its_thread(engine: Engine, fake: FakeSlack) -> None:
    charted = add_kpi(engine, "Orders", language="sv")
    single = add_kpi(engine, "Leads", channel="C0LEADS")
    _values(engine, charted, 110.0, 118.0, 121.0)
    _values(engine, single, 5.0)
    summary = tick(engine, fake, days=8, interval=0.0)
    assert (summary.posted, summary.failed) == (2, 0)
    [completed] = fake.of("files.completeUploadExternal")
    [checkin] = fake.messages["C0SALES"]
    assert completed.args["channel_id"] == "C0SALES" and completed.args["thread_ts"] == checkin["ts"]
    assert json.loads(completed.args["files"])[0]["title"] == "Trenden för #1 Orders"
    [asked] = fake.of("files.getUploadURLExternal")
    assert "Linjediagram över #1 Orders: 3 värden" in asked.args["alt_txt"]
    assert len(checkins_posted(fake)) == 2 and len(fake.uploads) == 1


def test_a_refused_chart_leaves_the_checkin_posted_and_logs_one_line(
    engine: Engine, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    number = add_kpi(engine, "Orders")
    _values(engine, number, 110.0, 118.0)
    fake.failures["files.getUploadURLExternal"] = "not_allowed_token_type"
    summary = tick(engine, fake, days=8, interval=0.0)
    assert (summary.posted, summary.failed) == (1, 0)
    with session_scope(engine) as session:
        assert repo.latest_checkin(session, TEAM, number).status == "posted"
    [line] = [r for r in caplog.records if "chart of check-in #1" in r.getMessage()]
    assert line.levelno == logging.WARNING and "not_allowed_token_type" in line.getMessage() and not line.exc_info


def test_the_tick_does_not_wait_for_charts_and_a_full_backlog_drops_charts_only(
    engine: Engine, fake: FakeSlack
) -> None:
    for index in range(3):
        number = add_kpi(engine, f"KPI {index}", channel=f"C0CH{index}")
        _values(engine, number, 10.0, 12.0)

    async def run() -> tuple[TickSummary, int, int]:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])
        release = asyncio.Event()

        async def tick_client(team_id: str) -> AsyncWebClient:
            return client

        async def chart_client(team_id: str) -> AsyncWebClient:
            await release.wait()  # the chart poster is stuck until the tick is over
            return client

        charts = CheckinCharts(chart_client, engine, backlog=1)
        now = utcnow() + timedelta(days=8)
        summary = await asyncio.wait_for(post_due_checkins(engine, tick_client, now=now, charts=charts.add), 60)
        uploads_during_tick = len(fake.of("files.completeUploadExternal"))
        release.set()
        await charts.drain()
        await charts.close()
        return summary, uploads_during_tick, charts.dropped

    summary, during, dropped = asyncio.run(run())
    assert summary.posted == 3 and during == 0
    # one chart taken by the poster, one waiting (the backlog of 1), one dropped
    assert dropped == 1 and len(fake.of("files.completeUploadExternal")) == 2
