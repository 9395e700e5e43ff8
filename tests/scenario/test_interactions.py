"""Buttons under a verdict and the add/edit modal submissions."""

from __future__ import annotations

import json

from bot.slack.blocks.check import button_value
from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import Harness, rendered
from tests.support.fake_slack import form_values

GOAL = "Get 500 likes on our Instagram posts by the end of March <!channel>"


def test_share_posts_the_verdict_in_the_channel_without_buttons(slack: Harness) -> None:
    assert slack.action("check_share", button_value(GOAL)).status_code == 200
    posted = slack.fake.wait_for("response_url")[0].args
    assert posted["response_type"] == "in_channel" and posted["replace_original"] is False
    assert "/100" in rendered(posted) and "<@U0ANN>" in rendered(posted) and "<!channel>" not in rendered(posted)
    assert not [b for b in posted["blocks"] if b["type"] == "actions"]


def test_why_explains_each_finding(slack: Harness) -> None:
    slack.action("check_why", button_value(GOAL))
    posted = slack.fake.wait_for("response_url")[0].args
    assert posted["response_type"] == "ephemeral" and "goal model ranks metrics" in rendered(posted)


def test_save_opens_the_add_modal_prefilled_from_the_goal(slack: Harness) -> None:
    slack.action("check_save", button_value("Grow online sales from 120 to 150 orders per month by Q3 2027"))
    view = slack.fake.wait_for("views.open")[0].args["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert view["callback_id"] == "kpi_add"
    assert blocks["target"]["initial_value"] == "150" and blocks["baseline"]["initial_value"] == "120"
    assert blocks["owner"]["initial_user"] == "U0ANN" and blocks["deadline"]["initial_date"].startswith("2027")


def _form(**overrides):
    state = {
        "name": {"type": "plain_text_input", "value": "Orders per month"},
        "goal": {"type": "plain_text_input", "value": "Grow online sales from 120 to 150 orders per month"},
        "owner": {"type": "users_select", "selected_user": "U0BOB"},
        "target": {"type": "plain_text_input", "value": "1 500"},
        "unit": {"type": "plain_text_input", "value": "orders"},
        "baseline": {"type": "plain_text_input", "value": "1,2"},
        "deadline": {"type": "datepicker", "selected_date": "2027-06-30"},
        "benchmark": {"type": "plain_text_input", "value": "2 % conversion"},
        "benchmark_source": {"type": "plain_text_input", "value": "Industry report 2026"},
        "cadence": {"type": "static_select", "selected_option": {"value": "monthly"}},
        "channel": {"type": "conversations_select", "selected_conversation": "C0SALES"},
    }
    state.update(overrides)
    return form_values(**state)


def test_add_modal_submission_stores_the_kpi_and_confirms(slack: Harness) -> None:
    response = slack.submit("kpi_add", _form(), private_metadata=json.dumps({"lang": "en", "channel": "C0GENERAL"}))
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "update" and "#1" in rendered(answer["view"])
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, "T0AAA", 1)
    assert (kpi.name, kpi.target, kpi.baseline, kpi.unit) == ("Orders per month", 1500.0, 1.2, "orders")
    assert (kpi.owner_user_id, kpi.creator_user_id, kpi.cadence, kpi.channel_id) == (
        "U0BOB",
        "U0ANN",
        "monthly",
        "C0SALES",
    )
    assert kpi.benchmark_source == "Industry report 2026" and kpi.level == 5 and kpi.grade


def test_add_modal_with_a_bad_number_shows_the_error_next_to_the_field(slack: Harness) -> None:
    response = slack.submit("kpi_add", _form(target={"type": "plain_text_input", "value": "lots"}))
    assert response.json() == {"response_action": "errors", "errors": {"target": "Write a number, e.g. 1200 or 2,5."}}
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, "T0AAA") == []


def test_edit_submission_changes_the_target_with_reason_and_refuses_others(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month")
    meta = json.dumps({"lang": "en", "number": 1})
    form = _form(owner={"type": "users_select", "selected_user": "U0ANN"}, reason={"value": "Budget doubled"})
    refused = slack.submit("kpi_edit", form, private_metadata=meta, user_id="U0EVE").json()
    assert refused["response_action"] == "errors" and "Only the owner" in refused["errors"]["name"]
    saved = slack.submit("kpi_edit", form, private_metadata=meta).json()
    assert saved["response_action"] == "update"
    with session_scope(slack.engine) as session:
        target_changes = repo.changes(session, "T0AAA", 1, field="target")
        assert [(c.old_value, c.new_value, c.reason, c.changed_by) for c in target_changes] == [
            ("150", "1500", "Budget doubled", "U0ANN")
        ]
    shown = rendered(slack.command_json("show 1"))
    assert "150 → 1,500" in shown and "Budget doubled" in shown
