"""manifest.yml and the code stay in step: scopes, the command, the events, one request URL."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from bot.settings import BOT_SCOPES
from bot.slack.listeners.commands import COMMAND
from bot.slack.listeners.events import SUBSCRIBED_EVENTS

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
# What Slack's documentation says each Web API method and event needs (https://api.slack.com/methods,
# https://api.slack.com/events). A method the code calls that is missing here fails the test below: add its scopes.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_history": {"channels:history", "groups:history"},
    "users_info": {"users:read"},
    "users_list": {"users:read"},
    "views_open": set(),
    "views_publish": set(),
    "views_update": set(),
    "views_push": set(),
    "files_upload_v2": {"files:write"},
    "files_info": {"files:read"},
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "app_home_opened": set(),
    "app_uninstalled": set(),
    "tokens_revoked": set(),
}
SLACK_METHOD_PREFIXES = ("auth_", "chat_", "conversations_", "users_", "views_", "files_", "reactions_", "team_")


def _methods_called() -> set[str]:
    """Web API methods the bot's code calls: ``client.chat_update(...)`` and names handed to a caller as strings
    (``lane.call("chat_postMessage", ...)``)."""
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name, owner = node.func.attr, node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if owner_name in ("client", "web_client") and name.startswith(SLACK_METHOD_PREFIXES):
                found.add(name)
            first = node.args[0] if node.args else None
            if name in ("call", "api_call") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value.replace(".", "_"))
    return found


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


def test_the_scopes_are_exactly_what_the_code_calls_and_listens_to() -> None:
    called = _methods_called()
    assert {"chat_postMessage", "chat_update", "users_info", "conversations_history"} <= called  # the scan works
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to METHOD_SCOPES"
    needed = {"commands"}.union(*(METHOD_SCOPES[m] for m in called))
    needed |= set().union(*(EVENT_SCOPES[e] for e in MANIFEST["settings"]["event_subscriptions"]["bot_events"]))
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(needed)


def test_the_manifest_command_fills_in_the_host_or_drops_every_url_for_socket_mode() -> None:
    from bot.manifest import manifest_for_host, manifest_for_socket_mode

    http = yaml.safe_load(manifest_for_host("https://kpi.example.com/"))
    assert http["settings"]["event_subscriptions"]["request_url"] == "https://kpi.example.com/slack/events"
    assert "YOUR-HOST" not in manifest_for_host("kpi.example.com")
    socket = yaml.safe_load(manifest_for_socket_mode())
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert all("url" not in c for c in socket["features"]["slash_commands"])
    assert socket["oauth_config"]["scopes"] == MANIFEST["oauth_config"]["scopes"]


def test_a_host_with_a_path_or_spaces_is_refused() -> None:
    import pytest

    from bot.manifest import manifest_for_host

    with pytest.raises(ValueError, match="not a host name"):
        manifest_for_host("kpi.example.com/slack events")
