"""Running ticks for real: Web API clients per team, `kpi-advisor checkins run-due`, and the scheduler in serve.

In single-workspace mode the bot token's team (auth.test) is the only team ticked; in OAuth mode each team's bot
token comes from the installation store. The clients keep slack_sdk's connection retry but not its rate-limit
retry: the tick waits out 429s per channel itself, so one busy channel never holds up the others.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.checkins.reviews import post_due_reviews
from bot.checkins.tick import DEFAULT_LEASE, TickSummary, post_due_checkins
from bot.services.workspaces import purge_expired, workspace_installed
from bot.settings import Settings
from bot.slack.charts import CheckinCharts
from bot.store.types import utcnow

log = logging.getLogger(__name__)

# slack_sdk formats every request and response body into a debug message unless its logger's *own* level is above
# DEBUG (it tests ``logger.level``, not the effective level), which cost a burst a good part of its CPU. The tick's
# clients get a logger of their own at INFO: set it to DEBUG to see those messages again.
WEB_API_LOG = logging.getLogger(f"{__name__}.web_api")
WEB_API_LOG.setLevel(logging.INFO)
TICK_JOB_ID = "kpi-checkins-tick"
TICK_INTERVAL_SECONDS = 60
TICK_CONNECTIONS = 128
CHART_CONNECTIONS = 4
RETENTION_JOB_ID = "kpi-retention"
RETENTION_INTERVAL_HOURS = 6


class TeamClients:
    """One AsyncWebClient per team's bot token, sharing one HTTP connection pool."""

    def __init__(
        self, settings: Settings, engine: Engine, session: aiohttp.ClientSession, *, wait_out_429: bool = False
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.session = session
        self.wait_out_429 = wait_out_429
        self.home_team: str | None = None
        self._installations: Any = None

    def client(self, token: str) -> AsyncWebClient:
        """The tick's clients leave 429s to its channel lanes; others (charts) let slack_sdk's handler wait them out."""
        handlers: list[Any] = [AsyncConnectionErrorRetryHandler(max_retry_count=2)]
        if self.wait_out_429:
            handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
        return AsyncWebClient(
            token=token,
            base_url=self.settings.slack_api_url,
            session=self.session,
            retry_handlers=handlers,
            logger=WEB_API_LOG,
        )

    async def teams(self) -> list[str] | None:
        """The teams this process may tick: the token's team, or None (all installed teams) in OAuth mode."""
        if self.settings.oauth:
            return None
        if self.home_team is None:
            identity = await self.client(self.settings.bot_token or "").auth_test()
            self.home_team = identity["team_id"]
            # The token works, so the app is installed: a workspace that had uninstalled it is back (its new
            # token is this one). In OAuth mode the install callback does this.
            await asyncio.to_thread(workspace_installed, self.engine, self.home_team)
        return [self.home_team]

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        if not self.settings.oauth:
            return self.client(self.settings.bot_token or "") if team_id == self.home_team else None
        if self._installations is None:
            from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

            self._installations = SQLAlchemyInstallationStore(
                client_id=self.settings.client_id or "", engine=self.engine
            )
        bot = await asyncio.to_thread(self._installations.find_bot, enterprise_id=None, team_id=team_id)
        return self.client(bot.bot_token) if bot is not None and bot.bot_token else None


def checkin_charts(settings: Settings, engine: Engine) -> CheckinCharts:
    """The background chart poster for check-ins, with Web API clients of its own that outlive any one tick."""
    clients: list[TeamClients] = []

    async def client_for(team_id: str) -> AsyncWebClient | None:
        if not clients:
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CHART_CONNECTIONS))
            clients.append(TeamClients(settings, engine, session, wait_out_429=True))
            await clients[0].teams()
        return await clients[0].client_for(team_id)

    async def close() -> None:
        if clients:
            await clients[0].session.close()

    return CheckinCharts(client_for, engine, closing=close)


async def run_due(
    settings: Settings,
    engine: Engine,
    *,
    now: datetime | None = None,
    lease: timedelta = DEFAULT_LEASE,
    charts: CheckinCharts | None = None,
) -> TickSummary:
    """One tick (`kpi-advisor checkins run-due`, and each scheduled tick of serve); posted check-ins with a trend
    are handed to ``charts``."""
    connector = aiohttp.TCPConnector(limit=TICK_CONNECTIONS)
    async with aiohttp.ClientSession(connector=connector) as session:
        clients = TeamClients(settings, engine, session)
        teams = await clients.teams()
        add_chart = charts.add if charts is not None else None
        summary = await post_due_checkins(
            engine, clients.client_for, now=now, team_ids=teams, lease=lease, charts=add_chart
        )
        await post_due_reviews(engine, clients.client_for, now=now or utcnow(), team_ids=teams, summary=summary)
        return summary


async def scheduled_tick(settings: Settings, engine: Engine, charts: CheckinCharts | None = None) -> None:
    """The job APScheduler runs inside `kpi-advisor serve`; a failing tick is logged and the next one tries again."""
    try:
        summary = await run_due(settings, engine, charts=charts)
    except SlackApiError as error:  # the single workspace's token is dead (uninstalled, revoked): no traceback
        log.warning("check-in tick skipped: Slack refused the bot token (%s)", error.response.get("error"))
        return
    except Exception:
        log.exception("check-in tick failed")
        return
    if summary.posted or summary.reconciled or summary.reviews or summary.failed:
        log.info("check-in tick: %s", summary.line())


async def retention_job(engine: Engine, retention_days: int) -> None:
    """Delete the data of workspaces uninstalled more than ``retention_days`` ago (KPI_ADVISOR_RETENTION_DAYS)."""
    try:
        reports = await asyncio.to_thread(purge_expired, engine, retention_days)
    except Exception:
        log.exception("deleting the data of uninstalled workspaces failed; the next run tries again")
        return
    for report in reports:
        log.info(
            "retention: deleted %d rows of workspace %s, uninstalled over %d days ago",
            report.total,
            report.team_id,
            retention_days,
        )


def start_scheduler(settings: Settings, engine: Engine, interval_seconds: int = TICK_INTERVAL_SECONDS) -> Any:
    """Start APScheduler 3 on the running event loop with the tick and, when a retention is set, a job that deletes
    expired workspaces (every few hours: a purge is idempotent, so replicas running it too do no harm).

    No shared job store: the schedule lives in our own tables and every check-in is claimed there, so several
    replicas may each run this job without posting anything twice. ``max_instances=1`` keeps a slow tick from
    overlapping the next one in this process; ``coalesce`` turns a backlog into one run.
    """
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        scheduled_tick,
        "interval",
        seconds=interval_seconds,
        id=TICK_JOB_ID,
        replace_existing=True,
        kwargs={"settings": settings, "engine": engine, "charts": checkin_charts(settings, engine)},
        max_instances=1,
        coalesce=True,
        misfire_grace_time=interval_seconds,
        next_run_time=datetime.now().astimezone(),
    )
    if settings.retention_days:
        scheduler.add_job(
            retention_job,
            "interval",
            hours=RETENTION_INTERVAL_HOURS,
            id=RETENTION_JOB_ID,
            replace_existing=True,
            kwargs={"engine": engine, "retention_days": settings.retention_days},
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now().astimezone() + timedelta(seconds=interval_seconds),
        )
    scheduler.start()
    return scheduler
