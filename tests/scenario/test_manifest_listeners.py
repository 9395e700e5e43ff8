"""Every event manifest.yml subscribes to reaches a listener; an event it does not subscribe to reaches none."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scenario.conftest import Harness

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())
EXAMPLES = {
    "app_mention": {"type": "app_mention", "user": "U0ANN", "text": "<@UBOT0001> hi", "ts": "1.1", "channel": "C1"},
    "message.im": {
        "type": "message",
        "channel_type": "im",
        "user": "U0ANN",
        "text": "hi",
        "ts": "1.1",
        "channel": "D1",
    },
    "message.channels": {
        "type": "message",
        "channel_type": "channel",
        "user": "U0ANN",
        "text": "by June",
        "ts": "1.2",
        "thread_ts": "1.1",
        "channel": "C1",
    },
    "message.groups": {
        "type": "message",
        "channel_type": "group",
        "user": "U0ANN",
        "text": "by June",
        "ts": "1.2",
        "thread_ts": "1.1",
        "channel": "G1",
    },
    "app_home_opened": {"type": "app_home_opened", "user": "U0ANN", "tab": "home", "channel": "D1"},
    "app_uninstalled": {"type": "app_uninstalled"},
    "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": ["U0ANN"], "bot": ["UBOT0001"]}},
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_each_subscribed_event_is_handled(slack: Harness) -> None:
    subscribed = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(subscribed) == sorted(EXAMPLES)
    for n, name in enumerate(subscribed):
        assert slack.event(EXAMPLES[name], event_id=f"EvM{n}").status_code == 200, name
    # Bolt answers 404 when no listener matches: proof the check above can fail.
    assert slack.event({"type": "reaction_added", "user": "U0ANN"}, event_id="EvMx").status_code == 404


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_command_is_handled(slack: Harness) -> None:
    command = MANIFEST["features"]["slash_commands"][0]["command"]
    assert slack.command("help", command=command).status_code == 200
    assert slack.command("help", command="/other").status_code == 404
