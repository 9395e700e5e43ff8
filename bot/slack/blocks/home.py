"""Block Kit for the App Home tab: the user's KPIs and the team's, paged and filtered so any register fits.

Slack allows 100 blocks on the Home tab and 3,000 characters per section. Each KPI takes two blocks (its card and
its buttons), so the tab shows one page of the user's own KPIs and one page of the team's, with *Previous* /
*Next* and a filter for the team's (a workspace may have hundreds): at most 12 + 2 × (MINE_PAGE + TEAM_PAGE)
blocks, whatever the register holds. Where the user is on the pages, the filter, and the app's direct-message
channel with them travel in the view's ``private_metadata``, so a button press needs nothing from memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from babel.dates import format_date, format_datetime

from bot.charts import babel_locale
from bot.checkins.progress import progress_bar
from bot.grading import default_ruleset
from bot.services.commands import is_slack_user_id
from bot.services.dashboard import FILTERS, Dashboard, KpiCard, filter_cards
from bot.services.numbers import format_number
from bot.slack.escaping import PLAIN_TEXT_HEADER_MAX, echo_mrkdwn, mrkdwn, plain
from bot.slack.i18n import t

MINE_PAGE = 10
TEAM_PAGE = 20
NAME_MAX = 120
PLAN_MAX = 600
METADATA_MAX = 3000
ACTION_ADD = "home_add"
ACTION_CHECK = "home_check"
ACTION_VALUE = "home_value"
ACTION_OPEN = "home_open"
ACTION_PAGE = "home_page"
ACTION_FILTER = "home_filter"
HOME_ACTIONS = (ACTION_ADD, ACTION_CHECK, ACTION_VALUE, ACTION_OPEN, ACTION_PAGE, ACTION_FILTER)


@dataclass(frozen=True)
class HomeState:
    """Which page of each list and which team filter the user is looking at, and the app's DM channel with them
    (from ``app_home_opened``: where a chart goes when they press *Open*)."""

    mine_page: int = 0
    team_page: int = 0
    filter: str = "all"
    dm: str | None = None

    def metadata(self) -> str:
        data = {"mine": self.mine_page, "team": self.team_page, "filter": self.filter, "dm": self.dm}
        return json.dumps(data)[:METADATA_MAX]

    @classmethod
    def from_metadata(cls, raw: Any) -> HomeState:
        """Read what ``metadata`` wrote; anything else (a hand-made payload) gives the first pages."""
        try:
            data = json.loads(raw) if isinstance(raw, str) and raw else {}
        except (ValueError, RecursionError):
            data = {}
        data = data if isinstance(data, dict) else {}
        return cls(
            mine_page=_page(data.get("mine")),
            team_page=_page(data.get("team")),
            filter=data.get("filter") if data.get("filter") in FILTERS else "all",
        ).with_dm(data.get("dm"))

    def with_dm(self, channel: Any) -> HomeState:
        """The state with the app's DM channel with the user, when ``channel`` is one (a ``D…`` id)."""
        if isinstance(channel, str) and channel[:1] == "D" and channel.isalnum() and len(channel) <= 32:
            return replace(self, dm=channel)
        return self

    def turned(self, button_value: Any) -> HomeState:
        """The state after a pager button (``mine:2`` or ``team:0``); unchanged for a value we did not write."""
        which, _, page = str(button_value or "").partition(":")
        if which == "mine":
            return replace(self, mine_page=_page(page))
        if which == "team":
            return replace(self, team_page=_page(page))
        return self

    def filtered(self, name: Any) -> HomeState:
        """The state after choosing a team filter: back to its first page."""
        return replace(self, filter=name if name in FILTERS else "all", team_page=0)


def _page(value: Any) -> int:
    try:
        page = int(value)
    except (TypeError, ValueError):
        return 0
    return page if 0 <= page <= 100_000 else 0


def _level_names(language: str) -> dict[int, str]:
    return default_ruleset().phrases["levels"][language]


def when_text(moment: datetime, language: str) -> str:
    """A moment in each viewer's own time zone and format (Slack renders the token), with a fallback in ours."""
    fallback = format_datetime(moment, "yyyy-MM-dd HH:mm 'UTC'", tzinfo="UTC", locale=babel_locale(language))
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def day_text(day: Any, language: str) -> str:
    """A date in the viewer's language (``25 nov. 2026``), from Babel's CLDR data."""
    return format_date(day, format="medium", locale=babel_locale(language))


def progress_line(card: KpiCard, language: str) -> str:
    """``▓▓▓▓▓░░░░░ 50 %`` 130 / 160 st · by 30 Jun 2027 — what the KPI stands at."""
    lang = language
    if card.target is None:
        now = f"{format_number(card.current, lang, unit=card.unit)} · {t(lang, 'home.no_target')}"
    else:
        now = f"{format_number(card.current, lang)} / {format_number(card.target, lang, unit=card.unit)}"
    bar = progress_bar(card.share)
    parts = [f"`{bar}` {now}" if bar else now]
    if card.deadline is not None:
        parts.append(t(lang, "home.by", date=day_text(card.deadline, lang)))
    return " · ".join(parts)


def status_line(card: KpiCard, language: str) -> str:
    """On track / at risk / off track with the projection, the goal-model level, stale and paused."""
    lang = language
    status = t(lang, f"checkin.status.{card.status}")
    if card.projected is not None and card.status in ("on_track", "at_risk", "off_track"):
        status = t(lang, "checkin.projected", status=status, value=format_number(card.projected, lang))
    parts = [status]
    if card.level:
        parts.append(t(lang, "home.level", level=card.level, name=_level_names(lang).get(card.level, "")))
    if card.stale:
        parts.append(f"*{t(lang, 'status.stale')}*")
    if card.paused_until is not None:
        parts.append(f"_{t(lang, 'status.paused_until', until=day_text(card.paused_until, lang))}_")
    return " · ".join(parts)


def card_text(card: KpiCard, language: str, *, show_owner: bool) -> str:
    """One KPI's section: name (and owner on the team's list), progress, status, next check-in, a due plan."""
    lang = language
    head = f"*#{card.number}* {echo_mrkdwn(card.name, NAME_MAX)}"
    if show_owner and is_slack_user_id(card.owner_user_id):
        head += f" · <@{card.owner_user_id}>"
    checkin = t(lang, "home.no_checkins")
    if card.next_checkin is not None:
        checkin = t(lang, "home.next_checkin", when=when_text(card.next_checkin, lang))
    lines = [head, progress_line(card, lang), status_line(card, lang), checkin]
    if card.plan_due:
        lines.append(t(lang, "home.plan_due", plan=echo_mrkdwn(card.plan_due, PLAN_MAX)))
    elif card.lagging_without_plan and not show_owner:  # on the owner's own list: only they can add one
        lines.append(t(lang, "home.no_plan", number=card.number))
    return "\n".join(lines)


def _button(action_id: str, text: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "action_id": action_id, "text": plain(text, 75), "value": value}
    if style:
        button["style"] = style
    return button


def kpi_buttons(number: int, language: str, block_id: str) -> dict:
    """*Update value* and *Open* for KPI ``number`` (the same on the Home tab and under `/kpi show`)."""
    return {
        "type": "actions",
        "block_id": block_id,
        "elements": [
            _button(ACTION_VALUE, t(language, "checkin.button.value"), str(number)),
            _button(ACTION_OPEN, t(language, "home.open"), str(number)),
        ],
    }


def coverage_text(board: Dashboard, language: str) -> str:
    """The workspace's REAL-funnel coverage and level mix, one line each."""
    lang = language
    if board.total == 0:
        return t(lang, "home.coverage_empty")
    stages = " · ".join(f"{t(lang, f'review.stage.{stage}')} {count}" for stage, count in board.stages.items())
    names = _level_names(lang)
    mix = " · ".join(f"{names.get(level, level)} {count}" for level, count in board.levels.items())
    return f"{t(lang, 'home.funnel', stages=stages)}\n{t(lang, 'home.levels', mix=mix)}"


def _section(
    blocks: list[dict],
    cards: list[KpiCard],
    page: int,
    size: int,
    which: str,
    title: str,
    language: str,
    controls: dict | None = None,
) -> None:
    """A titled, paged list of cards: the title with the range shown, ``controls``, two blocks per card, then the
    pager."""
    pages = max(1, -(-len(cards) // size))
    page = min(page, pages - 1)
    shown = cards[page * size : (page + 1) * size]
    if cards:
        span = t(language, "home.range", first=page * size + 1, last=page * size + len(shown), total=len(cards))
        title = f"{title} · {span}"
    blocks.append({"type": "header", "text": plain(title, PLAIN_TEXT_HEADER_MAX)})
    if controls is not None:
        blocks.append(controls)
    for card in shown:
        text = card_text(card, language, show_owner=which == "team")
        blocks.append({"type": "section", "block_id": f"{which}_kpi_{card.number}", "text": mrkdwn(text)})
        blocks.append(kpi_buttons(card.number, language, f"{which}_kpi_buttons_{card.number}"))
    if pages > 1:
        pager = []
        if page > 0:
            pager.append(_button(ACTION_PAGE, t(language, "home.previous"), f"{which}:{page - 1}"))
        if page < pages - 1:
            pager.append(_button(ACTION_PAGE, t(language, "home.next"), f"{which}:{page + 1}"))
        blocks.append({"type": "actions", "block_id": f"{which}_pages", "elements": pager})


def _filter_menu(state: HomeState, language: str) -> dict:
    options = [{"text": plain(t(language, f"home.filter.{name}"), 75), "value": name} for name in FILTERS]
    menu = {
        "type": "static_select",
        "action_id": ACTION_FILTER,
        "placeholder": plain(t(language, "home.filter_placeholder"), 150),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == state.filter),
    }
    return {"type": "actions", "block_id": "team_filter", "elements": [menu]}


def build_home_view(board: Dashboard, state: HomeState, language: str) -> dict:
    """The Home tab for one user: buttons to add a KPI or check a goal, the workspace's coverage, *My KPIs* and
    *Team KPIs* (filtered), each a page at a time."""
    lang = language
    blocks: list[dict] = [
        {"type": "header", "text": plain(t(lang, "home.header"), PLAIN_TEXT_HEADER_MAX)},
        {
            "type": "actions",
            "block_id": "home_top",
            "elements": [
                _button(ACTION_ADD, t(lang, "home.add"), "add", "primary"),
                _button(ACTION_CHECK, t(lang, "home.check"), "check"),
            ],
        },
        {"type": "section", "block_id": "coverage", "text": mrkdwn(coverage_text(board, lang))},
        {"type": "divider"},
    ]
    _section(blocks, board.mine, state.mine_page, MINE_PAGE, "mine", t(lang, "home.mine"), lang)
    if not board.mine:
        blocks.append({"type": "section", "text": mrkdwn(t(lang, "home.mine_empty"))})
    blocks.append({"type": "divider"})
    team = filter_cards(board.team, state.filter)
    menu = _filter_menu(state, lang) if board.team else None
    _section(blocks, team, state.team_page, TEAM_PAGE, "team", t(lang, "home.team"), lang, menu)
    if not team:
        empty = "home.filtered_empty" if board.team else "home.team_empty"
        blocks.append({"type": "section", "text": mrkdwn(t(lang, empty))})
    blocks.append({"type": "context", "elements": [mrkdwn(t(lang, "home.tip"))]})
    return {"type": "home", "private_metadata": state.metadata(), "blocks": blocks}


CALLBACK_CHECK = "home_check_goal"
CALLBACK_CHECKED = "home_checked_goal"
CALLBACK_VALUE = "home_value_modal"
MODAL_TITLE_MAX = 24
GOAL_MAX = 2000
GOAL_IN_METADATA_MAX = 1500


def _modal(language: str, title: str, blocks: list[dict], **extra: Any) -> dict:
    view = {
        "type": "modal",
        "title": plain(title, MODAL_TITLE_MAX),
        "close": plain(t(language, "modal.close"), MODAL_TITLE_MAX),
        "blocks": blocks,
    }
    return {**view, **extra}


def build_check_goal_modal(language: str) -> dict:
    """*Check a goal* from the Home tab: one text field, graded on submit."""
    field = {
        "type": "input",
        "block_id": "goal",
        "label": plain(t(language, "home.check_label"), 2000),
        "hint": plain(t(language, "home.check_hint"), 2000),
        "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": GOAL_MAX},
    }
    submit = plain(t(language, "home.check_submit"), MODAL_TITLE_MAX)
    metadata = json.dumps({"lang": language})
    return _modal(
        language,
        t(language, "home.check_title"),
        [field],
        callback_id=CALLBACK_CHECK,
        submit=submit,
        private_metadata=metadata,
    )


def checked_goal_metadata(goal: str, language: str) -> str:
    """The goal (shortened to fit Slack's 3,000 characters of ``private_metadata``) for *Save as KPI*."""
    goal = goal[:GOAL_IN_METADATA_MAX]
    encoded = json.dumps({"goal": goal, "lang": language}, ensure_ascii=False)
    while len(encoded) > METADATA_MAX:  # escapes can lengthen it
        goal = goal[: len(goal) * 3 // 4]
        encoded = json.dumps({"goal": goal, "lang": language}, ensure_ascii=False)
    return encoded


def build_checked_goal_modal(verdict: list[dict], goal: str, language: str) -> dict:
    """The verdict in the modal (``build_check_result`` without its message buttons); submitting it is *Save as
    KPI*, which turns the modal into the add form, filled in from the goal."""
    return _modal(
        language,
        t(language, "home.checked_title"),
        verdict[:100],
        callback_id=CALLBACK_CHECKED,
        submit=plain(t(language, "check.save"), MODAL_TITLE_MAX),
        private_metadata=checked_goal_metadata(goal, language),
    )


def build_notice_modal(language: str, text: str) -> dict:
    """A one-message modal: how the Home tab answers when a button cannot do what was asked (``text`` is mrkdwn we
    composed)."""
    return _modal(language, t(language, "home.notice_title"), [{"type": "section", "text": mrkdwn(text)}])
