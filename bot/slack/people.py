"""The workspace's members, for the coach to find the person a plain name means ("Anna äger det").

Fetched with ``users.list`` (needs the ``users:read`` scope) page by page through slack_sdk's own cursor
pagination (iterating the response follows ``response_metadata.next_cursor``), then kept per team for a few minutes:
a name is looked up at most once per turn, and only when a reply names someone without mentioning them. Deactivated
accounts, bots and Slackbot are no owners. When Slack does not answer, the coach says it cannot look people up and
asks for a mention; it never guesses.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from bot.conversation import Directory, Person
from bot.slack.failures import describe_error

log = logging.getLogger(__name__)

CACHE_SECONDS = 600
CACHE_TEAMS_MAX = 1_000
PAGE_SIZE = 200  # Slack's recommended users.list page size
PAGES_MAX = 100  # 20,000 members: beyond that a name is better given as a mention
SLACKBOT = "USLACKBOT"


def _person(member: dict[str, Any]) -> Person | None:
    if member.get("deleted") or member.get("is_bot") or member.get("is_app_user") or member.get("id") == SLACKBOT:
        return None
    user_id = member.get("id")
    if not isinstance(user_id, str) or not user_id:
        return None
    profile = member.get("profile") if isinstance(member.get("profile"), dict) else {}

    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    real_name = text(member.get("real_name")) or text(profile.get("real_name"))
    return Person(user_id, text(member.get("name")), real_name, text(profile.get("display_name")))


class PeopleCache:
    """Each team's members, fetched when first needed and kept for ``CACHE_SECONDS``."""

    def __init__(self, *, seconds: float = CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._known: dict[str, tuple[float, Directory]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def directory(self, client: Any, team_id: str) -> Directory:
        """The team's members; an unavailable (empty) directory when Slack would not tell us."""
        lock = self._locks.setdefault(team_id, asyncio.Lock())
        async with lock:  # several turns naming people at once fetch the list once
            known = self._known.get(team_id)
            if known is not None and time.monotonic() - known[0] < self.seconds:
                return known[1]
            try:
                directory = await self._fetch(client)
            except Exception as error:  # a missing scope, a network error: ask for a mention instead
                log.info("users.list failed: %s", describe_error(error))
                return Directory((), available=False)
            if len(self._known) >= CACHE_TEAMS_MAX:
                self._known.clear()
            self._known[team_id] = (time.monotonic(), directory)
            return directory

    @staticmethod
    async def _fetch(client: Any) -> Directory:
        people: list[Person] = []
        pages = 0
        async for page in await client.users_list(limit=PAGE_SIZE):
            people += [p for m in page.get("members") or () if isinstance(m, dict) and (p := _person(m))]
            pages += 1
            if pages >= PAGES_MAX:
                break
        return Directory(people)
