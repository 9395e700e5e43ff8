"""The moving parts of posting a burst: channel lanes bounded per workspace, records written in batches, and the
claims a worker still holds kept fresh.

Why each exists:

* **Lanes per (workspace, channel), at most ``per_workspace`` channels of one workspace at once.** Slack limits
  chat.postMessage per channel (about one a second) and per workspace; a single cap for the whole process let one
  large workspace hold every slot while a thousand others waited.
* **A recorder.** Marking a post in the database is a transaction; one per check-in made a 30k burst wait on
  30k round trips. Posts that finish while a write is under way are written together in the next one. A crash
  before a record is written is what the message metadata and reconciliation already cover.
* **A claim keeper.** Check-ins are claimed a batch at a time, so one can wait behind its channel's rate limit
  longer than the lease after which another replica would take it for abandoned. The keeper renews the claims
  this worker still holds, every quarter lease, until each is recorded or let go.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine

from bot.store import repository as repo
from bot.store import session_scope

log = logging.getLogger(__name__)

L = TypeVar("L")
Job = Callable[[Any], Awaitable[None]]


@dataclass
class _Lane(Generic[L]):
    jobs: deque[Job] = field(default_factory=deque)
    lane: L | None = None
    running: bool = False


class Fanout(Generic[L]):
    """Runs jobs in per-channel order: one lane (made by ``make_lane(client)``) per (team, channel), lanes of one
    team at most ``per_workspace`` at a time, every team's client looked up once (``client_for``)."""

    def __init__(
        self,
        client_for: Callable[[str], Awaitable[Any]],
        make_lane: Callable[[Any], L],
        per_workspace: int,
        no_client: Callable[[str, list[Job]], Awaitable[None]],
    ) -> None:
        self.client_for = client_for
        self.make_lane = make_lane
        self.per_workspace = per_workspace
        self.no_client = no_client
        self.lanes: dict[tuple[str, str], _Lane[L]] = {}
        self.slots: dict[str, asyncio.Semaphore] = {}
        self.clients: dict[str, asyncio.Future[Any]] = {}
        self.in_flight = 0
        self.busy_lanes = 0
        self.changed = asyncio.Condition()
        self.tasks: set[asyncio.Task[None]] = set()

    def submit(self, team_id: str, channel: str, job: Job) -> None:
        """Queue ``job(lane)`` behind the jobs already queued for this channel."""
        entry = self.lanes.setdefault((team_id, channel), _Lane())
        if not entry.jobs:
            self.busy_lanes += 1
        entry.jobs.append(job)
        self.in_flight += 1
        if not entry.running:
            entry.running = True
            task = asyncio.create_task(self._drain(team_id, channel, entry))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _client(self, team_id: str) -> Any:
        if team_id not in self.clients:
            self.clients[team_id] = asyncio.ensure_future(self.client_for(team_id))
        return await self.clients[team_id]

    async def _drain(self, team_id: str, channel: str, entry: _Lane[L]) -> None:
        try:
            client = await self._client(team_id)
            if client is None:
                jobs = list(entry.jobs)
                entry.jobs.clear()
                await self.no_client(team_id, jobs)
                await self._done(len(jobs), lane_idle=True)
                return
            slots = self.slots.setdefault(team_id, asyncio.Semaphore(self.per_workspace))
            async with slots:
                if entry.lane is None:
                    entry.lane = self.make_lane(client)
                while entry.jobs:
                    job = entry.jobs[0]
                    try:
                        await job(entry.lane)
                    except Exception:  # one check-in's failure must not stop the rest of the channel
                        log.exception("a check-in job in %s failed", channel)
                    entry.jobs.popleft()
                    await self._done(1, lane_idle=not entry.jobs)
        finally:
            entry.running = False
            if entry.jobs:  # submitted while the lane was finishing: start it again
                entry.running = True
                task = asyncio.create_task(self._drain(team_id, channel, entry))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    async def _done(self, count: int, *, lane_idle: bool) -> None:
        async with self.changed:
            self.in_flight -= count
            self.busy_lanes -= 1 if lane_idle else 0
            self.changed.notify_all()

    async def room_for(self, lanes: int, jobs: int) -> None:
        """Wait until fewer than ``lanes`` channels have work queued here and fewer than ``jobs`` jobs wait: a worker
        claims only what it will soon post, so replicas split a burst instead of the first one hoarding it.

        Channels, not jobs, are what keep a worker busy: a channel's later check-ins only wait for its rate limit,
        so a burst whose check-ins crowd into few channels is claimed at once (each lane paced from the start),
        while one spread over thousands of channels is claimed as fast as it is posted."""
        async with self.changed:
            await self.changed.wait_for(lambda: self.busy_lanes < lanes and self.in_flight < jobs)

    async def drain(self) -> None:
        """Wait until every submitted job has run."""
        async with self.changed:
            await self.changed.wait_for(lambda: self.in_flight == 0)


class Recorder:
    """Writes posted check-ins to the database in batches (``record_posted_batch``) and hands each caller its
    escalation (nudge, stale) back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pending: list[tuple[repo.Posted, asyncio.Future[repo.Escalation]]] = []
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def record(self, posted: repo.Posted) -> repo.Escalation:
        if self.task is None:
            self.task = asyncio.create_task(self._run())
        future: asyncio.Future[repo.Escalation] = asyncio.get_running_loop().create_future()
        self.pending.append((posted, future))
        self.wake.set()
        return await future

    def _write(self, batch: list[repo.Posted]) -> dict[int, repo.Escalation]:
        with session_scope(self.engine) as session:
            return repo.record_posted_batch(session, batch)

    async def _run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            batch, self.pending = self.pending, []
            if not batch:
                continue
            try:
                escalations = await asyncio.to_thread(self._write, [posted for posted, _ in batch])
            except Exception as error:  # the claims stay without a ts: reconciliation finds the messages later
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for posted, future in batch:
                if not future.done():
                    future.set_result(escalations.get(posted.checkin_id, repo.Escalation()))

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


class ClaimKeeper:
    """Renews the claims this worker holds (claimed, not yet recorded) every quarter lease."""

    def __init__(self, engine: Engine, worker: str, lease: timedelta) -> None:
        self.engine = engine
        self.worker = worker
        self.every = max(lease.total_seconds() / 4, 0.05)
        self.held: set[int] = set()
        self.task: asyncio.Task[None] | None = None

    def hold(self, checkin_id: int) -> None:
        self.held.add(checkin_id)
        if self.task is None:
            self.task = asyncio.create_task(self._run())

    def release(self, checkin_id: int) -> None:
        self.held.discard(checkin_id)

    def _renew(self, ids: list[int]) -> None:
        with session_scope(self.engine) as session:
            repo.renew_claims(session, ids, self.worker)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            if self.held:
                try:
                    await asyncio.to_thread(self._renew, sorted(self.held))
                except Exception:  # the next round tries again; a claim that ages out is reconciled, not lost
                    log.exception("renewing %d check-in claims failed", len(self.held))

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
