"""Which teams a tick serves and with which token: the bot token's team, or every installed team (OAuth)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import aiohttp
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.checkins.runner import TeamClients
from bot.settings import Settings
from bot.slack.blocks.kpi import kpi_line
from bot.store.models import Kpi


def settings(**overrides: object) -> Settings:
    values = {
        "signing_secret": "",
        "bot_token": None,
        "app_token": None,
        "client_id": None,
        "client_secret": None,
        "slack_api_url": "http://127.0.0.1:9/api/",
        "database_url": "sqlite://",
        "port": 0,
    }
    return Settings(**{**values, **overrides})


def test_oauth_mode_ticks_every_installed_team_with_its_own_token(engine: Engine) -> None:
    store = SQLAlchemyInstallationStore(client_id="C1", engine=engine)
    store.create_tables()
    store.save(
        Installation(
            app_id="A1", team_id="T0OAUTH", user_id="U0ADMIN", bot_token="xoxb-oauth", bot_id="B1", bot_user_id="UB"
        )
    )

    async def run() -> tuple:
        async with aiohttp.ClientSession() as session:
            clients = TeamClients(settings(client_id="C1", client_secret="S1"), engine, session)
            found, missing = await clients.client_for("T0OAUTH"), await clients.client_for("T0OTHER")
            return await clients.teams(), found.token if found else None, missing

    assert asyncio.run(run()) == (None, "xoxb-oauth", None)


def test_token_mode_serves_only_the_tokens_team() -> None:
    async def run() -> tuple:
        async with aiohttp.ClientSession() as session:
            clients = TeamClients(settings(bot_token="xoxb-one"), None, session)  # type: ignore[arg-type]
            clients.home_team = "T0HOME"  # what auth.test answered
            home, other = await clients.client_for("T0HOME"), await clients.client_for("T0ELSE")
            return home.token if home else None, other

    assert asyncio.run(run()) == ("xoxb-one", None)


def test_lists_and_the_home_tab_show_stale_and_paused_kpis() -> None:
    kpi = Kpi(number=4, name="Leads", status="active", owner_user_id="U0ANN", stale=True)
    kpi.paused_until = date.today() + timedelta(days=3)
    line = kpi_line(kpi, "nb")
    assert "*utdatert*" in line and f"pauset til {kpi.paused_until.isoformat()}" in line
    kpi.paused_until = (datetime.now(UTC) - timedelta(days=3)).date()
    kpi.stale = False
    assert "pauset" not in kpi_line(kpi, "nb") and "utdatert" not in kpi_line(kpi, "nb")
