"""The buttons and forms of the App Home tab and of a KPI's detail: *Add KPI*, *Check a goal*, *Update value*,
*Open*, *Edit*, the pages and the team filter.

Each listener acknowledges first. Buttons that open a form do so at once with the interaction's trigger (valid for
3 s); from inside a modal (the detail opened with *Open*) the form is pushed on top of it. The Home tab is never
redrawn here after a change: the store reports the change and ``bot.slack.home`` republishes the tabs it concerns.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import grading
from bot.metrics import GRADE_SECONDS, timing
from bot.services import register as kpis
from bot.services.dashboard import kpi_overview
from bot.services.numbers import format_number, parse_number
from bot.slack.blocks import build_check_result, build_kpi_detail_modal, build_kpi_modal, build_saved_modal
from bot.slack.blocks.checkin import build_value_modal, modal_text
from bot.slack.blocks.detail import ACTION_EDIT
from bot.slack.blocks.home import (
    ACTION_ADD,
    ACTION_CHECK,
    ACTION_FILTER,
    ACTION_OPEN,
    ACTION_PAGE,
    ACTION_VALUE,
    CALLBACK_CHECK,
    CALLBACK_CHECKED,
    CALLBACK_VALUE,
    HomeState,
    build_check_goal_modal,
    build_checked_goal_modal,
    build_notice_modal,
)
from bot.slack.blocks.kpi import CALLBACK_ADD, CALLBACK_EDIT, view_metadata, view_values
from bot.slack.charts import MIN_VALUES, failure, post_chart
from bot.slack.context import BotContext
from bot.slack.home import home_tabs
from bot.slack.i18n import pick_language, t
from bot.store import KpiNotFound, is_row_number

grade_goal = timing(GRADE_SECONDS)(grading.grade_goal)  # the grader stays free of metrics
log = logging.getLogger(__name__)
NOTE_MAX = 3000


def _action_value(body: dict) -> Any:
    actions = body.get("actions") or [{}]
    first = actions[0] if isinstance(actions[0], dict) else {}
    return first.get("value") or (first.get("selected_option") or {}).get("value")


def _number(body: dict) -> int | None:
    value = _action_value(body)
    number = int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None
    return number if is_row_number(number) else None


async def _show(client: AsyncWebClient, body: dict, view: dict) -> None:
    """Open ``view``, or push it when the button was inside a modal (Slack keeps the detail underneath)."""
    trigger_id = body.get("trigger_id")
    if not isinstance(trigger_id, str) or not trigger_id:
        return
    if (body.get("view") or {}).get("type") == "modal":
        await client.views_push(trigger_id=trigger_id, view=view)
    else:
        await client.views_open(trigger_id=trigger_id, view=view)


async def _open(bot: BotContext, client: AsyncWebClient, body: dict, team_id: str, user_id: str, number: int) -> None:
    """*Open*: the KPI's detail in a modal, and its chart into the user's Messages tab with the app."""
    lang = pick_language(bot.locales.get(team_id, user_id))
    try:
        overview = await bot.db(kpi_overview, team_id, number)
    except KpiNotFound:
        await _show(client, body, build_notice_modal(lang, t(lang, "error.not_found", number=number)))
        return
    home = body.get("view") or {}
    state = HomeState.from_metadata(home.get("private_metadata")) if home.get("type") == "home" else None
    dm = (state or home_tabs(bot).state_of(team_id, user_id)).dm
    charted = overview.card.value_count >= MIN_VALUES
    note = t(lang, "show.chart_later") if not charted else t(lang, "show.chart_in_messages") if dm else None
    await _show(client, body, build_kpi_detail_modal(overview, lang, chart_note=note))
    if charted and dm:
        try:
            await post_chart(client, bot.engine, team_id, number, lang, channel=dm)
        except Exception as error:  # the detail is open; a missing chart is worth a line, not an apology
            log.warning("the chart of #%s was not sent to %s: %s", number, dm, failure(error))


async def _edit(bot: BotContext, client: AsyncWebClient, body: dict, team_id: str, user_id: str, number: int) -> None:
    """*Edit* under a KPI's detail: the edit form for its owner or creator, a note for anyone else."""
    lang = pick_language(bot.locales.get(team_id, user_id))
    try:
        kpi = await bot.db(kpis.kpi_for_edit, team_id, number, user_id=user_id)
    except KpiNotFound:
        await _show(client, body, build_notice_modal(lang, t(lang, "error.not_found", number=number)))
        return
    except kpis.NotAllowed as refused:
        text = t(lang, "error.not_allowed", owner=refused.owner_user_id or "", number=number)
        await _show(client, body, build_notice_modal(lang, text))
        return
    initial = {column.key: getattr(kpi, column.key) for column in kpi.__table__.columns}
    metadata = json.dumps({"lang": lang, "number": number, "channel": kpi.channel_id})
    view = build_kpi_modal(lang, callback_id=CALLBACK_EDIT, private_metadata=metadata, initial=initial, number=number)
    await _show(client, body, view)


def register(app: AsyncApp, bot: BotContext) -> None:
    """Register the Home tab's buttons and forms (and start keeping published tabs current)."""
    tabs = home_tabs(bot)

    def ids(context: AsyncBoltContext) -> tuple[str, str, str]:
        team_id, user_id = context.team_id or "", context.user_id or ""
        return team_id, user_id, pick_language(bot.locales.get(team_id, user_id))

    @app.action(ACTION_ADD)
    async def add(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        _, user_id, lang = ids(context)
        metadata = json.dumps({"lang": lang, "channel": None})
        view = build_kpi_modal(
            lang, callback_id=CALLBACK_ADD, private_metadata=metadata, initial={"owner_user_id": user_id}
        )
        bot.after_ack(_show(client, body, view), "opening the add form")

    @app.action(ACTION_CHECK)
    async def check(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        bot.after_ack(_show(client, body, build_check_goal_modal(ids(context)[2])), "opening the goal check")

    @app.action(ACTION_VALUE)
    async def update_value(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        number, lang = _number(body), ids(context)[2]
        if number is not None:
            view = build_value_modal(lang, number, {"lang": lang, "number": number}, callback_id=CALLBACK_VALUE)
            bot.after_ack(_show(client, body, view), "opening the value form")

    @app.action(ACTION_OPEN)
    async def open_kpi(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        team_id, user_id, _ = ids(context)
        if (number := _number(body)) is not None:
            bot.after_ack(_open(bot, client, body, team_id, user_id, number), "opening a KPI")

    @app.action(ACTION_EDIT)
    async def edit(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        team_id, user_id, _ = ids(context)
        if (number := _number(body)) is not None:
            bot.after_ack(_edit(bot, client, body, team_id, user_id, number), "opening the edit form")

    @app.action(ACTION_PAGE)
    @app.action(ACTION_FILTER)
    async def turn(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        view = body.get("view") or {}
        if view.get("type") != "home":
            return
        team_id, user_id, lang = ids(context)
        state = HomeState.from_metadata(view.get("private_metadata"))
        if action.get("action_id") == ACTION_FILTER:
            state = state.filtered(_action_value(body))
        else:
            state = state.turned(_action_value(body))
        bot.after_ack(tabs.publish(client, team_id, user_id, state=state, language=lang), "turning a Home page")

    @app.view(CALLBACK_CHECK)
    async def goal_checked(ack: AsyncAck, view: dict) -> None:
        lang = pick_language(view_metadata(view).get("lang"))
        goal = modal_text(view_values(view), "goal")
        if not goal:
            await ack(response_action="errors", errors={"goal": t(lang, "check.empty")})
            return
        assessment = grade_goal(goal)
        verdict = build_check_result(assessment, with_actions=False)
        await ack(response_action="update", view=build_checked_goal_modal(verdict, goal, assessment.language))

    @app.view(CALLBACK_CHECKED)
    async def save_checked(ack: AsyncAck, view: dict, context: AsyncBoltContext) -> None:
        goal = view_metadata(view).get("goal")
        if not isinstance(goal, str) or not goal.strip():
            await ack()
            return
        assessment = grade_goal(goal)
        lang = assessment.language
        initial = kpis.fields_from_goal(assessment, user_id=context.user_id or "", channel_id=None)
        metadata = json.dumps({"lang": lang, "channel": None})
        form = build_kpi_modal(lang, callback_id=CALLBACK_ADD, private_metadata=metadata, initial=initial)
        await ack(response_action="update", view=form)

    @app.view(CALLBACK_VALUE)
    async def value_given(ack: AsyncAck, view: dict, context: AsyncBoltContext) -> None:
        meta = view_metadata(view)
        lang, number = pick_language(meta.get("lang")), meta.get("number")
        values = view_values(view)
        raw = modal_text(values, "value")
        value = parse_number(raw, lang) if raw else None
        if value is None or not is_row_number(number):
            await ack(response_action="errors", errors={"value": t(lang, "modal.not_a_number")})
            return
        note = (modal_text(values, "note") or "")[:NOTE_MAX] or None
        team_id, user_id = context.team_id or "", context.user_id or ""
        try:
            kpi = await bot.db(kpis.record_kpi_value, team_id, number, value, user_id=user_id, note=note)
        except KpiNotFound:
            await ack(response_action="errors", errors={"value": t(lang, "error.not_found", number=number)})
            return
        text = t(lang, "checkin.value_saved", value=format_number(value, lang, unit=kpi.unit), number=kpi.number)
        await ack(response_action="update", view=build_saved_modal(lang, text))
