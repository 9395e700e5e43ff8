"""Events API callbacks (mention, DM, App Home), retries, tenant isolation, signatures and health."""

from __future__ import annotations

import time

from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import Harness, rendered
from tests.support.fake_slack import BOT_ID, command_body


def test_app_mention_is_answered_in_its_thread_and_a_retry_is_not(slack: Harness) -> None:
    event = {
        "type": "app_mention",
        "user": "U0ANN",
        "text": "<@UBOT0001> Get 500 likes on Instagram by March <!here>",
        "ts": "1700000000.000100",
        "channel": "C0GENERAL",
        "event_ts": "1700000000.000100",
    }
    assert slack.event(event, event_id="Ev0001").status_code == 200
    posted = slack.fake.wait_for("chat.postMessage")[0].args
    assert posted["channel"] == "C0GENERAL" and posted["thread_ts"] == "1700000000.000100"
    assert "/100" in rendered(posted) and "<!here>" not in rendered(posted)
    assert "link_names" not in posted and "parse" not in posted
    for retry in (1, 2):
        assert slack.event(event, event_id="Ev0001", retry=retry).status_code == 200
    slack.fake.settle()
    assert len(slack.fake.of("chat.postMessage")) == 1


def test_direct_message_is_answered_in_its_thread_and_bot_messages_are_ignored(slack: Harness) -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": "U0ANN",
        "text": "Fler följare",
        "ts": "1.2",
        "channel": "D0ANN",
    }
    slack.event(dm, event_id="Ev0002")
    posted = slack.fake.wait_for("chat.postMessage")[0].args
    assert posted["channel"] == "D0ANN" and posted["thread_ts"] == "1.2" and "Ett bättre mål" in rendered(posted)
    slack.event({**dm, "subtype": "message_changed"}, event_id="Ev0003")
    slack.event({**dm, "bot_id": BOT_ID, "user": "UBOT0001", "ts": "1.3"}, event_id="Ev0004")
    slack.event(dm, event_id="Ev0002", retry=1)
    slack.fake.settle()
    assert len(slack.fake.of("chat.postMessage")) == 1


def test_app_home_lists_the_users_kpis(slack: Harness) -> None:
    slack.command_json("add Get 40 enquiries a month by June")
    slack.event({"type": "app_home_opened", "user": "U0ANN", "tab": "home", "channel": "D0ANN"}, event_id="Ev0005")
    published = slack.fake.wait_for("views.publish")[0].args
    assert published["user_id"] == "U0ANN" and "#1" in rendered(published["view"])


def test_another_workspace_cannot_read_or_change_kpi_1(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month", team_id="T0AAA", user_id="U0ANN")
    slack.command_json("update 1 130", team_id="T0AAA", user_id="U0ANN")
    # Team B's user even has the same user id: the team decides, not the number or the user.
    for text in ("show 1", "update 1 999", "archive 1", "edit 1"):
        assert "no KPI #1" in rendered(slack.command_json(text, team_id="T0BBB", user_id="U0ANN")), text
    assert "No KPIs" in rendered(slack.command_json("list all", team_id="T0BBB"))
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, "T0AAA", 1)
        assert (kpi.current_value, kpi.status) == (130.0, "active")
        assert [v.value for v in repo.value_history(session, "T0AAA", 1)] == [130.0]
    # And B's own register starts at #1 of its own.
    assert "#1" in rendered(slack.command_json("add Get 40 enquiries a month", team_id="T0BBB"))


def test_bad_and_stale_signatures_are_refused_and_change_nothing(slack: Harness) -> None:
    body = command_body("add Get 40 enquiries a month by June")
    bad = slack.http.post(
        "/slack/events",
        content=body.encode(),
        headers={
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert bad.status_code == 401
    assert slack.post(body, timestamp=int(time.time()) - 600).status_code == 401
    assert slack.http.post("/slack/events", content=body.encode()).status_code == 401
    slack.fake.settle(0.2)
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, "T0AAA", include_archived=True) == []
    assert slack.fake.calls == []


def test_healthz_reports_the_database(slack: Harness) -> None:
    response = slack.http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"database": "ok"}
    slack.engine.dispose()
