"""The periodic review of each channel's KPI set, posted by the tick (default quarterly; `/kpi review` on demand).

A review is due on the first Monday of each quarter at 09:00 in the time zone of the channel's first KPI, for
channels whose KPIs existed before that moment. When it next falls due is stored per channel (``review_schedules``,
kept by the store), so a tick reads only the channels that are due, not every KPI of every workspace. It is claimed
in ``channel_reviews`` (unique per channel and quarter) before it is posted, so re-runs and replicas never post it
twice. Unlike a check-in it is not reconciled after a crash between claim and post: a lost review costs nothing
that `/kpi review` cannot give back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.checkins.review import review_kpis
from bot.checkins.tick import ChannelLane, ClientFor, StillRateLimited, TickSummary
from bot.slack.blocks.review import build_review
from bot.slack.i18n import t
from bot.store import repository as repo
from bot.store import session_scope

log = logging.getLogger(__name__)

REVIEW_BATCH = 200


def _claim(engine: Engine, team_ids: Collection[str] | None, now: datetime) -> tuple[list[repo.ClaimedReview], int]:
    with session_scope(engine) as session:
        return repo.claim_due_reviews(session, team_ids, now, REVIEW_BATCH)


def _recorded(engine: Engine, review_id: int, ts: str) -> None:
    with session_scope(engine) as session:
        repo.record_review_posted(session, review_id, ts)


async def post_due_reviews(
    engine: Engine, client_for: ClientFor, *, now: datetime, team_ids: Collection[str] | None, summary: TickSummary
) -> None:
    """Claim and post every channel review due at ``now``, a batch at a time; channels in parallel, each through
    its own lane."""

    async def post(review: repo.ClaimedReview) -> None:
        client = await client_for(review.team_id)
        if client is None:
            return
        lang = review.kpis[0].language
        blocks = build_review(review_kpis(review.kpis, now=now), lang, review.channel_id)
        try:
            response = await ChannelLane(client).call(
                "chat_postMessage",
                channel=review.channel_id,
                blocks=blocks,
                text=t(lang, "review.title", channel=f"<#{review.channel_id}>"),
            )
        except (SlackApiError, StillRateLimited) as error:
            log.error("posting the review of %s failed: %s", review.channel_id, error)
            summary.failed += 1
            return
        await asyncio.to_thread(_recorded, engine, review.review_id, response["ts"])
        summary.reviews += 1

    while True:
        claimed, looked_at = await asyncio.to_thread(_claim, engine, team_ids, now)
        if not looked_at:
            return
        await asyncio.gather(*(post(review) for review in claimed))
