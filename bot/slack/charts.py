"""Trend charts into Slack: words in the viewer's language, drawn off the event loop (once per version), uploaded
with ``files_upload_v2`` after the ack.

``files_upload_v2`` is Slack's current upload: files.getUploadURLExternal, the bytes to the URL it gives, then
files.completeUploadExternal shares the file into the channel or thread. A chart needs two values: one point has
no trend to show.
"""

from __future__ import annotations

import asyncio
import logging
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


async def post_checkin_chart(
    lane: Any, engine: Engine, team_id: str, number: int, language: str, channel: str, thread_ts: str
) -> None:
    """The chart of a just-posted check-in, into its thread, through the channel's rate-limited lane. A chart that
    cannot be posted is logged in one line: the check-in itself is posted and recorded."""
    try:
        upload = await kpi_chart_file(engine, team_id, number, language)
        if upload is not None:
            await lane.call("files_upload_v2", channel=channel, thread_ts=thread_ts, **upload)
    except Exception as error:
        log.warning("the chart of check-in #%s in %s was not posted: %s", number, channel, failure(error))


def failure(error: BaseException) -> str:
    """Slack's own error code for a refused call (``not_in_channel``), else the error's type and first line."""
    if isinstance(error, SlackApiError) and isinstance(error.response.get("error"), str):
        return error.response["error"]
    return describe_error(error)
