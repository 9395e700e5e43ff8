"""The App Home tab and the trend charts through the real app, against the fake Web API: what is published, what
its buttons open, what a submitted form changes, and which charts are uploaded where."""

from __future__ import annotations

import json
import logging

import pytest

from bot.slack.i18n import t
from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import Harness, rendered, texts
from tests.support.fake_slack import form_values, interaction_body, view_action_payload, view_submission_payload

TEAM = "T0AAA"
PNG = b"\x89PNG\r\n\x1a\n"


def _open_home(slack: Harness, user: str = "U0ANN", event_id: str = "EvHome1") -> dict:
    before = len(slack.fake.of("views.publish"))
    event = {"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user[1:]}"}
    slack.event(event, event_id=event_id)
    return slack.fake.wait_for("views.publish", before + 1)[-1].args


def _press(slack: Harness, action_id: str, value: str, view: dict | None = None, **fields):
    metadata = (view or {}).get("private_metadata", "")
    payload = view_action_payload(action_id, value, private_metadata=metadata, **fields)
    response = slack.post(interaction_body(payload))
    assert response.status_code == 200
    return response


def _submit(slack: Harness, callback_id: str, values: dict, metadata: dict, user_id: str = "U0ANN") -> dict:
    payload = view_submission_payload(callback_id, values, private_metadata=json.dumps(metadata), user_id=user_id)
    response = slack.post(interaction_body(payload))
    assert response.status_code == 200
    return response.json() if response.content else {}


def _buttons(view: dict) -> list[tuple[str, str]]:
    return [(e["action_id"], e.get("value")) for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_opening_the_home_tab_lists_my_kpi_with_working_buttons_in_my_language(slack: Harness) -> None:
    slack.fake.locales["U0ANN"] = "sv-SE"
    slack.command_json("add Öka antalet onlineordrar från 120 till 150 per månad senast 2027-06-30")
    published = _open_home(slack)
    view = published["view"]
    assert published["user_id"] == "U0ANN" and view["type"] == "home"
    shown = rendered(view)
    assert "Mina KPI:er · 1–1 av 1" in shown and "*#1*" in shown and "Lägg till KPI" in shown
    assert "För kort historik för en prognos än" in shown and "nivå 5/5" in shown
    assert ("home_value", "1") in _buttons(view) and ("home_open", "1") in _buttons(view)
    assert ("home_add", "add") in _buttons(view) and ("home_check", "check") in _buttons(view)
    assert json.loads(view["private_metadata"])["dm"] == "D0ANN"

    _press(slack, "home_value", "1", view)
    form = slack.fake.wait_for("views.open")[-1].args["view"]
    assert form["callback_id"] == "home_value_modal" and t("sv", "checkin.value_label", number=1) in rendered(form)


def test_a_value_given_on_the_home_tab_is_recorded_and_the_tab_republished(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month by 2027-06-30")
    _open_home(slack)
    answer = _submit(slack, "home_value_modal", form_values(value={"value": "1 130"}), {"lang": "sv", "number": 1})
    assert answer["response_action"] == "update" and "1\u00a0130" in rendered(answer["view"])
    with session_scope(slack.engine) as session:
        assert [v.value for v in repo.value_history(session, TEAM, 1)] == [1130.0]
    again = slack.fake.wait_for("views.publish", 2)[-1].args
    assert again["user_id"] == "U0ANN" and "1,130 / 150" in rendered(again["view"])
    refused = _submit(slack, "home_value_modal", form_values(value={"value": "lots"}), {"lang": "en", "number": 1})
    assert refused["response_action"] == "errors" and "value" in refused["errors"]


def test_a_change_made_elsewhere_republishes_the_owners_tab(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month", user_id="U0ANN")
    _open_home(slack, "U0ANN")
    _open_home(slack, "U0CAT", event_id="EvHome2")  # a bystander: #1 is on their team list
    slack.command_json("update 1 140", user_id="U0BEN")
    slack.fake.wait_for("views.publish", 4)
    republished = {c.args["user_id"]: c.args["view"] for c in slack.fake.of("views.publish")[2:]}
    assert set(republished) == {"U0ANN", "U0CAT"}
    assert all("140 / 150" in rendered(view) for view in republished.values())


def test_a_long_team_list_turns_pages_and_filters(slack: Harness) -> None:
    with session_scope(slack.engine) as session:
        repo.get_or_create_workspace(session, TEAM)
        for index in range(25):
            repo.create_kpi(session, TEAM, name=f"Leads {index}", owner_user_id="U0BEN", target=10.0)
        repo.record_value(session, TEAM, 3, 4.0)
    first = _open_home(slack)["view"]
    assert "Team KPIs · 1–20 of 25" in rendered(first) and ("home_page", "team:1") in _buttons(first)
    _press(slack, "home_page", "team:1", first)
    second = slack.fake.wait_for("views.publish", 2)[-1].args["view"]
    assert "Team KPIs · 21–25 of 25" in rendered(second) and "*#25*" in rendered(second)
    _press(slack, "home_filter", "", second, selected_option="paused")
    filtered = slack.fake.wait_for("views.publish", 3)[-1].args["view"]
    assert "No KPIs match this filter." in rendered(filtered)
    assert json.loads(filtered["private_metadata"])["filter"] == "paused"


def test_check_a_goal_then_save_it_as_a_kpi_from_the_home_tab(slack: Harness) -> None:
    view = _open_home(slack)["view"]
    _press(slack, "home_check", "check", view)
    form = slack.fake.wait_for("views.open")[-1].args["view"]
    assert form["callback_id"] == "home_check_goal"
    empty = _submit(slack, "home_check_goal", form_values(goal={"value": "  "}), {"lang": "en"})
    assert empty["response_action"] == "errors"
    goal = "Get 40 enquiries a month from the website by 2027-06-30"
    verdict = _submit(slack, "home_check_goal", form_values(goal={"value": goal}), {"lang": "en"})
    assert verdict["response_action"] == "update" and verdict["view"]["callback_id"] == "home_checked_goal"
    assert "/100" in rendered(verdict["view"]) and verdict["view"]["submit"]["text"] == "Save as KPI"
    form = _submit(slack, "home_checked_goal", {}, json.loads(verdict["view"]["private_metadata"]))
    assert form["response_action"] == "update" and form["view"]["callback_id"] == "kpi_add"
    name = next(b for b in form["view"]["blocks"] if b["block_id"] == "name")["element"]["initial_value"]
    assert name == goal


def test_open_shows_the_detail_and_sends_the_chart_to_the_messages_tab(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month by 2027-06-30")
    slack.command_json("update 1 125")
    slack.command_json("update 1 131")
    view = _open_home(slack)["view"]
    _press(slack, "home_open", "1", view)
    detail = slack.fake.wait_for("views.open")[-1].args["view"]
    assert detail["title"]["text"] == "KPI #1" and "on its way to the Messages tab" in rendered(detail)
    assert ("home_value", "1") in _buttons(detail) and ("kpi_edit", "1") in _buttons(detail)
    completed = slack.fake.wait_for("files.completeUploadExternal", timeout=30)[-1].args
    assert completed["channel_id"] == "D0ANN"
    [upload] = slack.fake.of("file_upload")
    assert slack.fake.uploads[upload.args["file_id"]].startswith(PNG)
    _press(slack, "home_value", "1", detail, view_type="modal")  # a form over the detail is pushed on top of it
    assert slack.fake.wait_for("views.push")[-1].args["view"]["callback_id"] == "home_value_modal"


def test_kpi_show_answers_with_the_detail_then_uploads_the_chart_into_the_conversation(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month by 2027-06-30")
    slack.command_json("update 1 125")
    single = rendered(slack.command_json("show 1"))
    assert "once there are two values" in single and "Action plan" in single
    slack.fake.settle(0.5)
    assert slack.fake.of("files.getUploadURLExternal") == []
    slack.command_json("update 1 131")
    shown = slack.command_json("show 1")
    assert "The trend chart follows in this conversation" in rendered(shown)
    asked = slack.fake.wait_for("files.getUploadURLExternal", timeout=30)[-1].args
    completed = slack.fake.wait_for("files.completeUploadExternal")[-1].args
    assert asked["filename"] == "kpi-1-trend.png" and "Line chart of #1" in asked["alt_txt"]
    assert completed["channel_id"] == "C0GENERAL"
    assert json.loads(completed["files"])[0]["title"].startswith("Trend of #1")
    [upload] = slack.fake.of("file_upload")
    assert int(asked["length"]) == upload.args["size"] and slack.fake.uploads[upload.args["file_id"]].startswith(PNG)


def test_a_chart_the_bot_may_not_post_here_is_explained_to_the_asker_only(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month")
    slack.command_json("update 1 125")
    slack.command_json("update 1 131")
    slack.fake.failures["files.completeUploadExternal"] = "not_in_channel"
    slack.command_json("show 1")
    told = slack.fake.wait_for("response_url", timeout=30)[-1].args
    assert told["response_type"] == "ephemeral" and "/invite @KPI advisor" in told["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_edit_under_the_detail_opens_the_form_for_the_owner_only(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month", user_id="U0ANN")
    slack.action("kpi_edit", "1", user_id="U0BEN")
    refused = slack.fake.wait_for("views.open")[-1].args["view"]
    assert "Only the owner (<@U0ANN>)" in " ".join(texts(refused["blocks"]))
    slack.action("kpi_edit", "1", user_id="U0ANN")
    form = slack.fake.wait_for("views.open", 2)[-1].args["view"]
    assert form["callback_id"] == "kpi_edit" and any(b["block_id"] == "action_plan" for b in form["blocks"])
