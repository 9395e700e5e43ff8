"""Multi-workspace installs: Bolt's OAuth flow with slack_sdk's SQLAlchemy stores on the bot's own database.

slack_sdk's async SQLAlchemy stores need an async driver (aiosqlite, asyncpg) that the rest of the bot does not
use; the sync stores on the same engine, run on worker threads, keep one driver and one connection pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.services.workspaces import workspace_installed
from bot.settings import Settings

STATE_EXPIRATION_SECONDS = 600


class ThreadedInstallationStore(AsyncInstallationStore):
    """The sync SQLAlchemy installation store behind the async interface Bolt's AsyncApp expects.

    ``on_saved(team_id)`` runs after each install is stored: a workspace that uninstalled the app and installs it
    again gets its check-ins back.
    """

    def __init__(self, store: SQLAlchemyInstallationStore, on_saved: Callable[[str], object] | None = None) -> None:
        self.store = store
        self.on_saved = on_saved

    @property
    def logger(self) -> Any:
        return self.store.logger

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, installation)
        if self.on_saved is not None and installation.team_id:
            await asyncio.to_thread(self.on_saved, installation.team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """The sync SQLAlchemy OAuth state store behind the async interface."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.store = store

    @property
    def logger(self) -> Any:
        return self.store.logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


def oauth_settings(settings: Settings, engine: Engine) -> AsyncOAuthSettings:
    """OAuth settings for `/slack/install` and `/slack/oauth_redirect`, storing installations next to the KPIs.

    The stores' tables belong to slack_sdk, which creates them (``create_tables`` is idempotent); our Alembic
    migrations deliberately leave them alone.
    """
    installations = SQLAlchemyInstallationStore(client_id=settings.client_id or "", engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    installations.create_tables()
    states.create_tables()
    result = AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(settings.scopes),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        installation_store=ThreadedInstallationStore(installations, partial(workspace_installed, engine)),
        state_store=ThreadedStateStore(states),
    )
    # One auth.test per token instead of one per request (that call would sit before every ack).
    result.authorize.cache_enabled = True  # type: ignore[attr-defined]
    return result
