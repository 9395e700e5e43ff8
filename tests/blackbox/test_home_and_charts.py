"""Black box: the App Home tab and the trend charts of a running `kpi-advisor serve`, Slack's side played over real
HTTP by the fake Web API. Opening the tab publishes a view listing the user's KPI whose buttons work (Update value
opens the form, a submitted value republishes the tab); `/kpi show N` uploads a chart with files_upload_v2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.blackbox.test_serve import Bot, _env
from tests.support.fake_slack import (
    FakeSlack,
    event_body,
    form_values,
    interaction_body,
    view_action_payload,
    view_submission_payload,
)
from tests.support.serving import serving

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    fake = FakeSlack().start()
    try:
        with serving(_env(fake, tmp_path / "kpi.db"), "--no-checkins") as served:
            yield Bot(served.base, fake)
    finally:
        fake.stop()
    assert "Traceback" not in served.output and " ERROR " not in served.output, served.output


def _buttons(view: dict) -> set[tuple[str, str]]:
    return {(e["action_id"], e.get("value")) for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_the_home_tab_lists_my_kpi_and_its_update_button_opens_the_form(bot: Bot) -> None:
    assert "#1" in bot.answer("add Grow online sales from 120 to 150 orders per month by 2027-06-30")
    event = {"type": "app_home_opened", "user": "U0ANN", "tab": "home", "channel": "D0ANN"}
    assert bot.post(event_body(event, event_id="EvBoxHome"), content_type="application/json").status_code == 200
    published = bot.fake.wait_for("views.publish")[0].args
    view = published["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert published["user_id"] == "U0ANN" and view["type"] == "home" and "*#1* Grow online sales" in shown
    assert {("home_value", "1"), ("home_open", "1"), ("home_add", "add"), ("home_check", "check")} <= _buttons(view)

    press = view_action_payload("home_value", "1", private_metadata=view["private_metadata"])
    assert bot.post(interaction_body(press)).status_code == 200
    form = bot.fake.wait_for("views.open")[0].args
    assert form["trigger_id"] == press["trigger_id"] and form["view"]["callback_id"] == "home_value_modal"

    metadata = form["view"]["private_metadata"]
    values = form_values(value={"value": "133"})
    submitted = bot.post(
        interaction_body(view_submission_payload("home_value_modal", values, private_metadata=metadata))
    )
    assert submitted.status_code == 200 and submitted.json()["response_action"] == "update"
    again = bot.fake.wait_for("views.publish", 2)[-1].args["view"]
    assert "133 / 150" in json.dumps(again, ensure_ascii=False)


def test_kpi_show_uploads_the_trend_chart(bot: Bot) -> None:
    bot.answer("add Grow online sales from 120 to 150 orders per month by 2027-06-30")
    bot.answer("update 1 125")
    bot.answer("update 1 131")
    shown = bot.answer("show 1")
    assert "The trend chart follows in this conversation" in shown
    asked = bot.fake.wait_for("files.getUploadURLExternal", timeout=60)[0].args
    [upload] = bot.fake.wait_for("file_upload")
    completed = bot.fake.wait_for("files.completeUploadExternal")[0].args
    png = bot.fake.uploads[upload.args["file_id"]]
    assert png.startswith(PNG) and int(asked["length"]) == len(png) > 10_000
    assert completed["channel_id"] == "C0GENERAL" and json.loads(completed["files"])[0]["id"] == upload.args["file_id"]
