"""What every listener needs besides Bolt's own arguments: the database, users' locales, the answer budget.

Database work is synchronous SQLAlchemy; ``BotContext.db`` runs it on a worker thread so one slow query never
stalls the event loop that acknowledges everyone else's requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine

from bot.slack.failures import describe_error, log_failure
from bot.slack.i18n import language_from_locale
from bot.slack.people import PeopleCache

T = TypeVar("T")
__all__ = ["ACK_BUDGET_SECONDS", "BotContext", "LocaleCache", "describe_error", "log_failure"]
log = logging.getLogger(__name__)

# Slack waits 3 s for an acknowledgement; answers that take longer than this go to the response_url instead.
ACK_BUDGET_SECONDS = 2.0
LOCALE_CACHE_MAX = 10_000


class LocaleCache:
    """Users' Slack locales (as our languages), learned with users.info after we have answered, never before.

    Slash commands carry no locale, and a Web API call before the acknowledgement could be rate limited and make
    us miss Slack's 3 s. So the first answer to a short command (`/kpi list`) may be in English; later ones follow
    the user's Slack language.
    """

    def __init__(self) -> None:
        self._languages: dict[tuple[str, str], str | None] = {}
        self._pending: set[tuple[str, str]] = set()
        self._tasks: set[asyncio.Task] = set()

    def get(self, team_id: str | None, user_id: str | None) -> str | None:
        """The user's language if known."""
        return self._languages.get((team_id or "", user_id or ""))

    def remember(self, team_id: str, user_id: str, language: str | None) -> None:
        if len(self._languages) >= LOCALE_CACHE_MAX:
            self._languages.clear()
        self._languages[(team_id, user_id)] = language

    async def learn(self, client: Any, team_id: str | None, user_id: str | None) -> str | None:
        """Look the user's locale up (once) and return our language for it; None when Slack does not say."""
        key = (team_id or "", user_id or "")
        if not user_id or key in self._languages:
            return self._languages.get(key)
        try:
            response = await client.users_info(user=user_id, include_locale=True)
            language = language_from_locale((response.get("user") or {}).get("locale"))
        except Exception as error:  # a missing scope or a network error must not break the answer
            log.info("users.info for %s failed: %s", user_id, error)
            language = None
        self.remember(key[0], key[1], language)
        return language

    def learn_later(self, client: Any, team_id: str | None, user_id: str | None) -> None:
        """Start looking the locale up in the background (after the ack), unless known or already asked."""
        key = (team_id or "", user_id or "")
        if not user_id or key in self._languages or key in self._pending:
            return
        self._pending.add(key)

        async def run() -> None:
            try:
                await self.learn(client, team_id, user_id)
            finally:
                self._pending.discard(key)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


@dataclass
class BotContext:
    """Shared state of one running app: the engine, the locale cache, the workspaces' member lists and the published
    Home tabs."""

    engine: Engine
    locales: LocaleCache = field(default_factory=LocaleCache)
    people: PeopleCache = field(default_factory=PeopleCache)
    home_tabs: Any = field(default=None, repr=False)  # bot.slack.home.HomeTabs, made when first needed
    _background: set[asyncio.Task] = field(default_factory=set)

    async def db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``function(engine, *args, **kwargs)`` (a services call) on a worker thread."""
        return await asyncio.to_thread(function, self.engine, *args, **kwargs)

    def after_ack(self, work: Awaitable[Any], what: str) -> None:
        """Run ``work`` (Web API calls, slow follow-ups) once the listener has returned and Slack has its answer.

        The app runs with ``process_before_response=True`` so an ack goes out the moment the listener returns,
        without Bolt's 10 ms polling; anything that may be slow or retried therefore must not be awaited in the
        listener itself. Failures are logged: nobody else is waiting for them.
        """

        async def run() -> None:
            try:
                await work
            except Exception as error:
                log_failure(log, f"{what} after the ack", error)

        task = asyncio.ensure_future(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
