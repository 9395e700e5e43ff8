"""One turn of a coaching thread on Slack's side: load the thread's state, run the dialogue, save or record, answer.

Shared by the message listeners (a typed reply) and the coach's buttons (a reply pressed). The dialogue is pure;
what it cannot do itself happens here: a name is looked up among the workspace's members (``users.list``, cached)
when the dialogue asks for it, and a `save` stores the draft's fields — updating the KPI this thread saved before —
in the same transaction as the turn that announces it, so a failed write is never reported as saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import CoachState, Reply, coach_turn, mark_saved
from bot.grading import default_ruleset
from bot.services import coaching
from bot.services.register import NotAllowed
from bot.slack.blocks import build_coach_turn, build_notice, coach_fallback
from bot.slack.blocks.coach import coach_saved_text
from bot.slack.context import BotContext
from bot.slack.i18n import pick_language, t


@dataclass(frozen=True)
class Thread:
    """Where a turn happens and who takes it: every id a string Slack gave us."""

    team: str
    channel: str
    thread_ts: str
    user: str


async def run_turn(
    bot: BotContext,
    client: AsyncWebClient,
    where: Thread,
    text: str,
    *,
    pressed: str | None = None,
    only_known_threads: bool = False,
) -> None:
    """Answer ``text`` (or the button ``pressed``) in the thread; nothing at all for a thread we do not coach in
    when ``only_known_threads``."""
    stored = await bot.db(coaching.load_thread, where.team, where.channel, where.thread_ts)
    if stored is None and only_known_threads:
        return
    state = CoachState.from_dict(stored.state if stored else None)
    fallback_language = None
    if not state.started and not text.strip():
        fallback_language = pick_language(await bot.locales.learn(client, where.team, where.user))
    turn_args: dict[str, Any] = {
        "today": date.today(),
        "sender": where.user,
        "fallback_language": fallback_language,
        "pressed": pressed,
    }
    new_state, reply = coach_turn(state, text, **turn_args)
    if reply.kind == "lookup":  # a name to find: fetch the members (cached) and take the turn again with them
        people = await bot.people.directory(client, where.team)
        new_state, reply = coach_turn(state, text, people=people, **turn_args)
    user_text = text if pressed is None else f"[{pressed}]"
    if reply.kind == "save":
        blocks, fallback = await _save(bot, where, new_state, reply, user_text)
    else:
        if not text.strip() and not state.started and pressed is None:
            fallback = t(reply.language, "coach.empty")
            blocks = build_notice(fallback)
        else:
            blocks, fallback = build_coach_turn(reply), coach_fallback(reply)
        turn = _turn(where, new_state, reply, user_text, fallback)
        await bot.db(coaching.record_turn, where.team, where.channel, where.thread_ts, turn)
    await client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, blocks=blocks, text=fallback)


def _turn(where: Thread, state: CoachState, reply: Reply, user_text: str, bot_text: str) -> coaching.Turn:
    return coaching.Turn(
        user_id=where.user,
        language=state.language or reply.language,
        state=state.to_dict(),
        draft_text=state.draft.text if state.draft else None,
        user_text=user_text,
        bot_text=bot_text,
        score=reply.score_after,
    )


async def _save(
    bot: BotContext, where: Thread, state: CoachState, reply: Reply, user_text: str
) -> tuple[list[dict], str]:
    """Store the draft (or update this thread's KPI) with the turn announcing it; the answer to post."""
    assert state.draft is not None and reply.assessment is not None
    lang = reply.language
    fields = coaching.draft_fields(
        state.draft, reply.assessment, user_id=where.user, channel_id=where.channel, rules=default_ruleset()
    )
    said: dict[str, str] = {}

    def saved_turn(kpi: Any, updated: bool) -> coaching.Turn:
        said["text"] = coach_saved_text(
            lang, number=kpi.number, name=kpi.name, owner=kpi.owner_user_id, updated=updated
        )
        return _turn(where, mark_saved(state, kpi.number), reply, user_text, said["text"])

    try:
        await bot.db(
            coaching.save_draft,
            where.team,
            where.channel,
            where.thread_ts,
            fields,
            saved_turn,
            saved_as=state.saved_as,
            user_id=where.user,
        )
    except NotAllowed as refused:
        text = t(lang, "coach.not_allowed", number=refused.number)
        await bot.db(
            coaching.record_turn,
            where.team,
            where.channel,
            where.thread_ts,
            _turn(where, state, reply, user_text, text),
        )
        return build_notice(text), text
    return build_notice(said["text"]), said["text"]
