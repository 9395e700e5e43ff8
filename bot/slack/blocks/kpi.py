"""Block Kit for the KPI register: the add/edit modal (and reading it back), the list, help."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from bot.services.commands import is_slack_user_id
from bot.services.numbers import format_number, parse_number
from bot.slack.escaping import PLAIN_TEXT_HEADER_MAX, echo_mrkdwn, mrkdwn, plain, truncate
from bot.slack.i18n import t
from bot.store.models import CADENCES, Kpi

MESSAGE_BLOCKS_MAX = 50
MODAL_TITLE_MAX = 24
NAME_MAX = 120

CALLBACK_ADD = "kpi_add"
CALLBACK_EDIT = "kpi_edit"
FORM_ACTION = "value"
NUMBER_FIELDS = ("target", "baseline")
TEXT_FIELDS = ("unit", "benchmark", "benchmark_source", "action_plan")
# The modal's max_length per text input; Slack enforces it in the form, read_kpi_modal again on what arrives.
TEXT_MAX = {
    "name": NAME_MAX,
    "goal": 3000,
    "target": 40,
    "unit": 50,
    "baseline": 40,
    "benchmark": 500,
    "benchmark_source": 500,
    "reason": 500,
    "action_plan": 3000,
}
_WEEKDAY_VALUES = ("0", "1", "2", "3", "4")
_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{1,31}")


def mention(user_id: str | None) -> str:
    """``<@user>`` for a real user id, else a dash: never a broadcast or a half-made mention."""
    return f"<@{user_id}>" if is_slack_user_id(user_id) else "–"


def _input(block_id: str, label: str, element: dict, *, optional: bool = True, hint: str | None = None) -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": FORM_ACTION},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text_element(initial: str | None, *, max_length: int, multiline: bool = False) -> dict:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length, "multiline": multiline}
    if initial:
        element["initial_value"] = truncate(initial, max_length)
    return element


def _sized(block_id: str, initial: str | None, *, multiline: bool = False) -> dict:
    return _text_element(initial, max_length=TEXT_MAX[block_id], multiline=multiline)


def build_kpi_modal(
    language: str,
    *,
    callback_id: str = CALLBACK_ADD,
    private_metadata: str = "",
    initial: dict[str, Any] | None = None,
    number: int | None = None,
) -> dict:
    """The add (or, with ``number``, edit) modal, prefilled from ``initial`` (register field names)."""
    lang = language
    initial = initial or {}
    title = t(lang, "modal.edit_title", number=number) if number is not None else t(lang, "modal.add_title")
    owner = {"type": "users_select"}
    if is_slack_user_id(initial.get("owner_user_id")):
        owner["initial_user"] = initial["owner_user_id"]
    deadline: dict[str, Any] = {"type": "datepicker"}
    if isinstance(initial.get("deadline"), date):
        deadline["initial_date"] = initial["deadline"].isoformat()
    cadence_options = [{"text": plain(t(lang, f"cadence.{c}"), 75), "value": c} for c in CADENCES]
    cadence = {
        "type": "static_select",
        "options": cadence_options,
        "initial_option": next(o for o in cadence_options if o["value"] == initial.get("cadence", "weekly")),
    }
    weekday_options = [{"text": plain(t(lang, f"weekday.{d}"), 75), "value": str(d)} for d in range(5)]
    weekday = {
        "type": "static_select",
        "options": weekday_options,
        "initial_option": weekday_options[min(int(initial.get("checkin_weekday") or 0), 4)],
    }
    checkin_time = {"type": "timepicker", "initial_time": initial.get("checkin_time") or "09:00"}
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if initial.get("channel_id"):
        channel["initial_conversation"] = initial["channel_id"]
    else:
        channel["default_to_current_conversation"] = True

    def number_initial(field: str) -> str | None:
        value = initial.get(field)
        return format_number(value, lang) if value is not None else None

    blocks = [
        _input(
            "name",
            t(lang, "modal.name"),
            _sized("name", initial.get("name")),
            optional=False,
        ),
        _input(
            "goal",
            t(lang, "modal.goal"),
            _sized("goal", initial.get("goal_text"), multiline=True),
        ),
        _input("owner", t(lang, "modal.owner"), owner, optional=False),
        _input(
            "target",
            t(lang, "modal.target"),
            _sized("target", number_initial("target")),
            hint=t(lang, "modal.number_hint"),
        ),
        _input("unit", t(lang, "modal.unit"), _sized("unit", initial.get("unit"))),
        _input(
            "baseline",
            t(lang, "modal.baseline"),
            _sized("baseline", number_initial("baseline")),
        ),
        _input("deadline", t(lang, "modal.deadline"), deadline),
        _input(
            "benchmark",
            t(lang, "modal.benchmark"),
            _sized("benchmark", initial.get("benchmark")),
        ),
        _input(
            "benchmark_source",
            t(lang, "modal.benchmark_source"),
            _sized("benchmark_source", initial.get("benchmark_source")),
        ),
        _input(
            "action_plan",
            t(lang, "modal.action_plan"),
            _sized("action_plan", initial.get("action_plan"), multiline=True),
        ),
        _input("cadence", t(lang, "modal.cadence"), cadence, optional=False),
        _input("checkin_weekday", t(lang, "modal.checkin_weekday"), weekday),
        _input("checkin_time", t(lang, "modal.checkin_time"), checkin_time, hint=t(lang, "modal.checkin_time_hint")),
        _input("channel", t(lang, "modal.channel"), channel),
    ]
    if number is not None:
        blocks.append(_input("reason", t(lang, "modal.reason"), _sized("reason", None)))
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata[:3000],
        "title": plain(title, MODAL_TITLE_MAX),
        "submit": plain(t(lang, "modal.submit"), MODAL_TITLE_MAX),
        "close": plain(t(lang, "modal.cancel"), MODAL_TITLE_MAX),
        "blocks": blocks,
    }


def view_metadata(view: dict) -> dict[str, Any]:
    """The JSON our modals carry in ``private_metadata`` (language, channel, check-in…); empty when unreadable."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def view_values(view: dict) -> dict[str, Any]:
    """A submitted view's ``state.values`` (block id → action id → element state); empty when it has none."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_kpi_modal(values: dict[str, Any], language: str) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """Read a submitted KPI modal: (register fields, errors by block id, reason). Pure, so it is tested alone.

    Empty optional fields become None, so an edit can clear a target; numbers are read as people write them.
    Whatever Slack's form would not let through (text over the field's length, a date that does not exist, an id
    that is not one) is an error next to the field or dropped, never a crash or a value the database refuses.
    """

    def element(block_id: str) -> dict[str, Any]:
        return _dict(_dict(values.get(block_id)).get(FORM_ACTION))

    def text_of(block_id: str) -> str | None:
        raw = element(block_id).get("value")
        text = raw.strip() if isinstance(raw, str) else ""
        if len(text) > TEXT_MAX[block_id]:
            errors[block_id] = t(language, "modal.too_long", max=TEXT_MAX[block_id])
        return text[: TEXT_MAX[block_id]] or None

    def option(block_id: str) -> Any:
        return _dict(element(block_id).get("selected_option")).get("value")

    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    name = text_of("name")
    if not name:
        errors["name"] = t(language, "modal.name_required")
    fields["name"] = name
    fields["goal_text"] = text_of("goal") or ""
    owner = element("owner").get("selected_user")
    fields["owner_user_id"] = owner if is_slack_user_id(owner) else None
    for field in NUMBER_FIELDS:
        raw = text_of(field)
        number = parse_number(raw, language) if raw else None
        if raw and number is None:
            errors[field] = t(language, "modal.not_a_number")
        fields[field] = number
    for field in TEXT_FIELDS:
        fields[field] = text_of(field)
    fields["deadline"] = _date(element("deadline").get("selected_date"))
    if element("deadline").get("selected_date") and fields["deadline"] is None:
        errors["deadline"] = t(language, "modal.not_a_date")
    cadence = option("cadence")
    fields["cadence"] = cadence if isinstance(cadence, str) and cadence in CADENCES else "weekly"
    weekday = option("checkin_weekday")
    if isinstance(weekday, str) and weekday in _WEEKDAY_VALUES:
        fields["checkin_weekday"] = int(weekday)
    selected_time = element("checkin_time").get("selected_time")
    if isinstance(selected_time, str) and _TIME.fullmatch(selected_time):
        fields["checkin_time"] = selected_time
    channel = element("channel").get("selected_conversation")
    fields["channel_id"] = channel if isinstance(channel, str) and _CHANNEL_ID.fullmatch(channel) else None
    return fields, errors, text_of("reason")


def _date(value: Any) -> date | None:
    """A datepicker's YYYY-MM-DD as a date; None when empty or not a real day (2027-02-30)."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def build_saved_modal(language: str, text: str) -> dict:
    """What the modal turns into after a successful save: the confirmation, and a Close button."""
    return {
        "type": "modal",
        "title": plain(t(language, "modal.saved_title"), MODAL_TITLE_MAX),
        "close": plain(t(language, "modal.close"), MODAL_TITLE_MAX),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }


def kpi_line(kpi: Kpi, language: str) -> str:
    """One KPI in a list: number, name, owner, current / target, deadline, grade (name escaped)."""
    progress = f"{format_number(kpi.current_value, language)} / {format_number(kpi.target, language, unit=kpi.unit)}"
    parts = [f"*#{kpi.number}* {echo_mrkdwn(kpi.name, NAME_MAX)}", mention(kpi.owner_user_id), progress]
    if kpi.deadline:
        parts.append(kpi.deadline.isoformat())
    if kpi.grade:
        parts.append(kpi.grade)
    if kpi.status != "active":
        parts.append(f"_{t(language, f'status.{kpi.status}')}_")
    if kpi.stale:
        parts.append(f"*{t(language, 'status.stale')}*")
    if kpi.paused_until and kpi.paused_until >= date.today():
        parts.append(f"_{t(language, 'status.paused_until', until=kpi.paused_until.isoformat())}_")
    return " · ".join(parts)


def build_kpi_list(kpis: list[Kpi], language: str, title: str) -> list[dict]:
    """A register listing (title is mrkdwn we composed); at most 50 blocks with a "…and N more" line."""
    blocks: list[dict] = [{"type": "section", "text": mrkdwn(f"*{title}*")}]
    if not kpis:
        blocks.append({"type": "section", "text": mrkdwn(t(language, "list.empty"))})
        return blocks
    room = MESSAGE_BLOCKS_MAX - 2
    for kpi in kpis[:room]:
        blocks.append({"type": "section", "text": mrkdwn(kpi_line(kpi, language))})
    if len(kpis) > room:
        more = t(language, "list.more", count=len(kpis) - room)
        blocks.append({"type": "context", "elements": [mrkdwn(more)]})
    return blocks


def build_help(language: str) -> list[dict]:
    """`/kpi help`: what each subcommand does, in the reader's language."""
    lang = language
    lines = [
        t(lang, f"help.{key}")
        for key in ("check", "add", "list", "show", "update", "edit", "archive", "cadence", "pause", "review")
    ]
    return [
        {"type": "header", "text": plain(t(lang, "help.title"), PLAIN_TEXT_HEADER_MAX)},
        {"type": "section", "text": mrkdwn(t(lang, "help.intro"))},
        {"type": "section", "text": mrkdwn("\n".join(f"• {line}" for line in lines))},
        {"type": "context", "elements": [mrkdwn(t(lang, "help.mention"))]},
    ]


def build_notice(text: str) -> list[dict]:
    """A one-section message for answers and errors (``text`` is composed mrkdwn, user parts escaped)."""
    return [{"type": "section", "text": mrkdwn(text)}]
