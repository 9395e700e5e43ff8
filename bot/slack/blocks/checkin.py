"""Block Kit for check-ins: the message, its answered form, the nudge and stale notes, the two modals.

The check-in message carries message ``metadata`` (event type ``kpi_checkin``, the check-in id and period) so a
process that crashed between posting and recording can find its own message in the channel history later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.checkins.progress import CADENCE_DAYS, Point, assess_feasibility, assess_progress, progress_bar
from bot.services.commands import is_slack_user_id
from bot.services.numbers import format_number
from bot.slack.escaping import echo_mrkdwn, mrkdwn, plain
from bot.slack.i18n import t
from bot.store import is_row_number
from bot.store.models import Kpi

METADATA_EVENT_TYPE = "kpi_checkin"
ACTIONS_BLOCK = "checkin_actions"
ACTION_VALUE = "checkin_value"
ACTION_TARGET_OK = "checkin_target_ok"
ACTION_REVISE = "checkin_revise"
ACTION_SNOOZE = "checkin_snooze"
CHECKIN_ACTIONS = (ACTION_VALUE, ACTION_TARGET_OK, ACTION_REVISE, ACTION_SNOOZE)
CALLBACK_VALUE = "checkin_value_modal"
CALLBACK_REVISE = "checkin_revise_modal"
MODAL_TITLE_MAX = 24
NAME_MAX = 120
_BUTTON_VALUE = re.compile(r"([0-9]{1,10}):([0-9]{1,10}):([a-z]{2})")


def checkin_metadata(checkin_id: int, period_key: str, number: int) -> dict[str, Any]:
    """The message metadata that identifies a posted check-in (the idempotency key for reconciliation)."""
    return {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {"checkin_id": checkin_id, "period_key": period_key, "kpi_number": number},
    }


def checkin_id_in(message: dict[str, Any]) -> int | None:
    """The check-in id in a message's metadata, if the message is one of our check-ins."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT_TYPE:
        return None
    value = (metadata.get("event_payload") or {}).get("checkin_id")
    return value if isinstance(value, int) else None


def button_value(checkin_id: int, number: int, language: str) -> str:
    """What a check-in button carries: which check-in, which KPI, and the message's language (for the modals)."""
    return f"{checkin_id}:{number}:{language}"


def read_button_value(value: str | None) -> tuple[int, int, str] | None:
    """(check-in id, KPI number, language) from a button, or None for a value we did not write.

    ASCII digits only (``str.isdigit`` accepts "²", which ``int`` refuses), and ids the store's columns can hold.
    """
    match = _BUTTON_VALUE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    checkin_id, number = int(match.group(1)), int(match.group(2))
    if not (is_row_number(checkin_id) and is_row_number(number)):
        return None
    return checkin_id, number, match.group(3)


def _signed(value: float, language: str, unit: str | None) -> str:
    text = format_number(abs(value), language, unit=unit)
    return ("+" if value >= 0 else "−") + text


def build_checkin_message(
    kpi: Kpi, history: Sequence[Point], *, checkin_id: int, today: date, language: str | None = None
) -> list[dict]:
    """The check-in: KPI, owner, value against target with a bar, change, time left, projection, feasibility,
    the revisit questions and the four buttons. All user text (name, benchmark) is escaped."""
    lang = language or kpi.language
    unit = kpi.unit
    progress = assess_progress(history, target=kpi.target, baseline=kpi.baseline, deadline=kpi.deadline, today=today)
    period_days = CADENCE_DAYS.get(kpi.cadence, 7.0)
    feasibility = assess_feasibility(
        history, target=kpi.target, deadline=kpi.deadline, today=today, period_days=period_days
    )
    owner = owner_mention(kpi, lang)
    title = t(lang, "checkin.title", number=kpi.number, name=echo_mrkdwn(kpi.name, NAME_MAX))

    if progress.current is None:
        now_text = t(lang, "checkin.no_value")
    else:
        now_text = f"{format_number(progress.current, lang, unit=unit)} / {format_number(kpi.target, lang, unit=unit)}"
        bar = progress_bar(progress.share)
        if bar:
            now_text += f"\n`{bar}`"
    if progress.previous is not None and progress.current is not None:
        change = _signed(progress.current - progress.previous, lang, unit)
    else:
        change = t(lang, "checkin.first_value") if progress.current is not None else "–"
    if kpi.deadline is None:
        left = t(lang, "checkin.no_deadline")
    elif progress.days_left is not None and progress.days_left < 0:
        left = t(lang, "checkin.deadline_passed", deadline=kpi.deadline.isoformat())
    else:
        left = t(lang, "checkin.days_left", days=progress.days_left, deadline=kpi.deadline.isoformat())
    status = t(lang, f"checkin.status.{progress.status}")
    if progress.projected is not None and progress.status in ("on_track", "at_risk", "off_track"):
        projection = t(lang, "checkin.projected", status=status, value=format_number(progress.projected, lang))
    else:
        projection = status

    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(f"{title}\n{t(lang, 'checkin.hello', owner=owner)}")},
        {
            "type": "section",
            "fields": [
                mrkdwn(f"*{t(lang, 'checkin.now')}*\n{now_text}", 2000),
                mrkdwn(f"*{t(lang, 'checkin.change')}*\n{change}", 2000),
                mrkdwn(f"*{t(lang, 'checkin.time_left')}*\n{left}", 2000),
                mrkdwn(f"*{t(lang, 'checkin.projection')}*\n{projection}", 2000),
            ],
        },
    ]
    if feasibility.verdict != "unknown":
        period = t(lang, f"period.{kpi.cadence}")
        text = t(
            lang,
            f"checkin.feasibility.{feasibility.verdict}",
            required=_signed(feasibility.required_per_period or 0.0, lang, unit),
            trend=_signed(feasibility.trend_per_period or 0.0, lang, unit),
            noise=format_number(feasibility.noise, lang),
            period=period,
        )
        blocks.append({"type": "section", "text": mrkdwn(text)})
    if kpi.benchmark:
        source = echo_mrkdwn(kpi.benchmark_source, 300) if kpi.benchmark_source else t(lang, "checkin.no_source")
        benchmark = t(lang, "checkin.benchmark", benchmark=echo_mrkdwn(kpi.benchmark, 500), source=source)
    else:
        benchmark = t(lang, "checkin.no_benchmark")
    questions = [t(lang, key) for key in ("checkin.q_target", "checkin.q_benchmark", "checkin.q_metric")]
    revisit = "\n".join([t(lang, "checkin.revisit"), *(f"• {q}" for q in questions)])
    blocks.append({"type": "section", "text": mrkdwn(f"{revisit}\n_{benchmark}_")})
    value = button_value(checkin_id, kpi.number, lang)
    buttons = [
        (ACTION_VALUE, "checkin.button.value", "primary"),
        (ACTION_TARGET_OK, "checkin.button.target_ok", None),
        (ACTION_REVISE, "checkin.button.revise", None),
        (ACTION_SNOOZE, "checkin.button.snooze", None),
    ]
    elements = []
    for action_id, label, style in buttons:
        button: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(t(lang, label), 75)}
        button["value"] = value
        if style:
            button["style"] = style
        elements.append(button)
    blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": elements})
    if kpi.stale:
        blocks.append({"type": "context", "elements": [mrkdwn(t(lang, "checkin.stale_note"))]})
    return blocks


def owner_mention(kpi: Kpi, language: str | None = None) -> str:
    """``<@owner>`` (the creator when no owner is set), or the words "the owner": never a broadcast."""
    for user_id in (kpi.owner_user_id, kpi.creator_user_id):
        if is_slack_user_id(user_id):
            return f"<@{user_id}>"
    return t(language or kpi.language, "checkin.no_owner")


def checkin_fallback(kpi: Kpi, language: str | None = None) -> str:
    """The notification text of a check-in (shown where blocks are not)."""
    return t(language or kpi.language, "checkin.fallback", number=kpi.number, name=echo_mrkdwn(kpi.name, NAME_MAX))


def build_answered_checkin(blocks: Sequence[dict], answer_line: str) -> list[dict]:
    """The check-in as it reads once answered: the buttons replaced by who answered what (composed mrkdwn)."""
    kept = [b for b in blocks if b.get("block_id") != ACTIONS_BLOCK and b.get("type") != "actions"]
    return [*kept, {"type": "context", "elements": [mrkdwn(answer_line)]}]


def answer_line(language: str, answer: str, user_id: str, **values: Any) -> str:
    """ "✅ @ann reported 140" and the like, in the reader's language."""
    return t(language, f"checkin.answered.{answer}", user=user_id, **values)


def _modal(title: str, callback_id: str, metadata: dict[str, Any], blocks: list[dict], language: str) -> dict:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": plain(title, MODAL_TITLE_MAX),
        "submit": plain(t(language, "modal.submit"), MODAL_TITLE_MAX),
        "close": plain(t(language, "modal.cancel"), MODAL_TITLE_MAX),
        "blocks": blocks,
    }


def _text_input(block_id: str, label: str, *, optional: bool, multiline: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "optional": optional,
        "element": {"type": "plain_text_input", "action_id": "value", "multiline": multiline, "max_length": 500},
    }


def build_value_modal(
    language: str, number: int, metadata: dict[str, Any], *, callback_id: str = CALLBACK_VALUE
) -> dict:
    """ "Update value": the new value and an optional note (also the Home tab's, under its own ``callback_id``)."""
    lang = language
    blocks = [
        _text_input("value", t(lang, "checkin.value_label", number=number), optional=False),
        _text_input("note", t(lang, "checkin.note_label"), optional=True, multiline=True),
    ]
    return _modal(t(lang, "checkin.value_title"), callback_id, metadata, blocks, lang)


def build_revise_modal(language: str, number: int, target: str, metadata: dict[str, Any]) -> dict:
    """ "Revise target": the new target and why (the reason goes into the change log)."""
    lang = language
    blocks = [
        {"type": "section", "text": mrkdwn(t(lang, "checkin.revise_current", number=number, target=target))},
        _text_input("target", t(lang, "checkin.revise_target"), optional=False),
        _text_input("reason", t(lang, "checkin.revise_reason"), optional=False, multiline=True),
    ]
    return _modal(t(lang, "checkin.revise_title"), CALLBACK_REVISE, metadata, blocks, lang)


def modal_text(values: dict[str, Any], block_id: str) -> str | None:
    """The text typed into ``block_id`` of a submitted check-in modal, stripped; None when empty."""
    block = values.get(block_id) if isinstance(values, dict) else None
    element = block.get("value") if isinstance(block, dict) else None
    raw = element.get("value") if isinstance(element, dict) else None
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def build_nudge(kpi: Kpi) -> str:
    """The reply in an unanswered check-in's thread when the next one is posted."""
    return t(kpi.language, "checkin.nudge", owner=owner_mention(kpi), number=kpi.number)


def build_stale_notice(kpi: Kpi) -> str:
    """The one channel post when a KPI's last three check-ins all went unanswered."""
    name = echo_mrkdwn(kpi.name, NAME_MAX)
    return t(kpi.language, "checkin.stale", number=kpi.number, name=name, owner=owner_mention(kpi))
