"""The KPI owner's time zone, learned from Slack (users.info ``user.tz``) after the ack, stored on the KPI.

Check-ins are due at the owner's local time; Slack knows each person's zone, so nobody has to type one. Done in the
background after the ack, like the locale lookup: a users.info call must never delay an answer.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.services import checkins as checkin_services
from bot.services.commands import is_slack_user_id
from bot.slack.context import BotContext

log = logging.getLogger(__name__)


async def learn_owner_timezone(bot: BotContext, client: Any, team_id: str, number: int, owner: str | None) -> None:
    """Look ``owner`` up and store their zone on KPI ``#number`` (left as it is when Slack does not say)."""
    if not is_slack_user_id(owner):
        return
    response = await client.users_info(user=owner)
    timezone = (response.get("user") or {}).get("tz")
    await bot.db(checkin_services.set_owner_timezone, team_id, number, timezone)


def learn_owner_timezone_later(bot: BotContext, client: Any, team_id: str, number: int, owner: str | None) -> None:
    """Schedule ``learn_owner_timezone`` after the ack."""
    bot.after_ack(learn_owner_timezone(bot, client, team_id, number, owner), "learning the owner's time zone")
