"""A check-in of a KPI with two values or more carries its trend chart in its thread; a refused upload costs the
check-in nothing."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.store import repository as repo
from bot.store import session_scope
from bot.store.types import utcnow
from tests.checkins.test_tick import TEAM, add_kpi, checkins_posted, tick
from tests.support.fake_slack import FakeSlack


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
