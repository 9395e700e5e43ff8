"""Trend charts into Slack: words in the viewer's language, drawn off the event loop (once per version), uploaded
with ``files_upload_v2`` after the ack.

``files_upload_v2`` is Slack's current upload: files.getUploadURLExternal, the bytes to the URL it gives, then
files.completeUploadExternal shares the file into the channel or thread. A chart needs two values: one point has
no trend to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.charts import ChartLabels, TargetRevision, TrendChart, babel_locale
from bot.charts.render import format_value
from bot.charts.renderer import default_renderer
from bot.services.dashboard import KpiTrend, kpi_trend
from bot.slack.blocks.home import day_text
from bot.slack.context import describe_error
from bot.slack.escaping import echo_plain
from bot.slack.i18n import t

MIN_VALUES = 2
CHART_BACKLOG = 2000
NAME_MAX = 80
ALT_MAX = 1000
# Answers after which posting the chart into this conversation will not work however often we try.
NOT_HERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "access_denied"})
log = logging.getLogger(__name__)


def trend_chart(trend: KpiTrend, language: str) -> TrendChart:
    """The chart of ``trend`` with every word in ``language`` and numbers and dates in its locale."""
    lang = language
    axis = t(lang, "chart.value_axis")
    labels = ChartLabels(
        title=f"#{trend.number} {echo_plain(trend.name, NAME_MAX)}",
        value_axis=f"{axis} ({trend.unit})" if trend.unit else axis,
        date_axis=t(lang, "chart.date_axis"),
        values=t(lang, "chart.values"),
        target=t(lang, "chart.target"),
        baseline=t(lang, "chart.baseline"),
        deadline=t(lang, "chart.deadline"),
        trend=t(lang, "chart.trend"),
        band=t(lang, "chart.band"),
        revised=t(lang, "chart.revised"),
    )
    return TrendChart(
        labels=labels,
        locale=babel_locale(lang),
        values=tuple((p.at, p.value) for p in trend.values),
        target=trend.target,
        revisions=tuple(TargetRevision(at, old, new) for at, old, new in trend.revisions),
        baseline=trend.baseline,
        deadline=trend.deadline,
        projection=tuple((p.at, p.expected, p.low, p.high) for p in trend.projection),
    )


def alt_text(trend: KpiTrend, language: str) -> str:
    """What the chart shows, in words, for screen readers (and for anyone whose client does not show images)."""
    locale = babel_locale(language)
    first, last = trend.values[0], trend.values[-1]
    text = t(
        language,
        "chart.alt",
        number=trend.number,
        name=echo_plain(trend.name, NAME_MAX),
        count=len(trend.values),
        first=day_text(first.at.date(), language),
        last=day_text(last.at.date(), language),
        latest=format_value(last.value, locale),
        target="–" if trend.target is None else format_value(trend.target, locale),
    )
    return text[:ALT_MAX]


async def kpi_chart_file(engine: Engine, team_id: str, number: int, language: str) -> dict[str, Any] | None:
    """The chart of KPI ``#number`` as ``files_upload_v2`` arguments (file, filename, title, alt text); None when
    it has fewer than two values. The drawing happens in the chart process, or comes from its cache."""
    trend = await asyncio.to_thread(kpi_trend, engine, team_id, number)
    if len(trend.values) < MIN_VALUES:
        return None
    png = await default_renderer().png(trend_chart(trend, language))
    return {
        "file": png,
        "filename": f"kpi-{trend.number}-trend.png",
        "title": t(language, "chart.file_title", number=trend.number, name=echo_plain(trend.name, NAME_MAX)),
        "alt_txt": alt_text(trend, language),
    }


async def post_chart(client: Any, engine: Engine, team_id: str, number: int, language: str, **where: Any) -> bool:
    """Upload the chart of ``#number`` to ``where`` (``channel``, and ``thread_ts`` for a thread); False when it
    has too few values. A refusal for this conversation raises SlackApiError for the caller to explain."""
    upload = await kpi_chart_file(engine, team_id, number, language)
    if upload is None:
        return False
    await client.files_upload_v2(**upload, **where)
    return True


def cannot_post_here(error: BaseException) -> bool:
    """True for Slack's answers that mean "not in this conversation" (the bot is not a member, it is archived…)."""
    return isinstance(error, SlackApiError) and error.response.get("error") in NOT_HERE


@dataclass(frozen=True)
class ChartRequest:
    """A posted check-in whose KPI has a trend: its chart belongs in the check-in's thread."""

    team_id: str
    number: int
    language: str
    channel: str
    thread_ts: str


class CheckinCharts:
    """Trend charts for posted check-ins, drawn and uploaded one at a time in the background.

    Why not in the tick: a chart costs about 100 ms of CPU, a check-in post about 1 ms. A Monday burst of thousands
    of check-ins would wait for thousands of drawings, and the next tick behind them. So the tick only hands each
    posted check-in over (``add``); the charts follow in their threads as fast as one process draws them. The
    backlog is bounded: past ``backlog`` waiting charts, more are dropped and counted (the check-ins themselves are
    posted and recorded either way). ``client_for(team_id)`` gives the team's Web API client, or None.
    """

    def __init__(
        self,
        client_for: Callable[[str], Awaitable[Any]],
        engine: Engine,
        backlog: int = CHART_BACKLOG,
        closing: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.client_for = client_for
        self.engine = engine
        self.closing = closing
        self.queue: asyncio.Queue[ChartRequest] = asyncio.Queue(maxsize=backlog)
        self.dropped = 0
        self._worker: asyncio.Task[None] | None = None

    def add(self, request: ChartRequest) -> None:
        try:
            self.queue.put_nowait(request)
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped in (1, 10, 100) or self.dropped % 1000 == 0:
                log.info("%d check-in charts dropped: more than %d waiting", self.dropped, self.queue.maxsize)
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            request = await self.queue.get()
            try:
                client = await self.client_for(request.team_id)
                if client is not None:
                    where = {"channel": request.channel, "thread_ts": request.thread_ts}
                    await post_chart(client, self.engine, request.team_id, request.number, request.language, **where)
            except Exception as error:  # the check-in is posted and recorded; a lost chart is not fatal
                log.warning(
                    "the chart of check-in #%s in %s was not posted: %s",
                    request.number,
                    request.channel,
                    failure(error),
                )
            finally:
                self.queue.task_done()

    async def drain(self) -> None:
        """Wait until every chart handed over so far is posted (or given up); `checkins run-due` ends with this."""
        await self.queue.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self.closing is not None:
            await self.closing()


def failure(error: BaseException) -> str:
    """Slack's own error code for a refused call (``not_in_channel``), else the error's type and first line."""
    if isinstance(error, SlackApiError) and isinstance(error.response.get("error"), str):
        return error.response["error"]
    return describe_error(error)
