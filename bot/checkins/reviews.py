"""The periodic review of each channel's KPI set, posted by the tick (default quarterly; `/kpi review` on demand).

A review is due on the first Monday of each quarter at 09:00 in the time zone of the channel's first KPI, for
channels whose KPIs existed before that moment. It is claimed in ``channel_reviews`` (unique per channel and
quarter) before it is posted, so re-runs and replicas never post it twice. Unlike a check-in it is not reconciled
after a crash between claim and post: a lost review costs nothing that `/kpi review` cannot give back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.checkins.review import review_kpis
from bot.checkins.schedule import latest_due, schedule_of
from bot.checkins.tick import ChannelLane, ClientFor, StillRateLimited, TickSummary
from bot.slack.blocks.review import build_review
from bot.slack.i18n import t
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi

log = logging.getLogger(__name__)

REVIEW_CADENCE = "quarterly"
REVIEW_WEEKDAY = 0
REVIEW_TIME = "09:00"


def due_reviews(
    engine: Engine, team_ids: Collection[str] | None, now: datetime
) -> list[tuple[str, str, str, list[Kpi]]]:
    """(team, channel, period key, the channel's KPIs) for every review due at ``now`` and not yet claimed."""
    with session_scope(engine) as session:
        sets = repo.channel_kpi_sets(session, team_ids)
        claimed = repo.claimed_reviews(session, team_ids)
    due = []
    for (team_id, channel), kpis in sets.items():
        schedule = schedule_of(REVIEW_CADENCE, REVIEW_WEEKDAY, REVIEW_TIME, kpis[0].timezone)
        first_created = min(k.created_at for k in kpis)
        found = latest_due(schedule, now, not_before=first_created) if schedule else None
        if found is not None and (team_id, channel, found.period_key) not in claimed:
            due.append((team_id, channel, found.period_key, kpis))
    return due


def _claim(engine: Engine, team_id: str, channel: str, period_key: str) -> int | None:
    with session_scope(engine) as session:
        return repo.claim_review(session, team_id, channel, period_key)


def _recorded(engine: Engine, review_id: int, ts: str) -> None:
    with session_scope(engine) as session:
        repo.record_review_posted(session, review_id, ts)


async def post_due_reviews(
    engine: Engine, client_for: ClientFor, *, now: datetime, team_ids: Collection[str] | None, summary: TickSummary
) -> None:
    """Claim and post every channel review due at ``now``; channels in parallel, each through its own lane."""
    due = await asyncio.to_thread(due_reviews, engine, team_ids, now)

    async def post(team_id: str, channel: str, period_key: str, kpis: list[Kpi]) -> None:
        client = await client_for(team_id)
        if client is None:
            return
        review_id = await asyncio.to_thread(_claim, engine, team_id, channel, period_key)
        if review_id is None:
            return
        lang = kpis[0].language
        blocks = build_review(review_kpis(kpis, now=now), lang, channel)
        try:
            response = await ChannelLane(client).call(
                "chat_postMessage",
                channel=channel,
                blocks=blocks,
                text=t(lang, "review.title", channel=f"<#{channel}>"),
            )
        except (SlackApiError, StillRateLimited) as error:
            log.error("posting the review of %s failed: %s", channel, error)
            summary.failed += 1
            return
        await asyncio.to_thread(_recorded, engine, review_id, response["ts"])
        summary.reviews += 1

    await asyncio.gather(*(post(*entry) for entry in due))
