"""manifest.yml and the code stay in step: scopes, the command, the events, one request URL."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import BOT_SCOPES
from bot.slack.listeners.commands import COMMAND
from bot.slack.listeners.events import SUBSCRIBED_EVENTS

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())


def test_the_command_is_declared_escaped_with_a_usage_hint() -> None:
    commands = MANIFEST["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [COMMAND]
    assert commands[0]["should_escape"] is True and commands[0]["usage_hint"]


def test_subscribed_events_are_exactly_those_with_listeners() -> None:
    assert sorted(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == sorted(SUBSCRIBED_EVENTS)


def test_scopes_match_what_the_oauth_flow_requests() -> None:
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_every_request_url_is_the_one_events_endpoint() -> None:
    urls = [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in MANIFEST["features"]["slash_commands"]),
    ]
    assert set(urls) == {"https://YOUR-HOST/slack/events"}
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
