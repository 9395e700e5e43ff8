"""Block Kit for one KPI in full: `/kpi show N` (a message) and the Home tab's *Open* (a modal).

Both show the same: the numbers, how the KPI is doing, what it measures, the action plan, the latest values, the
trail of target changes, the last check-in, and the buttons to act on it; the trend chart travels as a file beside
them (``chart_note`` says where).
"""

from __future__ import annotations

from bot.services.dashboard import KpiOverview
from bot.services.numbers import format_number
from bot.slack.blocks.home import ACTION_VALUE, MODAL_TITLE_MAX, day_text, progress_line, status_line, when_text
from bot.slack.blocks.kpi import mention
from bot.slack.escaping import PLAIN_TEXT_HEADER_MAX, echo_mrkdwn, echo_plain, mrkdwn, plain
from bot.slack.i18n import t

ACTION_EDIT = "kpi_edit"
NAME_MAX = 120
TEXT_MAX = 1500


def _channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id and channel_id[:1] in "CGD" and channel_id.isalnum() else "–"


def _number_text(stored: str | None, language: str) -> str:
    """A change-log value (text) shown as a number in the reader's convention when it is one."""
    if stored is None:
        return "–"
    try:
        return format_number(float(stored), language)
    except ValueError:
        return echo_mrkdwn(stored, 100)


def _measurement(overview: KpiOverview, language: str) -> str | None:
    """What the KPI measures, as far as the register knows: metric, REAL stage, conversion kind, unit."""
    kpi, lang = overview.detail.kpi, language
    parts = [echo_mrkdwn(kpi.metric_label, 200)] if kpi.metric_label else []
    if kpi.funnel_stage in ("reach", "engage", "activate", "loyalty"):
        parts.append(f"REAL: {t(lang, f'review.stage.{kpi.funnel_stage}')}")
    if kpi.conversion in ("macro", "micro"):
        parts.append(t(lang, f"show.conversion.{kpi.conversion}"))
    if kpi.unit:
        parts.append(echo_mrkdwn(kpi.unit, 50))
    return f"*{t(lang, 'show.measurement')}*: " + " · ".join(parts) if parts else None


def build_kpi_detail(overview: KpiOverview, language: str, *, chart_note: str | None = None) -> list[dict]:
    """The KPI in full as message blocks (≤ 50): fields, progress, measurement, goal, plan, values, target trail,
    last check-in, where the chart is, and the *Update value* / *Edit* buttons."""
    detail, card, lang = overview.detail, overview.card, language
    kpi = detail.kpi
    next_checkin = when_text(card.next_checkin, lang) if card.next_checkin is not None else "–"
    fields = [
        (t(lang, "show.owner"), mention(kpi.owner_user_id)),
        (t(lang, "show.creator"), mention(kpi.creator_user_id)),
        (t(lang, "show.current"), format_number(kpi.current_value, lang, unit=kpi.unit)),
        (t(lang, "show.target"), format_number(kpi.target, lang, unit=kpi.unit)),
        (t(lang, "show.baseline"), format_number(kpi.baseline, lang, unit=kpi.unit)),
        (t(lang, "show.deadline"), day_text(kpi.deadline, lang) if kpi.deadline else "–"),
        (t(lang, "show.grade"), f"{kpi.grade} · {int(kpi.score)}/100" if kpi.grade and kpi.score is not None else "–"),
        (t(lang, "show.level"), f"{kpi.level}/5" if kpi.level else "–"),
        (t(lang, "show.cadence"), f"{t(lang, f'cadence.{kpi.cadence}')} · {_channel(kpi.channel_id)}"),
        (t(lang, "show.next_checkin"), next_checkin),
    ]
    progress = f"{progress_line(card, lang)}\n{status_line(card, lang)}"
    if kpi.status != "active":
        progress += f" · _{t(lang, f'status.{kpi.status}')}_"
    blocks: list[dict] = [
        {"type": "header", "text": plain(f"#{kpi.number} {echo_plain(kpi.name, NAME_MAX)}", PLAIN_TEXT_HEADER_MAX)},
        {"type": "section", "fields": [mrkdwn(f"*{label}*\n{value}", 2000) for label, value in fields]},
        {"type": "section", "text": mrkdwn(f"*{t(lang, 'show.progress')}*\n{progress}")},
    ]
    measurement = _measurement(overview, lang)
    if measurement:
        blocks.append({"type": "section", "text": mrkdwn(measurement)})
    if kpi.benchmark:
        source = f" ({echo_mrkdwn(kpi.benchmark_source, 300)})" if kpi.benchmark_source else ""
        text = f"*{t(lang, 'show.benchmark')}*: {echo_mrkdwn(kpi.benchmark, 500)}{source}"
        blocks.append({"type": "section", "text": mrkdwn(text)})
    if kpi.goal_text and kpi.goal_text.strip() != kpi.name:
        blocks.append({"type": "section", "text": plain(f"{t(lang, 'show.goal')}: {echo_plain(kpi.goal_text)}")})
    plan = echo_mrkdwn(kpi.action_plan, TEXT_MAX) if (kpi.action_plan or "").strip() else t(lang, "show.no_plan")
    blocks.append({"type": "section", "text": mrkdwn(f"*{t(lang, 'show.plan')}*\n{plan}")})
    values = [
        f"{v.recorded_at:%Y-%m-%d} · {format_number(v.value, lang, unit=kpi.unit)} · {mention(v.recorded_by)}"
        + (f" · {echo_mrkdwn(v.note, 200)}" if v.note else "")
        for v in reversed(detail.values)
    ]
    text = f"*{t(lang, 'show.values')}*\n" + ("\n".join(values) or t(lang, "show.no_values"))
    blocks.append({"type": "section", "text": mrkdwn(text)})
    changes = [
        f"{c.changed_at:%Y-%m-%d} · {_number_text(c.old_value, lang)} → {_number_text(c.new_value, lang)}"
        f" · {mention(c.changed_by)}" + (f" · {echo_mrkdwn(c.reason, 200)}" if c.reason else "")
        for c in reversed(detail.target_changes)
    ]
    text = f"*{t(lang, 'show.target_changes')}*\n" + ("\n".join(changes) or t(lang, "show.no_target_changes"))
    blocks.append({"type": "section", "text": mrkdwn(text)})
    checkin = detail.last_checkin
    last = f"{checkin.due_at:%Y-%m-%d} · {checkin.status}" if checkin is not None else t(lang, "show.no_checkin")
    notes = [mrkdwn(f"*{t(lang, 'show.last_checkin')}*: {last}")]
    if chart_note:
        notes.append(mrkdwn(chart_note))
    blocks.append({"type": "context", "elements": notes})
    buttons = [
        {"type": "button", "action_id": ACTION_VALUE, "text": plain(t(lang, "checkin.button.value"), 75)},
        {"type": "button", "action_id": ACTION_EDIT, "text": plain(t(lang, "show.edit"), 75)},
    ]
    for button in buttons:
        button["value"] = str(kpi.number)
    blocks.append({"type": "actions", "block_id": f"kpi_detail_{kpi.number}", "elements": buttons})
    return blocks


def build_kpi_detail_modal(overview: KpiOverview, language: str, *, chart_note: str | None = None) -> dict:
    """The same detail as a modal, for the Home tab's *Open*."""
    return {
        "type": "modal",
        "title": plain(f"KPI #{overview.detail.kpi.number}", MODAL_TITLE_MAX),
        "close": plain(t(language, "modal.close"), MODAL_TITLE_MAX),
        "blocks": build_kpi_detail(overview, language, chart_note=chart_note),
    }
