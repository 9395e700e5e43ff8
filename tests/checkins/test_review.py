"""The periodic review of a channel's KPI set: pure findings, and the tick posting it once per quarter."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.checkins.review import review_kpis
from bot.checkins.reviews import post_due_reviews
from bot.checkins.tick import TickSummary
from bot.slack.blocks.review import build_review
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi
from bot.store.types import utcnow
from tests.support.fake_slack import FakeSlack

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def kpi(number: int, **fields: object) -> Kpi:
    defaults = {"name": f"KPI {number}", "status": "active", "owner_user_id": "U0ANN", "created_at": NOW}
    return Kpi(number=number, **{**defaults, **fields})


def test_a_set_of_vanity_micro_kpis_is_called_out_on_every_point() -> None:
    kpis = [
        kpi(1, funnel_stage="reach", level=1, last_revisited_at=NOW - timedelta(days=120)),
        kpi(2, funnel_stage="engage", level=3),
        kpi(3, funnel_stage="activate", level=4, conversion="micro", name="Newsletter <!channel>"),
        *[kpi(n, funnel_stage="engage", level=2, owner_user_id="U0BOB") for n in range(4, 10)],
        kpi(10, funnel_stage="loyalty", level=5, status="archived", conversion="macro"),
    ]
    findings = review_kpis(kpis, now=NOW)
    assert findings.kpi_count == 9 and findings.missing_stages == ["loyalty"]
    assert findings.level_mix == {1: 1, 2: 6, 3: 1, 4: 1} and findings.low_level_majority
    assert findings.micro_without_macro == [(3, "Newsletter <!channel>")]
    assert findings.not_revisited == [(1, "KPI 1")]
    assert findings.overloaded_owners == [("U0BOB", 6)]
    text = str(build_review(findings, "sv", "C0SALES"))
    assert "lojalitet" in text and "<@U0BOB> äger 6 KPI:er" in text and "<!channel>" not in text


def test_a_balanced_set_has_nothing_to_flag() -> None:
    stages = ("reach", "engage", "activate", "loyalty")
    kpis = [kpi(n, funnel_stage=s, level=5, conversion="macro") for n, s in enumerate(stages, 1)]
    findings = review_kpis(kpis, now=NOW)
    assert (findings.missing_stages, findings.micro_without_macro, findings.not_revisited) == ([], [], [])
    assert not findings.low_level_majority and findings.overloaded_owners == []
    assert "Nothing else to flag" in str(build_review(findings, "en", "C0SALES"))


def test_the_tick_posts_each_channels_review_once_per_quarter(engine: Engine, fake: FakeSlack) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0AAA")
        for channel in ("C0ONE", "C0ONE", "C0TWO"):
            repo.create_kpi(session, "T0AAA", name="Leads", channel_id=channel, funnel_stage="activate", level=4)

    def run(days: int) -> TickSummary:
        async def go() -> TickSummary:
            client = AsyncWebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])

            async def client_for(_: str) -> AsyncWebClient:
                return client

            summary = TickSummary()
            now = utcnow() + timedelta(days=days)
            await post_due_reviews(engine, client_for, now=now, team_ids=["T0AAA"], summary=summary)
            return summary

        return asyncio.run(go())

    assert run(1).reviews == 0  # the first review comes at the start of the next quarter
    assert run(100).reviews == 2
    assert run(100).reviews == 0
    posted = sorted(c.args["channel"] for c in fake.of("chat.postMessage"))
    assert posted == ["C0ONE", "C0TWO"]
