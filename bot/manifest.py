"""The Slack app manifest, filled in for how the bot will run: `kpi-advisor manifest --host H | --socket-mode`.

manifest.yml names the one URL Slack calls in four places (commands, events, interactivity, OAuth redirect);
writing the host once here is less error-prone than editing four lines by hand. In Socket Mode Slack needs no URL
at all, and the app-level token (connections:write) replaces them.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PLACEHOLDER = "YOUR-HOST"
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?", re.IGNORECASE)


def manifest_path() -> Path:
    """manifest.yml beside the package in a checkout, or bot/_manifest.yml inside an installed wheel."""
    package = Path(__file__).resolve().parent
    installed = package / "_manifest.yml"
    return installed if installed.is_file() else package.parent / "manifest.yml"


def manifest_for_host(host: str) -> str:
    """The manifest with every URL on ``host`` (a public HTTPS host name such as kpi.example.com)."""
    host = host.strip().removeprefix("https://").rstrip("/")
    if not _HOST.fullmatch(host):
        raise ValueError(f"{host!r} is not a host name (for example kpi.example.com)")
    return manifest_path().read_text(encoding="utf-8").replace(PLACEHOLDER, host)


def manifest_for_socket_mode() -> str:
    """The manifest with Socket Mode on and no URLs: Slack delivers everything over the app's WebSocket."""
    data = yaml.safe_load(manifest_path().read_text(encoding="utf-8"))
    for command in data["features"]["slash_commands"]:
        command.pop("url", None)
    settings = data["settings"]
    settings["event_subscriptions"].pop("request_url", None)
    settings["interactivity"].pop("request_url", None)
    settings["socket_mode_enabled"] = True
    data.get("oauth_config", {}).pop("redirect_urls", None)
    header = "# KPI advisor in Socket Mode: paste into https://api.slack.com/apps → Create New App → From a manifest.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
