"""The Home tab and a KPI's detail as Block Kit, without Slack: within Slack's limits for 0, 1 and 500 KPIs, paged
and filtered, escaped, and in the user's language."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.services.dashboard import Dashboard, KpiCard, KpiOverview
from bot.services.register import KpiDetail
from bot.slack.blocks import build_home_view, build_kpi_detail, build_kpi_detail_modal
from bot.slack.blocks.home import (
    MINE_PAGE,
    TEAM_PAGE,
    HomeState,
    build_check_goal_modal,
    build_checked_goal_modal,
    checked_goal_metadata,
)
from bot.slack.i18n import t
from bot.store.models import Kpi

LONG = "Leads <!channel> & <@U0BOSS> from the website " * 4
STATUSES = ("on_track", "at_risk", "off_track", "reached", "unknown")


def _card(number: int, **changes: object) -> KpiCard:
    status = STATUSES[number % len(STATUSES)]
    card = {
        "number": number,
        "name": LONG,
        "owner_user_id": "U0ANN" if number % 3 else "U0BEN",
        "current": 1234.5,
        "target": 2000.0,
        "unit": "st",
        "share": 0.6,
        "status": status,
        "projected": 1890.25,
        "level": number % 5 + 1,
        "grade": "B",
        "deadline": date(2027, 6, 30),
        "stale": number % 7 == 0,
        "paused_until": date(2027, 1, 7) if number % 11 == 0 else None,
        "next_checkin": datetime(2026, 12, 7, 8, tzinfo=UTC),
        "plan_due": ("Move budget to e-mail <!here> " * 40) if status in ("at_risk", "off_track") else None,
        "lagging_without_plan": False,
        "funnel_stage": "activate",
        "value_count": 12,
    }
    card.update(changes)
    return KpiCard(**card)


def _board(count: int, mine_share: int = 5) -> Dashboard:
    cards = [_card(n) for n in range(1, count + 1)]
    return Dashboard(
        mine=[c for c in cards if c.number % mine_share == 0],
        team=[c for c in cards if c.number % mine_share != 0],
        stages={"reach": count // 2, "engage": 0, "activate": count - count // 2, "loyalty": 0},
        levels={level: count // 5 for level in range(1, 6)},
    )


def _texts(node: object) -> list[str]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn"):
            return [node["text"]]
        return [text for value in node.values() for text in _texts(value)]
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    return []


def assert_within_limits(view: dict) -> None:
    """Slack's limits for a Home tab or modal (docs.slack.dev Block Kit reference; shared/knowledge)."""
    blocks = view["blocks"]
    assert 1 <= len(blocks) <= 100
    assert len(json.dumps(view)) < 250_000 and len(view.get("private_metadata", "")) <= 3000
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)) and all(len(b) <= 255 for b in block_ids)
    for block in blocks:
        if block["type"] == "section":
            assert "text" in block or "fields" in block
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10 and all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150 and block["text"]["type"] == "plain_text"
        if block["type"] == "actions":
            assert 1 <= len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["action_id"]) <= 255 and len(element.get("value", "")) <= 2000
                assert len(element.get("text", {}).get("text", "")) <= 75
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    for text in _texts(blocks):
        assert text.strip() and "<!channel>" not in text and "<!here>" not in text and "<@U0BOSS>" not in text


@pytest.mark.parametrize("count", [0, 1, 500])
@pytest.mark.parametrize("language", ["en", "sv", "nb"])
def test_the_home_tab_stays_within_slacks_limits_for_any_number_of_kpis(count: int, language: str) -> None:
    board = _board(count, mine_share=1 if count == 1 else 5)
    view = build_home_view(board, HomeState(), language)
    assert view["type"] == "home"
    assert_within_limits(view)
    shown = [b for b in view["blocks"] if b.get("block_id", "").endswith(tuple(f"_kpi_{n}" for n in range(1, 501)))]
    assert len(shown) == min(len(board.mine), MINE_PAGE) + min(len(board.team), TEAM_PAGE)
    rendered = "\n".join(_texts(view["blocks"]))
    assert t(language, "home.mine") in rendered and t(language, "home.add") in rendered
    if count == 0:
        assert t(language, "home.mine_empty") in rendered and t(language, "home.coverage_empty") in rendered


def test_each_kpi_shows_progress_status_level_next_checkin_and_a_due_plan_with_its_buttons() -> None:
    card = _card(2, name="Orders <b>", status="at_risk", stale=True, paused_until=date(2027, 1, 7))
    view = build_home_view(Dashboard([card], [], {}, {}), HomeState(), "sv")
    section = next(b for b in view["blocks"] if b.get("block_id") == "mine_kpi_2")["text"]["text"]
    assert "*#2* Orders &lt;b&gt;" in section and "`▓▓▓▓▓▓░░░░ 60 %` 1\u00a0234,5 / 2\u00a0000\u00a0st" in section
    assert "I farozonen – i den här takten ungefär 1\u00a0890,25" in section and "nivå 3/5" in section
    assert "*inaktuell*" in section and "pausad till 7 jan. 2027" in section and "senast 30 juni 2027" in section
    assert "nästa avstämning <!date^1796630400^{date_short_pretty} {time}|2026-12-07 08:00 UTC>" in section
    assert "Dags för åtgärdsplanen:* Move budget to e-mail @here" in section
    buttons = next(b for b in view["blocks"] if b.get("block_id") == "mine_kpi_buttons_2")["elements"]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        ("home_value", "2", "Uppdatera värde"),
        ("home_open", "2", "Öppna"),
    ]


def test_the_coverage_lines_count_real_stages_and_levels() -> None:
    view = build_home_view(_board(10), HomeState(), "en")
    coverage = next(b for b in view["blocks"] if b.get("block_id") == "coverage")["text"]["text"]
    funnel, levels = coverage.split("\n")
    assert funnel == "*REAL funnel:* reach 5 · engage 0 · activate 5 · loyalty 0"
    assert levels == "*Level mix:* visibility 2 · attention 2 · engagement 2 · interaction 2 · transaction 2"


def test_hundreds_of_team_kpis_are_paged_and_filtered() -> None:
    board = _board(500)
    first = build_home_view(board, HomeState(), "en")
    pager = next(b for b in first["blocks"] if b.get("block_id") == "team_pages")["elements"]
    assert [(b["text"]["text"], b["value"]) for b in pager] == [("Next", "team:1")]
    state = HomeState.from_metadata(first["private_metadata"]).turned("team:19")
    last = build_home_view(board, state, "en")
    header = [b["text"]["text"] for b in last["blocks"] if b["type"] == "header"][-1]
    assert header == "Team KPIs · 381–400 of 400"
    attention = build_home_view(board, state.filtered("attention"), "en")
    shown = [
        _card(int(b["block_id"].rsplit("_", 1)[1]))
        for b in attention["blocks"]
        if b.get("block_id", "").startswith("team_kpi_") and b["type"] == "section"
    ]
    assert len(shown) == TEAM_PAGE and all(c.status in ("at_risk", "off_track") or c.stale for c in shown)
    assert HomeState.from_metadata(attention["private_metadata"]) == HomeState(filter="attention")
    menu = next(b for b in attention["blocks"] if b.get("block_id") == "team_filter")["elements"][0]
    assert menu["initial_option"]["value"] == "attention" and len(menu["options"]) == 5


def test_the_state_survives_the_round_trip_and_refuses_what_we_did_not_write() -> None:
    state = HomeState(mine_page=2, team_page=3, filter="paused", dm="D0ANN")
    assert HomeState.from_metadata(state.metadata()) == state
    for junk in ("", "[]", "{", '{"mine": -4, "team": "x", "filter": "evil", "dm": "C0GENERAL"}', None, 7):
        assert HomeState.from_metadata(junk) == HomeState()
    assert state.turned("bogus:1") == state and state.turned("mine:x").mine_page == 0
    assert state.filtered("nonsense") == HomeState(mine_page=2, filter="all", dm="D0ANN")


def _overview(**fields: object) -> KpiOverview:
    kpi = Kpi(
        number=3,
        name="Orders",
        owner_user_id="U0ANN",
        creator_user_id="U0BEN",
        cadence="weekly",
        status="active",
        target=150.0,
        current_value=130.0,
        unit="st",
        metric_label="orders",
        funnel_stage="activate",
        conversion="macro",
        action_plan="Call every lead <!channel>",
        **fields,
    )
    detail = KpiDetail(kpi=kpi, values=[], target_changes=[], last_checkin=None)
    return KpiOverview(detail, _card(3, name="Orders", status="off_track"))


def test_the_detail_shows_measurement_plan_chart_note_and_buttons_within_limits() -> None:
    blocks = build_kpi_detail(_overview(), "nb", chart_note=t("nb", "show.chart_follows"))
    assert len(blocks) <= 50
    text = "\n".join(_texts(blocks))
    assert "*Måles som*: orders · REAL: aktivering · makrokonvertering · st" in text
    assert "*Tiltaksplan*\nCall every lead @channel" in text and "Trenddiagrammet kommer straks" in text
    actions = blocks[-1]["elements"]
    assert [(b["action_id"], b["value"]) for b in actions] == [("home_value", "3"), ("kpi_edit", "3")]
    modal = build_kpi_detail_modal(_overview(), "nb")
    assert modal["type"] == "modal" and modal["title"]["text"] == "KPI #3"
    assert_within_limits(modal)


def test_the_goal_check_modals_fit_and_carry_the_goal_on() -> None:
    form = build_check_goal_modal("sv")
    assert form["callback_id"] == "home_check_goal" and form["submit"]["text"] == "Bedöm"
    goal = 'Öka försäljningen "med" 10 % ' * 200
    verdict = build_checked_goal_modal([{"type": "section", "text": {"type": "mrkdwn", "text": "B"}}], goal, "sv")
    assert verdict["submit"]["text"] == "Spara som KPI" and len(verdict["private_metadata"]) <= 3000
    carried = json.loads(checked_goal_metadata(goal, "sv"))
    assert goal.startswith(carried["goal"]) and carried["lang"] == "sv"
