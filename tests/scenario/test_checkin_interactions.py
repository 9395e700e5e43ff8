"""Check-ins through the real app: the buttons, the two modals, `/kpi cadence|pause|resume|review`, time zones."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.checkins.tick import post_due_checkins
from bot.store import repository as repo
from bot.store import session_scope
from bot.store.types import utcnow
from scenario.conftest import Harness, rendered
from tests.support.fake_slack import form_values

GOAL = "add Grow online sales from 120 to 150 orders per month by 2027-06-30"


def post_checkin(slack: Harness, days: int = 8) -> dict:
    """Run one tick a week and a day after now and return the check-in message the fake received."""

    async def run() -> None:
        client = AsyncWebClient(token="xoxb-scenario", base_url=slack.fake.url, retry_handlers=[])

        async def client_for(_: str) -> AsyncWebClient:
            return client

        await post_due_checkins(slack.engine, client_for, now=utcnow() + timedelta(days=days))

    asyncio.run(run())
    return [c.args for c in slack.fake.of("chat.postMessage") if c.args.get("metadata")][-1]


def button(message: dict, action_id: str) -> str:
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    return next(e["value"] for e in actions["elements"] if e["action_id"] == action_id)


def view_of(call_args: dict) -> dict:
    view = call_args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def updated_text(slack: Harness, count: int) -> str:
    return rendered(slack.fake.wait_for("chat.update", count)[-1].args)


def test_target_still_right_is_the_owners_and_redraws_the_message(slack: Harness) -> None:
    slack.command_json(GOAL)
    message = post_checkin(slack)
    assert "<@U0ANN>" in rendered(message) and "#1" in rendered(message)
    slack.action("checkin_target_ok", button(message, "checkin_target_ok"), user_id="U0EVE")
    refusal = slack.fake.wait_for("response_url")[-1].args
    assert refusal["response_type"] == "ephemeral" and "Only the owner" in refusal["text"]
    slack.action("checkin_target_ok", button(message, "checkin_target_ok"))
    update = slack.fake.wait_for("chat.update")[-1].args
    assert update["ts"] and update["channel"] == "C0GENERAL"
    assert "<@U0ANN> confirmed the target" in rendered(update)
    assert not [b for b in update["blocks"] if b["type"] == "actions"]
    with session_scope(slack.engine) as session:
        checkin = repo.latest_checkin(session, "T0AAA", 1)
        assert (checkin.status, checkin.answer, checkin.answered_by) == ("answered", "target_ok", "U0ANN")
        assert repo.get_kpi(session, "T0AAA", 1).last_revisited_at is not None


def test_update_value_modal_records_the_value_and_answers_the_checkin(slack: Harness) -> None:
    slack.command_json(GOAL)
    message = post_checkin(slack)
    slack.action("checkin_value", button(message, "checkin_value"))
    view = view_of(slack.fake.wait_for("views.open")[-1].args)
    assert view["callback_id"] == "checkin_value_modal"
    bad = slack.submit(
        view["callback_id"], form_values(value={"value": "lots"}), private_metadata=view["private_metadata"]
    )
    assert bad.json()["response_action"] == "errors"
    values = form_values(value={"value": "1 300"}, note={"value": "good week <!here>"})
    assert slack.submit(view["callback_id"], values, private_metadata=view["private_metadata"]).status_code == 200
    assert "<@U0ANN> reported 1,300" in updated_text(slack, 1)
    with session_scope(slack.engine) as session:
        [value] = repo.value_history(session, "T0AAA", 1)
        assert (value.value, value.source, value.note) == (1300.0, "checkin", "good week <!here>")
        assert repo.latest_checkin(session, "T0AAA", 1).answer == "value"


def test_revise_target_records_old_new_with_reason_and_grades_again(slack: Harness) -> None:
    slack.command_json(GOAL)
    message = post_checkin(slack)
    slack.action("checkin_revise", button(message, "checkin_revise"))
    view = view_of(slack.fake.wait_for("views.open")[-1].args)
    assert view["callback_id"] == "checkin_revise_modal" and "150" in rendered(view)
    missing = slack.submit(
        view["callback_id"], form_values(target={"value": "170"}), private_metadata=view["private_metadata"]
    )
    assert set(missing.json()["errors"]) == {"reason"}
    values = form_values(target={"value": "170"}, reason={"value": "Budget doubled"})
    saved = slack.submit(view["callback_id"], values, private_metadata=view["private_metadata"]).json()
    assert saved["response_action"] == "update" and "170" in rendered(saved["view"])
    assert "150 → 170" in updated_text(slack, 1)
    with session_scope(slack.engine) as session:
        [change] = repo.changes(session, "T0AAA", 1, field="target")
        assert (change.old_value, change.new_value, change.reason, change.changed_by) == (
            "150",
            "170",
            "Budget doubled",
            "U0ANN",
        )
        kpi = repo.get_kpi(session, "T0AAA", 1)
        assert "170" in kpi.goal_text and kpi.grade and kpi.target == 170.0
        assert [c.field for c in repo.changes(session, "T0AAA", 1)][:2] == ["target", "goal_text"]


def test_snooze_pauses_a_week_and_the_next_tick_skips_it(slack: Harness) -> None:
    slack.command_json(GOAL)
    message = post_checkin(slack)
    slack.action("checkin_snooze", button(message, "checkin_snooze"))
    assert ":zzz: <@U0ANN> snoozed" in updated_text(slack, 1)
    with session_scope(slack.engine) as session:
        assert repo.get_kpi(session, "T0AAA", 1).paused_until == date.today() + timedelta(days=6)
    assert post_checkin(slack, days=15) != message  # the snooze is over a week later: the next check-in comes


def test_cadence_pause_resume_and_review_commands(slack: Harness) -> None:
    slack.command_json(GOAL)
    answer = rendered(slack.command_json("cadence 1 monthly tue 10:00"))
    assert "monthly" in answer and "Tuesday at 10:00" in answer
    assert "/kpi cadence 3 weekly" in rendered(slack.command_json("cadence 1 sometimes"))
    assert "Only the owner" in rendered(slack.command_json("cadence 1 off", user_id="U0EVE"))
    assert "are off" in rendered(slack.command_json("cadence 1 off"))
    assert "2027-01-07" in rendered(slack.command_json("pause 1 until 2027-01-07"))
    assert "/kpi pause 3 until" in rendered(slack.command_json("pause 1 next week"))
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, "T0AAA", 1)
        assert (kpi.cadence, kpi.checkin_weekday, kpi.checkin_time) == ("off", 1, "10:00")
        assert kpi.paused_until == date(2027, 1, 7)
    assert "back on" in rendered(slack.command_json("resume 1"))
    review = rendered(slack.command_json("review"))
    assert "REAL stages with no KPI" in review and "reach" in review and "loyalty" in review
    assert "KPI-översyn av <#C0GENERAL>" in rendered(slack.command_json("översyn"))


def test_the_owners_slack_time_zone_is_stored_on_a_new_kpi(slack: Harness) -> None:
    slack.fake.timezones["U0ANN"] = "Europe/Stockholm"
    slack.command_json(GOAL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with session_scope(slack.engine) as session:
            if repo.get_kpi(session, "T0AAA", 1).timezone == "Europe/Stockholm":
                return
        time.sleep(0.05)
    raise AssertionError("the owner's time zone was not stored")


def test_a_pause_in_the_past_is_refused_and_a_daily_cadence_names_no_weekday(slack: Harness) -> None:
    slack.command_json(GOAL)
    slack.command_json("cadence 1 weekly fri 10:00")
    answer = rendered(slack.command_json("cadence 1 daily 00:00"))
    assert "daily, every working day at 00:00" in answer and "Friday" not in answer
    assert "1900-01-01 has already passed" in rendered(slack.command_json("pause 1 until 1900-01-01"))
    with session_scope(slack.engine) as session:
        assert repo.get_kpi(session, "T0AAA", 1).paused_until is None
