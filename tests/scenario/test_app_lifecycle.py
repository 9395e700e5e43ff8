"""Slack's lifecycle events in single-workspace mode: an uninstall (or the bot token revoked) stops the workspace's
check-ins; a revoked user token alone does not; malformed lifecycle events are refused, not crashed on."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.store import session_scope
from bot.store.models import Kpi, Workspace
from scenario.conftest import Harness
from tests.support.fake_slack import HOME_TEAM, event_body


def _state(slack: Harness) -> tuple[bool, list]:
    with session_scope(slack.engine) as session:
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == HOME_TEAM)).one()
        due = list(session.scalars(select(Kpi.next_due_at).where(Kpi.workspace_id == workspace.id)))
        return workspace.uninstalled_at is not None, due


def test_a_revoked_user_token_leaves_checkins_and_a_revoked_bot_token_stops_them(slack: Harness) -> None:
    assert "#1" in json.dumps(slack.command_json("add Get 40 enquiries a month by June", channel_id="C0SALES"))
    uninstalled, due = _state(slack)
    assert not uninstalled and due[0] is not None

    revoked_user = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ANN"], "bot": []}}
    assert slack.event(revoked_user, event_id="Ev1").status_code == 200
    assert _state(slack)[0] is False

    revoked_bot = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0KPIBOT"]}}
    assert slack.event(revoked_bot, event_id="Ev2").status_code == 200
    assert _state(slack) == (True, [None])
    assert slack.event({"type": "app_uninstalled"}, event_id="Ev3").status_code == 200  # the other one, later
    assert _state(slack) == (True, [None])


def test_malformed_lifecycle_events_are_refused_and_change_nothing(slack: Harness) -> None:
    slack.command_json("add Get 40 enquiries a month by June", channel_id="C0SALES")
    for index, tokens in enumerate(("bot", ["U0KPIBOT"], {"bot": "U0KPIBOT"}, {"bot": [{"id": 1}]})):
        event = {"type": "tokens_revoked", "tokens": tokens}
        body = event_body(event, event_id=f"EvBAD{index}")
        response = slack.post(body, content_type="application/json")
        assert 400 <= response.status_code < 500, (tokens, response.status_code)
    assert _state(slack)[0] is False
