"""Publishing the App Home tab, and publishing it again for the people a KPI change concerns.

A Home tab is a view Slack keeps until we publish another, so a change of a KPI must reach the tabs that show it.
The store reports every committed KPI change (``repo.watch_kpi_changes``); here the changes of the last moment are
gathered, and the tab is published again for the KPI's owner and creator and for everyone whose tab, as we last
published it, lists that KPI. Each user's tab is published by one task at a time, so two changes never race to
leave the older view behind.

What was published to whom lives in this process's memory (the client with the team's token, the pages and filter,
the KPI numbers shown): after a restart, or on another replica, a tab is brought up to date the next time its user
opens it, which republishes it anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.services.commands import is_slack_user_id
from bot.services.dashboard import home_dashboard, kpi_audience
from bot.slack.blocks.home import HomeState, build_home_view
from bot.slack.context import BotContext, describe_error
from bot.slack.i18n import pick_language
from bot.store import repository as repo

log = logging.getLogger(__name__)

SEEN_MAX = 10_000  # users whose tab we remember publishing
SETTLE_SECONDS = 0.25  # changes arriving within this are published together
PUBLISHING_AT_ONCE = 4  # views.publish is Tier 4: keep a burst of changes from using the whole budget at once


@dataclass
class _Published:
    """What we last published to one user, and how to reach their workspace again."""

    client: AsyncWebClient
    state: HomeState
    language: str
    numbers: frozenset[int]


def _shown(view: dict) -> frozenset[int]:
    """The KPI numbers a Home view lists (its cards' block ids end in the number)."""
    numbers = set()
    for block in view.get("blocks", []):
        block_id = block.get("block_id") or ""
        if block_id.startswith(("mine_kpi_", "team_kpi_")) and block.get("type") == "section":
            numbers.add(int(block_id.rsplit("_", 1)[1]))
    return frozenset(numbers)


class HomeTabs:
    """The Home tabs of one app: publish one, and keep the published ones current as KPIs change."""

    def __init__(self, bot: BotContext) -> None:
        self.bot = bot
        self._published: OrderedDict[tuple[str, str], _Published] = OrderedDict()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed_ids: set[int] = set()
        self._changed_unknown = False
        self._refreshing: asyncio.Task | None = None
        self.stop_watching = repo.watch_kpi_changes(bot.engine, self._changed_elsewhere)

    def state_of(self, team_id: str, user_id: str) -> HomeState:
        """Where this user last was on their tab (first pages when we have not published to them)."""
        published = self._published.get((team_id, user_id))
        return published.state if published else HomeState()

    async def publish(
        self,
        client: AsyncWebClient,
        team_id: str,
        user_id: str,
        *,
        state: HomeState | None = None,
        language: str | None = None,
    ) -> None:
        """Build this user's tab from the register and publish it (views.publish)."""
        if not is_slack_user_id(user_id):
            return
        self._loop = asyncio.get_running_loop()
        key = (team_id, user_id)
        if language is None:
            language = pick_language(await self.bot.locales.learn(client, team_id, user_id))
        state = state or self.state_of(team_id, user_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            board = await self.bot.db(home_dashboard, team_id, user_id)
            view = build_home_view(board, state, language)
            await client.views_publish(user_id=user_id, view=view)
        self._published[key] = _Published(client, state, language, _shown(view))
        self._published.move_to_end(key)
        while len(self._published) > SEEN_MAX:
            old, _ = self._published.popitem(last=False)
            self._locks.pop(old, None)

    async def opened(self, client: AsyncWebClient, team_id: str, user_id: str, channel: Any) -> None:
        """``app_home_opened``: publish the tab where the user left it, remembering the app's DM channel with them
        (the event names it) for the charts *Open* sends."""
        await self.publish(client, team_id, user_id, state=self.state_of(team_id, user_id).with_dm(channel))

    def _changed_elsewhere(self, kpi_ids: frozenset[int] | None) -> None:
        """The store's watcher, on whichever thread committed: hand the ids to the event loop, nothing more."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # nobody's tab was published from this process yet
        try:
            loop.call_soon_threadsafe(self._changed, kpi_ids)
        except RuntimeError:  # the loop closed meanwhile (shutdown)
            return

    def _changed(self, kpi_ids: frozenset[int] | None) -> None:
        if kpi_ids is None:
            self._changed_unknown = True
        else:
            self._changed_ids |= kpi_ids
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._refresh_soon())

    async def _refresh_soon(self) -> None:
        """Let a burst of changes settle, then republish every tab they concern; repeat while changes arrive."""
        while self._changed_ids or self._changed_unknown:
            await asyncio.sleep(SETTLE_SECONDS)
            ids, everyone = self._changed_ids, self._changed_unknown
            self._changed_ids, self._changed_unknown = set(), False
            try:
                await self._republish(await self._concerned(ids, everyone))
            except Exception as error:  # the next change or the next opening of a tab tries again
                log.warning("republishing Home tabs failed: %s", describe_error(error))

    async def _concerned(self, ids: set[int], everyone: bool) -> set[tuple[str, str]]:
        """The (team, user) tabs a change of ``ids`` concerns: owners, creators, and whoever's tab lists them."""
        if everyone:
            return set(self._published)
        targets: set[tuple[str, str]] = set()
        for changed in await self.bot.db(kpi_audience, sorted(ids)):
            targets.update((changed.team_id, user) for user in (changed.owner_user_id, changed.creator_user_id) if user)
            targets.update(
                key
                for key, shown in self._published.items()
                if key[0] == changed.team_id and changed.number in shown.numbers
            )
        return targets

    async def _republish(self, targets: set[tuple[str, str]]) -> None:
        limit = asyncio.Semaphore(PUBLISHING_AT_ONCE)

        async def one(team_id: str, user_id: str) -> None:
            published = self._published.get((team_id, user_id))
            client = published.client if published else self._client_of(team_id)
            if client is None:
                return  # no request from this workspace reached us yet: no token to publish with
            async with limit:
                try:
                    language = published.language if published else None
                    await self.publish(client, team_id, user_id, language=language)
                except Exception as error:
                    log.warning("republishing the Home tab of %s failed: %s", user_id, describe_error(error))

        await asyncio.gather(*(one(team_id, user_id) for team_id, user_id in targets))

    def _client_of(self, team_id: str) -> AsyncWebClient | None:
        return next((p.client for (team, _), p in reversed(self._published.items()) if team == team_id), None)


def home_tabs(bot: BotContext) -> HomeTabs:
    """The Home tabs of ``bot``'s app (one per app, made on first use)."""
    if bot.home_tabs is None:
        bot.home_tabs = HomeTabs(bot)
    return bot.home_tabs
