"""Signed payloads Slack would never send, and input no database stores: each gets a clear answer, on SQLite and
PostgreSQL, with nothing half-saved and no ERROR or traceback in the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.services import coaching
from bot.slack.blocks.kpi import view_metadata
from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import Harness, rendered
from tests.support.fake_slack import form_values


@pytest.fixture
def quiet_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The log of the test; after it, no record at ERROR or above and no traceback."""
    caplog.set_level(logging.INFO)
    yield caplog
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []


def _modal(**overrides) -> dict:
    state = {
        "name": {"type": "plain_text_input", "value": "Orders per month"},
        "owner": {"type": "users_select", "selected_user": "U0BOB"},
        "cadence": {"type": "static_select", "selected_option": {"value": "monthly"}},
    }
    return form_values(**{**state, **overrides})


@pytest.mark.parametrize("value", [{"goal": "x"}, ["x"], 7, None, "²:1:en", "{", "[[[[" * 300])
def test_a_button_value_we_did_not_write_is_acknowledged_and_ignored(slack: Harness, value, quiet_log) -> None:
    for action_id in ("check_share", "check_why", "checkin_value", "checkin_snooze", "checkin_target_ok"):
        payload = json.loads(json.dumps({"value": value}))["value"]
        assert slack.action(action_id, payload).status_code == 200, action_id
    slack.fake.settle(0.2)
    assert slack.fake.of("response_url") == [] and slack.fake.of("chat.update") == []


@pytest.mark.parametrize("ids", ["99999999999999999999:1:en", "1:99999999999999999999:en", "2147483648:1:en"])
def test_ids_beyond_the_columns_are_not_ours(slack: Harness, ids: str, quiet_log) -> None:
    assert slack.action("checkin_snooze", ids).status_code == 200
    meta = json.dumps({"lang": "en", "checkin": 2**70, "number": 2**63})
    values = form_values(value={"type": "plain_text_input", "value": "12"})
    answer = slack.submit("checkin_value_modal", values, private_metadata=meta).json()
    assert answer["response_action"] == "errors"
    edit = slack.submit("kpi_edit", _modal(), private_metadata=json.dumps({"lang": "en", "number": 2**40})).json()
    assert edit["response_action"] == "errors"


def test_a_date_that_does_not_exist_is_an_error_next_to_the_field(slack: Harness, quiet_log) -> None:
    form = _modal(deadline={"type": "datepicker", "selected_date": "2027-02-30"})
    answer = slack.submit("kpi_add", form, private_metadata=json.dumps({"lang": "sv"})).json()
    assert answer == {"response_action": "errors", "errors": {"deadline": "Välj ett datum som finns i kalendern."}}
    too_long = slack.submit("kpi_add", _modal(unit={"value": "x" * 51})).json()
    assert too_long["errors"] == {"unit": "At most 50 characters."}
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, "T0AAA", include_archived=True) == []


def test_odd_owner_channel_and_time_are_dropped_not_stored(slack: Harness, quiet_log) -> None:
    form = _modal(
        owner={"selected_user": "x" * 500},
        channel={"selected_conversation": {"id": "C1"}},
        checkin_time={"selected_time": "99:99"},
        checkin_weekday={"selected_option": {"value": {"x": 1}}},
    )
    assert slack.submit("kpi_add", form).json()["response_action"] == "update"
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, "T0AAA", 1)
        assert (kpi.owner_user_id, kpi.channel_id, kpi.checkin_time) == ("U0ANN", None, "09:00")


def test_private_metadata_that_is_not_our_json_reads_as_empty() -> None:
    for raw in (5, None, "", "[1]", "{", {"lang": "sv"}):
        assert view_metadata({"private_metadata": raw}) == {}
    assert view_metadata("not a view") == {}  # type: ignore[arg-type]


def _dm(text: str, ts: str = "1.2") -> dict:
    return {"type": "message", "channel_type": "im", "user": "U0ANN", "text": text, "ts": ts, "channel": "D0ANN"}


def test_a_dm_with_a_lone_surrogate_or_nul_is_answered(slack: Harness, quiet_log) -> None:
    # event_body writes JSON with ASCII escapes: \ud800 and \u0000 on the wire, as a hostile client would.
    assert slack.event(_dm("Fler följare \ud800 och\x00 mer"), event_id="EvSurrogate").status_code == 200
    posted = slack.fake.wait_for("chat.postMessage")[0].args
    assert posted["thread_ts"] == "1.2" and "Ett bättre mål" in rendered(posted)


def test_when_coaching_fails_the_person_is_told_and_nothing_is_half_saved(
    slack: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    goal = "Get 40 enquiries a month from the website, up from 30, by June 2027, owner <@U0ANN>"
    slack.event(_dm(goal), event_id="Ev1")
    slack.fake.wait_for("chat.postMessage")

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(repo, "add_turn", broken)
    slack.event({**_dm("save", ts="1.3"), "thread_ts": "1.2"}, event_id="Ev2")
    told = slack.fake.wait_for("chat.postMessage", 2)[1].args
    assert told["thread_ts"] == "1.2" and "nothing was changed" in told["text"]
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, "T0AAA", include_archived=True) == []
    assert "RuntimeError: the database went away" in caplog.text
    assert not [r for r in caplog.records if r.exc_info and r.levelno > logging.DEBUG]
    assert coaching.save_draft  # the one transaction that stores a saved draft and its turn together
