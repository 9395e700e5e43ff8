"""`/kpi` and its subcommands: check, add, list, show, update, edit, archive, cadence, pause, resume, review, help.

Answers go in the acknowledgement itself (an ephemeral message), which is the fastest path and needs no Web API
call. Database work runs on a worker thread; when it is slower than the ack budget the request is acknowledged
with "working on it" and the answer follows through the response_url.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import grading
from bot.checkins.schedule import zone
from bot.metrics import GRADE_SECONDS, timing
from bot.services import checkins as checkin_services
from bot.services import register as kpis
from bot.services.commands import (
    is_slack_user_id,
    parse_cadence,
    parse_command,
    parse_kpi_number,
    parse_list_scope,
    parse_pause_until,
)
from bot.services.dashboard import kpi_overview
from bot.services.numbers import format_number, split_leading_number
from bot.slack.blocks import (
    build_check_result,
    build_help,
    build_kpi_detail,
    build_kpi_list,
    build_kpi_modal,
    build_notice,
    fallback_text,
)
from bot.slack.blocks.kpi import CALLBACK_ADD, CALLBACK_EDIT
from bot.slack.blocks.review import build_review
from bot.slack.charts import MIN_VALUES, cannot_post_here, post_chart
from bot.slack.context import ACK_BUDGET_SECONDS, BotContext, log_failure
from bot.slack.escaping import echo_mrkdwn
from bot.slack.i18n import pick_language, t
from bot.slack.owners import learn_owner_timezone_later
from bot.store import KpiNotFound

grade_goal = timing(GRADE_SECONDS)(grading.grade_goal)  # the grader stays free of metrics

COMMAND = "/kpi"
log = logging.getLogger(__name__)

Reply = tuple[list[dict], str]


def register_command(app: AsyncApp, bot: BotContext) -> None:
    """Register `/kpi`."""

    @app.command(COMMAND)
    async def kpi_command(
        ack: AsyncAck, command: dict, client: AsyncWebClient, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        team_id = context.team_id or command.get("team_id") or ""
        user_id = context.user_id or command.get("user_id") or ""
        channel_id = command.get("channel_id")
        parsed = parse_command(command.get("text", ""))
        # An English command word is what most people type whatever their language, so it does not outrank
        # their Slack locale; `/kpi visa` or `/kpi vis` does.
        locale = bot.locales.get(team_id, user_id)
        if parsed.language_hint == "en":
            lang = pick_language(locale, "en")
        else:
            lang = pick_language(parsed.language_hint, locale)

        async def answer(reply: Reply) -> None:
            await ack(response_type="ephemeral", blocks=reply[0], text=reply[1])

        async def answer_db(work: Any) -> None:
            """Answer with ``work``'s reply in the ack, or, if the database is slower than the ack budget,
            acknowledge with "working on it" and send the reply through the response_url when it is ready."""
            task = asyncio.ensure_future(work)
            try:
                reply = await asyncio.wait_for(asyncio.shield(task), ACK_BUDGET_SECONDS)
            except TimeoutError:
                await ack(response_type="ephemeral", text=t(lang, "error.slow"))
                bot.after_ack(_late_reply(task, respond, lang), f"/kpi {parsed.name}")
                return
            except Exception as error:
                log_failure(log, f"/kpi {parsed.name}", error)
                reply = _notice(t(lang, "error.failed"))
            await answer(reply)

        try:
            if parsed.name in ("help", "empty"):
                await answer((build_help(lang), t(lang, "help.intro")))
            elif parsed.name == "check":
                await answer(_check_reply(parsed.rest, lang))
            elif parsed.name == "add" and parsed.rest:
                await answer_db(_add_from_text(bot, client, team_id, user_id, channel_id, parsed.rest))
            elif parsed.name == "add":
                await ack()
                view = build_kpi_modal(
                    lang,
                    callback_id=CALLBACK_ADD,
                    private_metadata=json.dumps({"lang": lang, "channel": channel_id}),
                    initial={"owner_user_id": user_id},
                )
                bot.after_ack(client.views_open(trigger_id=command["trigger_id"], view=view), "views.open")
            elif parsed.name == "list":
                await answer_db(_list(bot, team_id, user_id, parsed.rest, lang))
            elif parsed.name == "review":
                await answer_db(_review(bot, team_id, channel_id, lang))
            elif parsed.name in ("show", "update", "archive", "edit", "cadence", "pause", "resume"):
                number, rest = parse_kpi_number(parsed.rest)
                if number is None:
                    await answer(_notice(t(lang, "error.need_number", command=parsed.word or parsed.name)))
                elif parsed.name == "show":
                    await answer_db(_show(bot, client, respond, team_id, channel_id, number, lang))
                elif parsed.name == "update":
                    await answer_db(_update(bot, team_id, user_id, number, rest, lang))
                elif parsed.name == "archive":
                    await answer_db(_archive(bot, team_id, user_id, number, lang))
                elif parsed.name == "cadence":
                    await answer_db(_cadence(bot, client, team_id, user_id, number, rest, lang))
                elif parsed.name == "pause" and parse_pause_until(rest) is None:
                    await answer(_notice(t(lang, "pause.usage")))
                elif parsed.name == "pause" and (until := parse_pause_until(rest)) < date.today():
                    example = (date.today() + timedelta(days=7)).isoformat()
                    await answer(_notice(t(lang, "pause.past", until=until.isoformat(), example=example)))
                elif parsed.name == "pause":
                    await answer_db(_pause(bot, team_id, user_id, number, parse_pause_until(rest), lang))
                elif parsed.name == "resume":
                    await answer_db(_pause(bot, team_id, user_id, number, None, lang))
                else:
                    await _open_edit(bot, ack, client, command, team_id, user_id, number, lang, channel_id)
            else:
                words = parsed.rest.split()
                detected = grade_goal(parsed.rest).language if len(words) >= 3 else None
                lang = pick_language(detected, lang)
                await answer(_notice(t(lang, "error.unknown_command", word=echo_mrkdwn(parsed.word, 40))))
        except Exception as error:
            log_failure(log, f"/kpi {parsed.name}", error)
            if ack.response is None:
                await answer(_notice(t(lang, "error.failed")))
            else:
                failed = respond(response_type="ephemeral", replace_original=False, text=t(lang, "error.failed"))
                bot.after_ack(failed, "an error reply")
        finally:
            bot.locales.learn_later(client, team_id, user_id)


async def _late_reply(task: Any, respond: AsyncRespond, lang: str) -> None:
    try:
        reply = await task
    except Exception as error:
        log_failure(log, "a slow /kpi command", error)
        reply = _notice(t(lang, "error.failed"))
    await respond(response_type="ephemeral", replace_original=False, blocks=reply[0], text=reply[1])


def _notice(text: str) -> Reply:
    return build_notice(text), text


def _check_reply(goal: str, lang: str) -> Reply:
    if not goal.strip():
        return _notice(t(lang, "check.empty"))
    assessment = grade_goal(goal)
    return build_check_result(assessment), fallback_text(assessment)


async def _add_from_text(
    bot: BotContext, client: AsyncWebClient, team_id: str, user_id: str, channel_id: str | None, text: str
) -> Reply:
    assessment = grade_goal(text)
    lang = assessment.language
    kpi = await bot.db(kpis.add_kpi_from_goal, team_id, assessment, user_id=user_id, channel_id=channel_id)
    learn_owner_timezone_later(bot, client, team_id, kpi.number, kpi.owner_user_id)
    saved = t(
        lang,
        "add.saved",
        number=kpi.number,
        name=echo_mrkdwn(kpi.name, 120),
        owner=kpi.owner_user_id,
        grade=f"{kpi.grade} ({assessment.score}/100)",
    )
    return _notice(f"{saved}\n{t(lang, 'add.tip', number=kpi.number)}")


async def _list(bot: BotContext, team_id: str, user_id: str, text: str, lang: str) -> Reply:
    scope, other = parse_list_scope(text)
    if scope == "unknown":
        return _notice(t(lang, "error.bad_list_scope"))
    if scope == "mine":
        found = await bot.db(kpis.list_register, team_id, owner_user_id=user_id)
        title = t(lang, "list.mine")
    elif scope == "user" and is_slack_user_id(other):
        found = await bot.db(kpis.list_register, team_id, owner_user_id=other)
        title = t(lang, "list.user", user=other)
    else:
        found = await bot.db(kpis.list_register, team_id, include_archived=scope == "archived")
        title = t(lang, "list.archived" if scope == "archived" else "list.all")
    return build_kpi_list(found, lang, title), title


async def _show(
    bot: BotContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
    team_id: str,
    channel_id: str | None,
    number: int,
    lang: str,
) -> Reply:
    """The KPI in full; its trend chart follows as a file in this conversation, after the answer."""
    try:
        overview = await bot.db(kpi_overview, team_id, number)
    except KpiNotFound:
        return _notice(t(lang, "error.not_found", number=number))
    note = t(lang, "show.chart_later")
    if overview.card.value_count >= MIN_VALUES and channel_id:
        note = t(lang, "show.chart_follows")
        work = _show_chart(bot, client, respond, team_id, channel_id, number, lang)
        bot.after_ack(work, "posting a trend chart")
    kpi = overview.detail.kpi
    return build_kpi_detail(overview, lang, chart_note=note), f"#{kpi.number} {echo_mrkdwn(kpi.name, 120)}"


async def _show_chart(
    bot: BotContext, client: AsyncWebClient, respond: AsyncRespond, team_id: str, channel: str, number: int, lang: str
) -> None:
    """Draw and upload the chart; where the bot may not post, say so to the person who asked (only them)."""
    try:
        await post_chart(client, bot.engine, team_id, number, lang, channel=channel)
    except Exception as error:
        if not cannot_post_here(error):
            log_failure(log, "posting a trend chart", error)
        await respond(response_type="ephemeral", replace_original=False, text=t(lang, "show.chart_failed"))


async def _update(bot: BotContext, team_id: str, user_id: str, number: int, rest: str, lang: str) -> Reply:
    if not rest:
        return _notice(t(lang, "error.need_value", number=number))
    value, note = split_leading_number(rest, lang)
    if value is None:
        return _notice(t(lang, "error.not_a_number", value=echo_mrkdwn(rest.split()[0], 40)))
    try:
        kpi = await bot.db(kpis.record_kpi_value, team_id, number, value, user_id=user_id, note=note or None)
    except KpiNotFound:
        return _notice(t(lang, "error.not_found", number=number))
    text = t(
        lang,
        "update.recorded",
        value=format_number(value, lang, unit=kpi.unit),
        number=kpi.number,
        name=echo_mrkdwn(kpi.name, 120),
        target=format_number(kpi.target, lang, unit=kpi.unit),
    )
    return _notice(text)


async def _archive(bot: BotContext, team_id: str, user_id: str, number: int, lang: str) -> Reply:
    try:
        kpi = await bot.db(kpis.archive, team_id, number, user_id=user_id)
    except KpiNotFound:
        return _notice(t(lang, "error.not_found", number=number))
    except kpis.NotAllowed as refused:
        return _notice(t(lang, "error.not_allowed", owner=refused.owner_user_id or "", number=number))
    return _notice(t(lang, "archive.done", number=kpi.number, name=echo_mrkdwn(kpi.name, 120)))


async def _changing(number: int, lang: str, work: Any) -> tuple[Any, Reply | None]:
    """Run a change of KPI ``#number``: (its result, None), or (None, the reply) for a missing KPI or a refusal."""
    try:
        return await work, None
    except KpiNotFound:
        return None, _notice(t(lang, "error.not_found", number=number))
    except kpis.NotAllowed as refused:
        return None, _notice(t(lang, "error.not_allowed", owner=refused.owner_user_id or "", number=number))


async def _cadence(
    bot: BotContext, client: AsyncWebClient, team_id: str, user_id: str, number: int, rest: str, lang: str
) -> Reply:
    wanted = parse_cadence(rest)
    if wanted.cadence is None:
        return _notice(t(lang, "cadence.usage"))
    work = bot.db(
        checkin_services.set_cadence,
        team_id,
        number,
        wanted.cadence,
        user_id=user_id,
        weekday=wanted.weekday,
        at=wanted.at,
    )
    result, refusal = await _changing(number, lang, work)
    if refusal is not None:
        return refusal
    kpi, due = result
    name = echo_mrkdwn(kpi.name, 120)
    if due is None:
        return _notice(t(lang, "cadence.turned_off", number=kpi.number, name=name))
    learn_owner_timezone_later(bot, client, team_id, kpi.number, kpi.owner_user_id)
    local = due.due_at.astimezone(zone(kpi.timezone))
    # The day of the next check-in itself: a daily rhythm has no weekday (the stored one may say Friday).
    day = t(lang, "cadence.every_working_day") if kpi.cadence == "daily" else t(lang, f"weekday.{local.weekday()}")
    text = t(
        lang,
        "cadence.set",
        number=kpi.number,
        name=name,
        cadence=t(lang, f"cadence.{kpi.cadence}").lower(),
        weekday=day,
        time=kpi.checkin_time,
        tz=kpi.timezone,
        next=f"{local:%Y-%m-%d %H:%M}",
    )
    return _notice(text)


async def _pause(bot: BotContext, team_id: str, user_id: str, number: int, until: date | None, lang: str) -> Reply:
    """`/kpi pause N until DATE`, or with ``until`` None `/kpi resume N`."""
    work = bot.db(checkin_services.pause, team_id, number, until, user_id=user_id)
    kpi, refusal = await _changing(number, lang, work)
    if refusal is not None:
        return refusal
    name = echo_mrkdwn(kpi.name, 120)
    if until is None:
        return _notice(t(lang, "resume.done", number=kpi.number, name=name))
    return _notice(t(lang, "pause.done", number=kpi.number, name=name, until=until.isoformat()))


async def _review(bot: BotContext, team_id: str, channel_id: str | None, lang: str) -> Reply:
    findings = await bot.db(checkin_services.channel_review, team_id, channel_id)
    blocks = build_review(findings, lang, channel_id)
    return blocks, t(lang, "review.title", channel=f"<#{channel_id}>" if channel_id else "–")


async def _open_edit(
    bot: BotContext,
    ack: AsyncAck,
    client: AsyncWebClient,
    command: dict,
    team_id: str,
    user_id: str,
    number: int,
    lang: str,
    channel_id: str | None,
) -> None:
    """Load the KPI (the trigger_id stays valid 3 s), refuse politely, or acknowledge and open the edit modal."""
    try:
        kpi = await bot.db(kpis.kpi_for_edit, team_id, number, user_id=user_id)
    except KpiNotFound:
        reply = _notice(t(lang, "error.not_found", number=number))
        await ack(response_type="ephemeral", blocks=reply[0], text=reply[1])
        return
    except kpis.NotAllowed as refused:
        reply = _notice(t(lang, "error.not_allowed", owner=refused.owner_user_id or "", number=number))
        await ack(response_type="ephemeral", blocks=reply[0], text=reply[1])
        return
    await ack()
    initial = {column.key: getattr(kpi, column.key) for column in kpi.__table__.columns}
    metadata = json.dumps({"lang": lang, "number": number, "channel": channel_id})
    view = build_kpi_modal(lang, callback_id=CALLBACK_EDIT, private_metadata=metadata, initial=initial, number=number)
    bot.after_ack(client.views_open(trigger_id=command["trigger_id"], view=view), "views.open")


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the slash command listeners."""
    register_command(app, bot)
