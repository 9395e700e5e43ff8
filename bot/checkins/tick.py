"""One scheduler tick: claim the check-ins that are due in batches, post them, record them.

Exactly once, step by step:

* claim — a batch of due KPI rows locked with SKIP LOCKED and one INSERT on the unique (kpi, period) key each, in
  one transaction (``store.due``); only the winner posts, so re-runs and replicas do not;
* post — ``chat.postMessage`` with metadata naming the check-in id;
* record — the message ts, written in batches (``fanout.Recorder``).

A crash between post and record leaves a claim with no ts. Once its lease has expired (the claimer is presumed
dead; a live one renews the claims it still holds), a later tick looks for the metadata in the channel's history:
found → recorded ("reconciled"), not found → taken over (a conditional update, so only one tick wins) and posted.

Posting honours Slack's ~1 message per second per channel: one lane per channel, paced one second after the
previous post's answer, with 429 + Retry-After honoured on top; lanes run concurrently (at most
MAX_CHANNELS_PER_WORKSPACE per workspace), so a large fan-out takes about as long as its busiest channel needs.
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
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.checkins.fanout import ClaimKeeper, Fanout, Recorder
from bot.checkins.progress import HISTORY_POINTS, Point
from bot.checkins.schedule import Due, zone
from bot.metrics import CHECKINS
from bot.slack.blocks.checkin import (
    build_checkin_message,
    build_nudge,
    build_stale_notice,
    checkin_fallback,
    checkin_id_in,
    checkin_metadata,
)
from bot.slack.charts import ChartRequest
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.models import Kpi
from bot.store.types import utcnow

log = logging.getLogger(__name__)

CHANNEL_INTERVAL_SECONDS = 1.0  # chat.postMessage: about one message per second per channel
DEFAULT_LEASE = timedelta(minutes=2)  # a claim older than this with no message ts is presumed abandoned
# Channels of one workspace posted to at once. Slack limits chat.postMessage per channel and per workspace, so the
# bound is per workspace: a thousand workspaces post side by side (the HTTP pool, TICK_CONNECTIONS, bounds the total).
MAX_CHANNELS_PER_WORKSPACE = 128
CLAIM_BATCH = 500  # check-ins claimed per transaction
# The next batch is claimed only while fewer than CLAIM_AHEAD channels have check-ins waiting in this process (and
# fewer than CLAIM_AHEAD_JOBS check-ins, a memory bound): enough to keep lanes fed, few enough that a replica that
# cannot keep up leaves the rest of a burst to the others.
CLAIM_AHEAD, CLAIM_AHEAD_JOBS = 4000, 10_000
MAX_RATE_LIMITED_RETRIES = 20
RETRY_JITTER_SECONDS = 0.25  # replicas sharing a channel's budget must not all retry at the same instant
HISTORY_SLACK = timedelta(minutes=5)  # look this far before a claim in the channel history (clock skew)
# Answers that will not change by trying again: the check-in of this period is given up (status skipped).
REFUSED_FOR_GOOD = frozenset(
    {
        *("channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "no_text"),
        *("msg_blocks_too_long", "restricted_action", "cannot_reply_to_message", "account_inactive"),
        *("invalid_auth", "token_revoked", "missing_scope"),
    }
)

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


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (pids repeat across containers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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


@dataclass
class _Tick:
    """What every job of one tick shares."""

    engine: Engine
    worker: str
    now: datetime
    summary: TickSummary
    keeper: ClaimKeeper
    recorder: Recorder
    charts: Callable[[ChartRequest], None] | None = None  # where posted check-ins worth a chart are handed


@dataclass(frozen=True)
class _Abandoned:
    """A claim with no message ts whose lease ran out."""

    team_id: str
    checkin: Any
    kpi: Kpi
    history: list[Point]


def _points(values: list[tuple[datetime, float]] | None) -> list[Point]:
    return list(map(Point._make, values or ()))


def claim_batch(
    engine: Engine, team_ids: Collection[str] | None, now: datetime, worker: str, size: int
) -> tuple[repo.ClaimedBatch, dict[int, list[tuple[datetime, float]]]]:
    """Claim one batch (its own short transaction, so the row locks are held for milliseconds), then read the
    history of just the check-ins it will post."""
    with session_scope(engine) as session:
        batch = repo.claim_due_checkins(session, team_ids, now, worker, size)
    posting = [c.kpi.id for c in batch.claimed if not c.paused]
    if not posting:
        return batch, {}
    with session_scope(engine) as session:
        return batch, repo.recent_values(session, posting, limit=HISTORY_POINTS)


def _abandoned(engine: Engine, team_ids: Collection[str] | None, lease: timedelta) -> list[_Abandoned]:
    with session_scope(engine) as session:
        found = repo.unconfirmed_checkins(session, team_ids, claimed_before=utcnow() - lease)
        histories = repo.recent_values(session, {kpi.id for _, _, kpi in found}, limit=HISTORY_POINTS)
    return [_Abandoned(team, checkin, kpi, _points(histories.get(kpi.id))) for team, checkin, kpi in found]


def _record_one(engine: Engine, checkin_id: int, ts: str, channel: str) -> repo.Escalation:
    with session_scope(engine) as session:
        return repo.record_posted(session, checkin_id, ts, channel)


def _take_over(engine: Engine, checkin_id: int, seen: datetime, worker: str) -> bool:
    with session_scope(engine) as session:
        return repo.take_over_claim(session, checkin_id, seen, worker)


def _give_up(engine: Engine, team_id: str, checkin_ids: list[int]) -> None:
    """Posts Slack refused for good (channel gone, not in it, uninstalled): skipped, not retried every tick."""
    with session_scope(engine) as session:
        for checkin_id in checkin_ids:
            repo.update_checkin(session, team_id, checkin_id, status="skipped")


async def _post(
    tick: _Tick, lane: ChannelLane, team_id: str, kpi: Kpi, due: Due, checkin_id: int, history: list[Point]
) -> None:
    """Post one claimed check-in, record it (batched), then post what recording decided (nudge, stale)."""
    summary = tick.summary
    channel = kpi.channel_id or ""
    today = tick.now.astimezone(zone(kpi.timezone)).date()
    try:
        blocks = build_checkin_message(kpi, history, checkin_id=checkin_id, today=today)
        response = await lane.call(
            "chat_postMessage",
            channel=channel,
            text=checkin_fallback(kpi),
            blocks=blocks,
            metadata=checkin_metadata(checkin_id, due.period_key, kpi.number),
            unfurl_links=False,
        )
    except StillRateLimited as error:
        log.warning("check-in %s of #%s left for a later tick: %s", checkin_id, kpi.number, error)
        summary.failed += 1
        CHECKINS.labels(outcome="failed").inc()
        tick.keeper.release(checkin_id)
        return
    except SlackApiError as error:
        summary.failed += 1
        CHECKINS.labels(outcome="failed").inc()
        tick.keeper.release(checkin_id)
        if error.response.get("error") in REFUSED_FOR_GOOD:
            log.error("Slack refused check-in %s of #%s in %s: %s", checkin_id, kpi.number, channel, error)
            await asyncio.to_thread(_give_up, tick.engine, team_id, [checkin_id])
        else:  # a server-side hiccup: the claim stays, and a tick after the lease looks for it and posts it
            log.warning("check-in %s of #%s left for a later tick: %s", checkin_id, kpi.number, error)
        return
    try:
        escalation = await tick.recorder.record(repo.Posted(checkin_id, kpi.id, due.due_at, response["ts"], channel))
    finally:
        tick.keeper.release(checkin_id)
    summary.posted += 1
    CHECKINS.labels(outcome="posted").inc()
    if len(history) >= 2 and tick.charts is not None:  # its trend chart goes into the thread later, off the tick
        tick.charts(ChartRequest(team_id, kpi.number, kpi.language, channel, response["ts"]))
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


async def _reconcile(tick: _Tick, channel: str, abandoned: list[_Abandoned], lane: ChannelLane) -> None:
    """Claims whose claimer presumably died: recorded when their message is in the channel, else taken over
    (only one tick wins the conditional update) and posted."""
    summary = tick.summary
    oldest = min(a.checkin.claimed_at for a in abandoned) - HISTORY_SLACK
    try:
        posted = await _find_posted(lane, channel, oldest)
    except SlackApiError as error:
        log.error("cannot read the history of %s to reconcile check-ins: %s", channel, error)
        summary.failed += len(abandoned)
        CHECKINS.labels(outcome="failed").inc(len(abandoned))
        return
    for entry in abandoned:
        checkin = entry.checkin
        if not await asyncio.to_thread(_take_over, tick.engine, checkin.id, checkin.claimed_at, tick.worker):
            summary.skipped += 1
            continue
        CHECKINS.labels(outcome="retried").inc()  # its claimer died: found in the channel, or posted again
        if checkin.id in posted:
            escalation = await asyncio.to_thread(_record_one, tick.engine, checkin.id, posted[checkin.id], channel)
            summary.reconciled += 1
            await _escalate(lane, entry.kpi, channel, escalation, summary)
            continue
        tick.keeper.hold(checkin.id)
        due = Due(checkin.period_key, checkin.due_at)
        await _post(tick, lane, entry.team_id, entry.kpi, due, checkin.id, entry.history)


async def post_due_checkins(
    engine: Engine,
    client_for: ClientFor,
    *,
    now: datetime | None = None,
    team_ids: Collection[str] | None = None,
    worker: str | None = None,
    lease: timedelta = DEFAULT_LEASE,
    per_workspace: int = MAX_CHANNELS_PER_WORKSPACE,
    interval: float = CHANNEL_INTERVAL_SECONDS,
    batch_size: int = CLAIM_BATCH,
    claim_ahead: int = CLAIM_AHEAD,
    charts: Callable[[ChartRequest], None] | None = None,
) -> TickSummary:
    """Post every check-in due at ``now`` (default: the current time) for ``team_ids`` (None: all teams).

    ``client_for(team_id)`` gives the Web API client carrying that team's bot token (None: the team's check-ins
    are skipped). Due check-ins are claimed ``batch_size`` at a time, and the next batch only once fewer than that
    (``claim_ahead`` channels) still have check-ins waiting here: several replicas running this at once split a burst.
    ``charts`` receives each posted check-in whose KPI has a trend to draw (see ``bot.slack.charts.CheckinCharts``).
    """
    now = now or utcnow()
    worker = worker or worker_name()
    summary = TickSummary()
    tick = _Tick(engine, worker, now, summary, ClaimKeeper(engine, worker, lease), Recorder(engine), charts)

    async def no_client(team_id: str, jobs: list[Any]) -> None:
        summary.skipped += len(jobs)
        CHECKINS.labels(outcome="skipped").inc(len(jobs))
        held = [getattr(job, "checkin_id", None) for job in jobs]
        held_ids = [checkin_id for checkin_id in held if checkin_id is not None]
        for checkin_id in held_ids:
            tick.keeper.release(checkin_id)
        if held_ids:
            await asyncio.to_thread(_give_up, engine, team_id, held_ids)

    fanout: Fanout[ChannelLane] = Fanout(client_for, lambda c: ChannelLane(c, interval), per_workspace, no_client)
    try:
        # A second pass picks up claims whose lease ran out while the first pass was posting (a process killed
        # just before this one started holds such claims); it finds nothing in the usual case and costs one read.
        for attempt in range(2):
            before = (summary.posted, summary.reconciled)
            abandoned = await asyncio.to_thread(_abandoned, engine, team_ids, lease)
            by_channel: dict[tuple[str, str], list[_Abandoned]] = defaultdict(list)
            for entry in abandoned:
                by_channel[(entry.team_id, entry.checkin.channel_id or entry.kpi.channel_id or "")].append(entry)
            for (team_id, channel), entries in by_channel.items():
                fanout.submit(team_id, channel, partial(_reconcile, tick, channel, entries))
            while attempt == 0:
                await fanout.room_for(claim_ahead, max(CLAIM_AHEAD_JOBS, batch_size))
                batch, histories = await asyncio.to_thread(claim_batch, engine, team_ids, now, worker, batch_size)
                if not batch.looked_at:
                    break
                for claimed in batch.claimed:
                    if claimed.paused:
                        summary.paused += 1
                        continue
                    tick.keeper.hold(claimed.checkin_id)
                    history = _points(histories.get(claimed.kpi.id))
                    job = _PostJob(tick, claimed.team_id, claimed.kpi, claimed.due, claimed.checkin_id, history)
                    fanout.submit(claimed.team_id, claimed.kpi.channel_id or "", job)
            await fanout.drain()
            if not abandoned or (summary.posted, summary.reconciled) == before:
                break
    finally:
        await tick.keeper.close()
        await tick.recorder.close()
    return summary


@dataclass(frozen=True)
class _PostJob:
    """One claimed check-in queued in its channel's lane (the check-in id is what a skipped team gives up)."""

    tick: _Tick
    team_id: str
    kpi: Kpi
    due: Due
    checkin_id: int
    history: list[Point]

    async def __call__(self, lane: ChannelLane) -> None:
        await _post(self.tick, lane, self.team_id, self.kpi, self.due, self.checkin_id, self.history)
