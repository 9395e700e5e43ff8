"""One scheduler tick: find the check-ins that are due, claim each in the database, post it, record it.

Exactly once, step by step:

* claim — an INSERT on the unique (kpi, period) key; only the winner posts, so re-runs and replicas do not;
* post — ``chat.postMessage`` with metadata naming the check-in id;
* record — the message ts, in its own transaction.

A crash between post and record leaves a claim with no ts. Once its lease has expired (the claimer is presumed
dead), a later tick looks for the metadata in the channel's history: found → recorded ("reconciled"), not found →
taken over (a conditional update, so only one tick wins) and posted. A crash before posting loses nothing either.

Posting honours Slack's ~1 message per second per channel: one lane per channel, paced one second after the
previous post's answer, with 429 + Retry-After honoured on top; lanes run concurrently, so a large fan-out takes
about as long as its busiest channel needs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.checkins.progress import Point
from bot.checkins.schedule import Due, latest_due, schedule_of, zone
from bot.slack.blocks.checkin import (
    build_checkin_message,
    build_nudge,
    build_stale_notice,
    checkin_fallback,
    checkin_id_in,
    checkin_metadata,
)
from bot.slack.charts import post_checkin_chart
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi
from bot.store.types import utcnow

log = logging.getLogger(__name__)

CHANNEL_INTERVAL_SECONDS = 1.0  # chat.postMessage: about one message per second per channel
DEFAULT_LEASE = timedelta(minutes=2)  # a claim older than this with no message ts is presumed abandoned
MAX_CHANNELS_AT_ONCE = 128
MAX_RATE_LIMITED_RETRIES = 20
RETRY_JITTER_SECONDS = 0.25  # replicas sharing a channel's budget must not all retry at the same instant
HISTORY_SLACK = timedelta(minutes=5)
# Answers that will not change by trying again: the check-in of this period is given up (status skipped).
REFUSED_FOR_GOOD = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "restricted_action",
        "cannot_reply_to_message",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
    }
)  # look this far before the claim in the channel history (clock skew)

ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]


@dataclass
class TickSummary:
    """What one tick did; ``line()`` is what `kpi-advisor checkins run-due` prints."""

    posted: int = 0
    reconciled: int = 0
    skipped: int = 0
    paused: int = 0
    nudged: int = 0
    stale: int = 0
    reviews: int = 0
    failed: int = 0

    def line(self) -> str:
        return (
            f"posted {self.posted}, reconciled {self.reconciled}, skipped {self.skipped}, paused {self.paused}, "
            f"nudged {self.nudged}, marked stale {self.stale}, reviews {self.reviews}, failed {self.failed}"
        )


@dataclass
class _Item:
    """One check-in to post: a new period to claim (``checkin_id`` None) or an abandoned claim taken over."""

    team_id: str
    kpi: Kpi
    due: Due
    history: list[Point]
    checkin_id: int | None = None


@dataclass
class _Plan:
    due: list[_Item] = field(default_factory=list)
    abandoned: list[tuple[str, Any, Kpi, list[Point]]] = field(default_factory=list)


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (pids repeat across containers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _points(values: list[Any]) -> list[Point]:
    return [Point(v.recorded_at, v.value) for v in values]


def plan_tick(engine: Engine, team_ids: Collection[str] | None, now: datetime, lease: timedelta) -> _Plan:
    """Read what is due at ``now`` and which claims were abandoned (one read transaction)."""
    plan = _Plan()
    with session_scope(engine) as session:
        candidates: list[tuple[str, Kpi, Due]] = []
        for scheduled in repo.scheduled_kpis(session, team_ids):
            kpi = scheduled.kpi
            schedule = schedule_of(kpi.cadence, kpi.checkin_weekday, kpi.checkin_time, kpi.timezone)
            due = latest_due(schedule, now, not_before=kpi.created_at) if schedule else None
            if due is not None:
                candidates.append((scheduled.team_id, kpi, due))
        claimed = repo.existing_claims(session, ((kpi.id, due.period_key) for _, kpi, due in candidates))
        fresh = [(team, kpi, due) for team, kpi, due in candidates if (kpi.id, due.period_key) not in claimed]
        abandoned = repo.unconfirmed_checkins(session, team_ids, claimed_before=utcnow() - lease)
        histories = repo.value_histories(session, {kpi.id for _, kpi, _ in fresh} | {k.id for _, _, k in abandoned})
        plan.due = [_Item(team, kpi, due, _points(histories.get(kpi.id, []))) for team, kpi, due in fresh]
        plan.abandoned = [(team, c, kpi, _points(histories.get(kpi.id, []))) for team, c, kpi in abandoned]
    return plan


def _claim(engine: Engine, item: _Item, worker: str, skip: bool) -> int | None:
    with session_scope(engine) as session:
        return repo.claim_period(
            session,
            item.kpi.id,
            item.due.period_key,
            item.due.due_at,
            worker,
            channel_id=item.kpi.channel_id,
            skip=skip,
        )


def _record(engine: Engine, checkin_id: int, ts: str, channel: str) -> repo.Escalation:
    with session_scope(engine) as session:
        return repo.record_posted(session, checkin_id, ts, channel)


def _take_over(engine: Engine, checkin_id: int, seen: datetime, worker: str) -> bool:
    with session_scope(engine) as session:
        return repo.take_over_claim(session, checkin_id, seen, worker)


def _give_up(engine: Engine, team_id: str, checkin_id: int) -> None:
    """A post Slack refused for good (channel gone, bot not in it): mark it skipped instead of retrying forever."""
    with session_scope(engine) as session:
        repo.update_checkin(session, team_id, checkin_id, status="skipped")


def _retry_after(error: SlackApiError) -> float:
    headers = {str(k).lower(): v for k, v in (error.response.headers or {}).items()}
    raw = headers.get("retry-after")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        return max(float(raw), 0.0) if raw is not None else 1.0
    except ValueError:
        return 1.0


class StillRateLimited(Exception):
    """Slack kept answering 429: the post is left claimed, and a later tick finishes it (after the lease)."""


class ChannelLane:
    """Posts to one channel no faster than Slack allows: spaced by the interval, waiting out any 429."""

    def __init__(self, client: AsyncWebClient, interval: float = CHANNEL_INTERVAL_SECONDS) -> None:
        self.client = client
        self.interval = interval
        self.ready_at = 0.0

    async def call(self, method: str, **kwargs: Any) -> Any:
        """Call client ``method`` (e.g. ``chat_postMessage``) when the channel's rate allows it."""
        loop = asyncio.get_running_loop()
        for _ in range(MAX_RATE_LIMITED_RETRIES):
            wait = self.ready_at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                response = await getattr(self.client, method)(**kwargs)
            except SlackApiError as error:
                if error.response.status_code != 429:
                    raise
                self.ready_at = loop.time() + _retry_after(error) + random.uniform(0, RETRY_JITTER_SECONDS)
                continue
            self.ready_at = loop.time() + self.interval
            return response
        raise StillRateLimited(f"{method} still rate limited after {MAX_RATE_LIMITED_RETRIES} tries")


async def _post_item(
    engine: Engine, lane: ChannelLane, item: _Item, worker: str, now: datetime, summary: TickSummary
) -> None:
    kpi = item.kpi
    checkin_id = item.checkin_id
    if checkin_id is None:
        local_due = item.due.due_at.astimezone(zone(kpi.timezone)).date()
        paused = kpi.paused_until is not None and local_due <= kpi.paused_until
        checkin_id = await asyncio.to_thread(_claim, engine, item, worker, paused)
        if checkin_id is None:
            summary.skipped += 1  # another tick (or replica) has it
            return
        if paused:
            summary.paused += 1
            return
    channel = kpi.channel_id or ""
    today = now.astimezone(zone(kpi.timezone)).date()
    blocks = build_checkin_message(kpi, item.history, checkin_id=checkin_id, today=today)
    try:
        response = await lane.call(
            "chat_postMessage",
            channel=channel,
            text=checkin_fallback(kpi),
            blocks=blocks,
            metadata=checkin_metadata(checkin_id, item.due.period_key, kpi.number),
            unfurl_links=False,
        )
    except StillRateLimited as error:
        log.warning("check-in %s of #%s left for a later tick: %s", checkin_id, kpi.number, error)
        summary.failed += 1
        return
    except SlackApiError as error:
        summary.failed += 1
        if error.response.get("error") in REFUSED_FOR_GOOD:
            log.error("Slack refused check-in %s of #%s in %s: %s", checkin_id, kpi.number, channel, error)
            await asyncio.to_thread(_give_up, engine, item.team_id, checkin_id)
        else:  # a server-side hiccup: the claim stays, and a tick after the lease looks for it and posts it
            log.warning("check-in %s of #%s left for a later tick: %s", checkin_id, kpi.number, error)
        return
    escalation = await asyncio.to_thread(_record, engine, checkin_id, response["ts"], channel)
    summary.posted += 1
    if len(item.history) >= 2:  # the trend chart, in the check-in's thread
        await post_checkin_chart(lane, engine, item.team_id, kpi.number, kpi.language, channel, response["ts"])
    await _escalate(lane, kpi, channel, escalation, summary)


async def _escalate(
    lane: ChannelLane, kpi: Kpi, channel: str, escalation: repo.Escalation, summary: TickSummary
) -> None:
    """Post what recording a check-in decided: a nudge in the previous one's thread, the one stale notice."""
    try:
        if escalation.nudge_thread_ts and escalation.nudge_channel:
            await lane.call(
                "chat_postMessage",
                channel=escalation.nudge_channel,
                thread_ts=escalation.nudge_thread_ts,
                text=build_nudge(kpi),
            )
            summary.nudged += 1
        if escalation.became_stale:
            await lane.call("chat_postMessage", channel=channel, text=build_stale_notice(kpi))
            summary.stale += 1
    except (SlackApiError, StillRateLimited) as error:  # the check-in is posted and recorded; a lost nudge is not fatal
        log.warning("escalating #%s in %s failed: %s", kpi.number, channel, error)


async def _find_posted(lane: ChannelLane, channel: str, oldest: datetime) -> dict[int, str]:
    """Check-in ids → message ts among our messages in ``channel`` since ``oldest`` (conversations.history)."""
    found: dict[int, str] = {}
    cursor = None
    while True:
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{oldest.timestamp():.6f}",
            "include_all_metadata": True,
            "limit": 200,
        }
        if cursor:
            args["cursor"] = cursor
        page = await lane.client.conversations_history(**args)
        for message in page.get("messages") or []:
            checkin_id = checkin_id_in(message)
            if checkin_id is not None:
                found[checkin_id] = message.get("ts")
        cursor = ((page.get("response_metadata") or {}).get("next_cursor")) or None
        if not cursor:
            return found


async def _run_channel(
    engine: Engine,
    lane: ChannelLane,
    channel: str,
    items: list[_Item],
    abandoned: list[tuple[str, Any, Kpi, list[Point]]],
    worker: str,
    now: datetime,
    summary: TickSummary,
) -> None:
    if abandoned:
        oldest = min(checkin.claimed_at for _, checkin, _, _ in abandoned) - HISTORY_SLACK
        try:
            posted = await _find_posted(lane, channel, oldest)
        except SlackApiError as error:
            log.error("cannot read the history of %s to reconcile check-ins: %s", channel, error)
            summary.failed += len(abandoned)
            posted = None
        for team_id, checkin, kpi, history in abandoned if posted is not None else []:
            if not await asyncio.to_thread(_take_over, engine, checkin.id, checkin.claimed_at, worker):
                summary.skipped += 1
                continue
            if checkin.id in posted:
                escalation = await asyncio.to_thread(_record, engine, checkin.id, posted[checkin.id], channel)
                summary.reconciled += 1
                await _escalate(lane, kpi, channel, escalation, summary)
            else:
                due = Due(checkin.period_key, checkin.due_at)
                items.insert(0, _Item(team_id, kpi, due, history, checkin_id=checkin.id))
    for item in items:
        try:
            await _post_item(engine, lane, item, worker, now, summary)
        except Exception:  # one KPI's failure must not stop the rest of the channel
            log.exception("check-in of #%s in %s failed", item.kpi.number, channel)
            summary.failed += 1


async def _fan_out(
    engine: Engine,
    plan: _Plan,
    client_for: ClientFor,
    clients: dict[str, AsyncWebClient | None],
    limit: asyncio.Semaphore,
    worker: str,
    now: datetime,
    interval: float,
    summary: TickSummary,
) -> None:
    """Post a plan: one lane per (team, channel), lanes concurrently (at most ``limit`` at once)."""
    lanes: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    abandoned: dict[tuple[str, str], list[tuple[str, Any, Kpi, list[Point]]]] = defaultdict(list)
    for item in plan.due:
        lanes[(item.team_id, item.kpi.channel_id or "")].append(item)
    for entry in plan.abandoned:
        team_id, checkin, kpi, _ = entry
        abandoned[(team_id, checkin.channel_id or kpi.channel_id or "")].append(entry)

    async def run(team_id: str, channel: str) -> None:
        if team_id not in clients:
            clients[team_id] = await client_for(team_id)
        client = clients[team_id]
        if client is None:
            summary.skipped += len(lanes.get((team_id, channel), [])) + len(abandoned.get((team_id, channel), []))
            return
        async with limit:
            lane = ChannelLane(client, interval)
            items, lost = lanes.get((team_id, channel), []), abandoned.get((team_id, channel), [])
            await _run_channel(engine, lane, channel, items, lost, worker, now, summary)

    await asyncio.gather(*(run(team_id, channel) for team_id, channel in set(lanes) | set(abandoned)))


async def post_due_checkins(
    engine: Engine,
    client_for: ClientFor,
    *,
    now: datetime | None = None,
    team_ids: Collection[str] | None = None,
    worker: str | None = None,
    lease: timedelta = DEFAULT_LEASE,
    max_channels: int = MAX_CHANNELS_AT_ONCE,
    interval: float = CHANNEL_INTERVAL_SECONDS,
) -> TickSummary:
    """Post every check-in due at ``now`` (default: the current time) for ``team_ids`` (None: all teams).

    ``client_for(team_id)`` gives the Web API client carrying that team's bot token (None: skip the team).
    """
    now = now or utcnow()
    worker = worker or worker_name()
    summary = TickSummary()
    clients: dict[str, AsyncWebClient | None] = {}
    limit = asyncio.Semaphore(max_channels)
    # A second pass picks up claims whose lease ran out while the first pass was posting (a process killed just
    # before this one started holds such claims); it finds nothing new in the usual case and costs one read.
    for _ in range(2):
        before = (summary.posted, summary.reconciled)
        plan = await asyncio.to_thread(plan_tick, engine, team_ids, now, lease)
        if not plan.due and not plan.abandoned:
            break
        await _fan_out(engine, plan, client_for, clients, limit, worker, now, interval, summary)
        if (summary.posted, summary.reconciled) == before:
            break
    return summary
