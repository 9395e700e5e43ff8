"""The coaching conversation through the real app: DM and channel threads, restarts, tenants and retries."""

from __future__ import annotations

from typing import Any

from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import SECRET, Harness, rendered, running_app
from tests.support.fake_slack import BOT_ID, BOT_USER_ID, HOME_TEAM, event_body, signed_headers


def dm(text: str, ts: str, *, thread_ts: str | None = "1.1", user: str = "U0ANN", channel: str = "D0ANN") -> dict:
    event = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": channel}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def in_channel(text: str, ts: str, *, thread_ts: str | None, channel: str = "C0GENERAL") -> dict:
    event = {"type": "message", "channel_type": "channel", "user": "U0ANN", "text": text, "ts": ts, "channel": channel}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def say(slack: Harness, event: dict, event_id: str, *, team_id: str = HOME_TEAM) -> dict:
    """Send an event and return the bot's answer in the thread."""
    before = len(slack.fake.of("chat.postMessage"))
    assert slack.event(event, event_id=event_id, team_id=team_id).status_code == 200
    return slack.fake.wait_for("chat.postMessage", before + 1)[-1].args


def stored_turns(slack: Harness, channel: str, thread_ts: str, team_id: str = HOME_TEAM) -> list[tuple[str, Any]]:
    with session_scope(slack.engine) as session:
        return [(t.role, t.score) for t in repo.conversation_turns(session, team_id, channel, thread_ts)]


def test_a_dm_thread_leads_a_weak_goal_to_a_finished_one_and_saves_it(slack: Harness) -> None:
    first = say(slack, dm("Get 500 likes on Instagram <!channel>", "1.1", thread_ts=None), "EvC1")
    assert first["thread_ts"] == "1.1" and first["channel"] == "D0ANN"
    text = rendered(first)
    assert "Which result closest to the sale" in text and "<!channel>" not in text and "@channel" in text
    second = rendered(say(slack, dm("make it bookings instead", "1.2"), "EvC2"))
    assert "→" in second and "What number do you aim for?" in second
    third = rendered(say(slack, dm("aim for 40 a month by June, we're at 30 today", "1.3"), "EvC3"))
    assert "Who owns it?" in third and "Increase bookings from Instagram from 30 to 40 per month" in third
    fourth = say(slack, dm("owner <@U0ANNA>", "1.4"), "EvC4")
    assert "Save as KPI" in rendered(fourth) and "<@U0ANNA>" not in rendered(fourth)
    assert any(b["type"] == "actions" for b in fourth["blocks"])
    scores = [score for role, score in stored_turns(slack, "D0ANN", "1.1") if role == "bot"]
    assert len(scores) == 4 and scores == sorted(scores) and scores[0] < scores[-1]
    saved = rendered(say(slack, dm("save", "1.5"), "EvC5"))
    assert "#1" in saved
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, HOME_TEAM, 1)
        assert kpi.owner_user_id == "U0ANNA" and kpi.target == 40.0 and kpi.baseline == 30.0
        conversation = repo.get_conversation(session, HOME_TEAM, "D0ANN", "1.1")
        assert conversation.state["saved_as"] == 1 and conversation.draft_text.startswith("Increase bookings")


def test_a_mention_thread_continues_without_mentions_and_other_chatter_is_ignored(slack: Harness) -> None:
    mention = {
        "type": "app_mention",
        "user": "U0ANN",
        "text": f"<@{BOT_USER_ID}> Fler följare",
        "ts": "2.1",
        "channel": "C0GENERAL",
    }
    first = say(slack, mention, "EvM1")
    assert first["thread_ts"] == "2.1" and "Vilket resultat närmast försäljningen" in rendered(first)
    reply = rendered(say(slack, in_channel("make it bookings instead", "2.2", thread_ts="2.1"), "EvM2"))
    assert "Poäng 9/100 →" in reply and "Vilken siffra siktar ni på?" in reply
    # Chatter outside the thread, in another thread, a bot post, and a reply that mentions us (app_mention answers
    # that one) get nothing from the message listener.
    slack.event(in_channel("we are at 120 today", "2.3", thread_ts=None), event_id="EvM3")
    slack.event(in_channel("by June", "3.2", thread_ts="3.1"), event_id="EvM4")
    slack.event({**in_channel("by June", "2.4", thread_ts="2.1"), "bot_id": BOT_ID}, event_id="EvM5")
    slack.event(in_channel(f"<@{BOT_USER_ID}> by June", "2.5", thread_ts="2.1"), event_id="EvM6")
    slack.fake.settle()
    assert len(slack.fake.of("chat.postMessage")) == 2
    with session_scope(slack.engine) as session:
        assert repo.get_conversation(session, HOME_TEAM, "C0GENERAL", "3.1") is None


def test_a_retried_reply_is_answered_once(slack: Harness) -> None:
    say(slack, dm("Get 40 bookings a month", "4.1", thread_ts=None), "EvR1")
    event = dm("by June", "4.2", thread_ts="4.1")
    say(slack, event, "EvR2")
    for retry in (1, 2):
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        body = event_body(event, event_id="EvR2")
        signed = signed_headers(SECRET, body, content_type="application/json")
        slack.http.post("/slack/events", content=body.encode(), headers={**signed, **headers})
    slack.fake.settle()
    assert len(slack.fake.of("chat.postMessage")) == 2
    assert [role for role, _ in stored_turns(slack, "D0ANN", "4.1")] == ["user", "bot", "user", "bot"]


def test_a_new_app_on_the_same_database_carries_the_thread_on(slack: Harness, db_url: str) -> None:
    say(slack, dm("Get 40 bookings a month", "5.1", thread_ts=None), "EvS1")
    with running_app(db_url, slack.fake) as second:
        answer = rendered(say(second, dm("by June", "5.2", thread_ts="5.1"), "EvS2"))
    assert "→" in answer and "Increase bookings to 40 per month by 30 June 2027" in answer


def test_each_workspace_sees_only_its_own_conversation(slack: Harness) -> None:
    say(slack, dm("Get 40 bookings a month", "6.1", thread_ts=None), "EvT1", team_id="T0AAA")
    # Same channel id and thread in another workspace: no conversation there, so a DM starts a fresh one ...
    other = rendered(say(slack, dm("More likes by June", "6.2", thread_ts="6.1"), "EvT2", team_id="T0BBB"))
    assert "→" not in other
    # ... and a channel reply in a thread only the other workspace knows is ignored.
    say(
        slack,
        {**in_channel("<@UBOT0001> Get 40 bookings a month", "7.1", thread_ts=None), "type": "app_mention"},
        "EvT3",
        team_id="T0AAA",
    )
    slack.event(in_channel("by June", "7.2", thread_ts="7.1"), event_id="EvT4", team_id="T0BBB")
    slack.fake.settle()
    assert len(slack.fake.of("chat.postMessage")) == 3
    with session_scope(slack.engine) as session:
        theirs = repo.get_conversation(session, "T0BBB", "D0ANN", "6.1")
        ours = repo.get_conversation(session, "T0AAA", "D0ANN", "6.1")
        assert ours.draft_text == "Get 40 bookings a month" and theirs.draft_text == "More likes by June"
        assert repo.get_conversation(session, "T0BBB", "C0GENERAL", "7.1") is None
