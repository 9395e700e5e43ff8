"""Configuration of the Slack bot, read once from the environment and checked before anything starts.

A bot that starts with a missing secret fails later, on the first request, in a log nobody reads. Checking here lets
``kpi-advisor serve`` stop at once with one line that names the variable and what to do about it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.store.urls import database_url_from_env

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
RETENTION_VARIABLE = "KPI_ADVISOR_RETENTION_DAYS"
MAX_RETENTION_DAYS = 36_500


class ConfigError(ValueError):
    """Configuration that cannot work; the message is one line a person can act on."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs from its environment. Secrets are never part of ``repr``."""

    signing_secret: str
    bot_token: str | None
    app_token: str | None
    client_id: str | None
    client_secret: str | None
    slack_api_url: str
    database_url: str
    port: int
    scopes: tuple[str, ...] = ()
    # Days after an uninstall when a workspace's data is deleted (KPI_ADVISOR_RETENTION_DAYS); None keeps it.
    retention_days: int | None = None

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is configured: no public URL needed."""
        return bool(self.app_token)

    @property
    def oauth(self) -> bool:
        """Multi-workspace install flow when the app's OAuth credentials are configured."""
        return bool(self.client_id and self.client_secret)

    def __repr__(self) -> str:
        mode = "socket" if self.socket_mode else "http"
        tenancy = "oauth" if self.oauth else "single-workspace"
        return f"Settings(mode={mode}, tenancy={tenancy}, api={self.slack_api_url}, port={self.port})"


# The scopes the bot asks for on install; manifest.yml lists the same ones (tests/slack/test_manifest.py checks).
# channels:history and groups:history let the check-in scheduler find its own posts (message metadata) after a crash;
# files:write uploads the trend charts.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "users:read",
)


def settings_from_env(
    environ: Mapping[str, str] | None = None, *, port: int | None = None, serving: bool = True
) -> Settings:
    """Return the settings in ``environ`` (default: the process environment) or raise ConfigError with one line.

    ``serving=False`` is for commands that only call the Web API (`checkins run-due`): they receive no requests
    from Slack, so they need no signing secret.
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    signing_secret = get("SLACK_SIGNING_SECRET")
    bot_token = get("SLACK_BOT_TOKEN")
    app_token = get("SLACK_APP_TOKEN")
    client_id = get("SLACK_CLIENT_ID")
    client_secret = get("SLACK_CLIENT_SECRET")

    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise ConfigError(f"{missing} is not set: the OAuth install flow needs both SLACK_CLIENT_ID and it")
    oauth = bool(client_id and client_secret)
    if serving and not signing_secret and not app_token:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy it from your app's Basic Information page "
            "(or set SLACK_APP_TOKEN for Socket Mode)"
        )
    if not oauth:
        if not bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: copy the xoxb- token from your app's OAuth & Permissions page "
                "(or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for multi-workspace installs)"
            )
        if not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-, not a user or app token")
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information page)")
    if oauth and app_token:
        raise ConfigError("Socket Mode (SLACK_APP_TOKEN) cannot serve the OAuth install flow: unset one of them")

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_SLACK_API_URL}, not {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"

    if port is None:
        raw_port = get("PORT")
        try:
            port = int(raw_port) if raw_port else DEFAULT_PORT
        except ValueError:
            raise ConfigError(f"PORT must be a number between 1 and 65535, not {raw_port!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"the port must be between 1 and 65535 (0 picks a free one), not {port}")
    retention_days = retention_days_from(get(RETENTION_VARIABLE))

    return Settings(
        signing_secret=signing_secret or "",
        bot_token=bot_token if not oauth else None,
        app_token=app_token,
        client_id=client_id,
        client_secret=client_secret,
        slack_api_url=api_url,
        database_url=database_url_from_env(dict(env)),
        port=port,
        scopes=BOT_SCOPES,
        retention_days=retention_days,
    )


def retention_days_from(raw: str | None) -> int | None:
    """The retention setting: a whole number of days (at least 1), or None when unset."""
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1 or int(raw) > MAX_RETENTION_DAYS:
        raise ConfigError(
            f"{RETENTION_VARIABLE} must be a number of days between 1 and {MAX_RETENTION_DAYS} after an uninstall "
            f"when a workspace's data is deleted (unset: kept), not {raw!r}"
        )
    return int(raw)
