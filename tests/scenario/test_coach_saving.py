"""The coach through the real app: what a thread saves is what the person said — today's value, target, deadline,
owner (a person in the workspace, found by name through users.list) and plan — saving says what is missing, and a
second save updates the thread's KPI."""

from __future__ import annotations

import logging

import pytest

from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import Harness, rendered
from scenario.test_coach_threads import dm, in_channel, say
from scenario.test_faults import _opened_read_only
from tests.support.fake_slack import BOT_USER_ID, HOME_TEAM, member

MEMBERS = [
    member("U0ANNAB", "anna.berg", "Anna Berg", "Anna B"),
    member("U0ANNAL", "anna", "Anna Lind"),
    member("U0KARI", "kari", "Kari Nordmann", "Kari"),
    member("U0OLA", "ola", "Ola Hansen"),
    member("U0GONE", "olle", "Olle Gone", deleted=True),
    member("B0BOT", "ola.bot", "Ola Bot", is_bot=True),
]


def crowd(count: int) -> list[dict]:
    """Members nobody names, so the ones we name are spread over several users.list pages."""
    return [member(f"U1{n:05d}", f"person{n}", f"Person Number{n}") for n in range(count)]


def press(slack: Harness, action_id: str, value: str, thread_ts: str, channel: str = "D0ANN") -> dict:
    """Press a coach button on a message in the thread; return the bot's answer in the thread."""
    before = len(slack.fake.of("chat.postMessage"))
    response = slack.action(action_id, value, channel_id=channel, thread_ts=thread_ts)
    assert response.status_code == 200
    return slack.fake.wait_for("chat.postMessage", before + 1)[-1].args


def buttons(message: dict) -> dict[str, str]:
    """The buttons of a message: label → value."""
    found = {}
    for block in message.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["text"]["text"]] = element["value"]
    return found


def show(slack: Harness, number: int, **fields) -> str:
    return rendered(slack.command_json(f"show {number}", **fields))


def test_a_swedish_dm_saves_what_was_said_and_a_second_save_updates_the_kpi(slack: Harness) -> None:
    people = crowd(400)
    slack.fake.members = [*people[:150], *MEMBERS, *people[150:]]  # 406 members: three pages of 200
    thread = "10.1"
    say(slack, dm("Fler förfrågningar via webben", thread, thread_ts=None), "EvS1")
    noted = rendered(say(slack, dm("vi har typ 30 förfrågningar i månaden nu", "10.2", thread_ts=thread), "EvS2"))
    assert "dagens värde: 30" in noted and "från dagens 30 per månad" in noted
    noted = rendered(say(slack, dm("malet ar 45 senast 30 juni", "10.3", thread_ts=thread), "EvS3"))
    assert "från 30 till 45 per månad senast 30 juni" in noted and "Vem är ansvarig?" in noted
    told = rendered(say(slack, dm("vet inte", "10.4", thread_ts=thread), "EvS4"))
    assert "kan sparas utan ägare" in told and "ansvarig vet" not in told
    asked = say(slack, dm("spara", "10.5", thread_ts=thread), "EvS5")
    assert "Det saknas fortfarande en ägare" in rendered(asked)
    assert buttons(asked) == {"Spara ändå": "save-anyway", "Fortsätt": "keep-going"}
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, HOME_TEAM) == []  # nothing saved before the person says so
    saved = rendered(press(slack, "coach_save_anyway", "save-anyway", thread))
    assert "Sparad som *#1*" in saved and "Ingen ägare än" in saved
    shown = show(slack, 1)
    assert "30" in shown and "45" in shown and "Jun 30, 20" in shown and "vet inte" not in shown
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, HOME_TEAM, 1)
        assert (kpi.baseline, kpi.target, kpi.owner_user_id) == (30.0, 45.0, None)

    # The owner comes later, by name: two Annas, so the bot asks which (the one whose handle is "anna" first); the
    # member list is read page by page.
    confirm = say(slack, dm("Anna äger det", "10.6", thread_ts=thread), "EvS6")
    assert "Anna Lind – stämmer det?" in rendered(confirm)
    assert buttons(confirm) == {"Anna Lind": "owner:U0ANNAL", "Anna Berg": "owner:U0ANNAB"}
    pages = slack.fake.of("users.list")
    assert [c.args.get("cursor") for c in pages] == [None, "200", "400"]
    picked = rendered(press(slack, "coach_owner_1", "owner:U0ANNAB", thread))
    assert "ägare: Anna Berg" in picked
    plan = rendered(
        say(slack, dm("om det släpar efter kör vi en kampanj i slutet av maj", "10.7", thread_ts=thread), "EvS7")
    )
    assert "plan: _om det släpar efter kör vi en kampanj i slutet av maj_" in plan and "31 maj" not in plan
    updated = rendered(say(slack, dm("spara", "10.8", thread_ts=thread), "EvS8"))
    assert "*#1*" in updated and "uppdaterad" in updated and "<@U0ANNAB>" in updated
    with session_scope(slack.engine) as session:
        assert [k.number for k in repo.list_kpis(session, HOME_TEAM)] == [1]
        kpi = repo.get_kpi(session, HOME_TEAM, 1)
        assert kpi.owner_user_id == "U0ANNAB" and kpi.deadline.month == 6 and kpi.deadline.day == 30
        assert kpi.action_plan == "om det släpar efter kör vi en kampanj i slutet av maj"
        assert [c.field for c in repo.changes(session, HOME_TEAM, 1) if c.field == "owner_user_id"]
    shown = show(slack, 1)
    assert "kampanj i slutet av maj" in shown and "<@U0ANNAB>" in shown
    assert len(slack.fake.of("users.list")) == 3  # the list is cached, not fetched again


def test_an_english_channel_thread_finds_an_owner_by_name_and_keeps_the_plans_dates_in_the_plan(
    slack: Harness,
) -> None:
    slack.fake.members = list(MEMBERS)
    mention = {"type": "app_mention", "user": "U0ANN", "ts": "20.1", "channel": "C0GENERAL"}
    say(slack, {**mention, "text": f"<@{BOT_USER_ID}> Get more bookings from Instagram"}, "EvE1")
    reply = rendered(
        say(slack, in_channel("owner: Ola, we get about 40 bookings a month now", "20.2", thread_ts="20.1"), "EvE2")
    )
    assert "owner: Ola Hansen" in reply and "today's value: 40" in reply and "What number do you aim for?" in reply
    reply = rendered(say(slack, in_channel("aim for 55 by the end of March", "20.3", thread_ts="20.1"), "EvE3"))
    assert "from 40 to 55 per month by 31 March 2027" in reply
    reply = rendered(say(slack, in_channel("if it lags we run a mailing in January", "20.4", thread_ts="20.1"), "EvE4"))
    assert "31 March 2027" in reply and "January" in reply
    saved = rendered(say(slack, in_channel("save", "20.5", thread_ts="20.1"), "EvE5"))
    assert "Saved as *#1*" in saved and "<@U0OLA>" in saved
    with session_scope(slack.engine) as session:
        kpi = repo.get_kpi(session, HOME_TEAM, 1)
        assert (kpi.owner_user_id, kpi.baseline, kpi.target, kpi.deadline.month) == ("U0OLA", 40.0, 55.0, 3)
        assert kpi.creator_user_id == "U0ANN" and kpi.action_plan == "if it lags we run a mailing in January"


def test_a_norwegian_thread_never_takes_vet_ikke_for_an_owner(slack: Harness) -> None:
    slack.fake.members = list(MEMBERS)
    say(slack, dm("Øke salget fra 300 til 400 ordrer i måneden innen juni", "30.1", thread_ts=None), "EvN1")
    told = rendered(say(slack, dm("vet ikke", "30.2", thread_ts="30.1"), "EvN2"))
    assert "kan lagres uten eier" in told and "ansvarlig vet" not in told
    nobody = rendered(say(slack, dm("ansvarlig er Petter", "30.3", thread_ts="30.1"), "EvN3"))
    assert "Jeg finner ingen Petter i arbeidsområdet" in nobody and "ansvarlig Petter" not in nobody
    saved = rendered(say(slack, dm("lagre likevel", "30.4", thread_ts="30.1"), "EvN4"))
    assert "Lagret som *#1*" in saved and "Ingen eier ennå" in saved
    with session_scope(slack.engine) as session:
        assert repo.get_kpi(session, HOME_TEAM, 1).owner_user_id is None


def test_when_the_member_list_cannot_be_read_the_bot_asks_for_a_mention(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.failures["users.list"] = "missing_scope"
    say(slack, dm("Get 40 bookings a month by June", "40.1", thread_ts=None), "EvF1")
    with caplog.at_level(logging.INFO):
        reply = rendered(say(slack, dm("Kari owns it", "40.2", thread_ts="40.1"), "EvF2"))
    assert "I can't look people up right now" in reply and "Who owns it?" in reply
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not any("Kari owns it" in r.getMessage() for r in caplog.records)


def test_a_button_on_a_thread_we_do_not_coach_in_does_nothing(slack: Harness) -> None:
    assert slack.action("coach_save", "save", channel_id="D0ANN", thread_ts="99.1").status_code == 200
    assert slack.action("coach_owner_0", "owner:not-an-id", channel_id="D0ANN", thread_ts="99.1").status_code == 200
    slack.fake.settle()
    assert not slack.fake.of("chat.postMessage")
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, HOME_TEAM) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_save_that_failed_is_never_reported_as_saved(slack: Harness) -> None:
    say(slack, dm("Get 40 bookings a month by June, owner <@U0KARI>", "50.1", thread_ts=None), "EvW1")
    with _opened_read_only(slack.engine):
        failed = rendered(say(slack, dm("save anyway", "50.2", thread_ts="50.1"), "EvW2"))
    assert "Saved" not in failed and "Something went wrong on my side and nothing was changed" in failed
    with session_scope(slack.engine) as session:
        assert repo.list_kpis(session, HOME_TEAM) == []
        assert repo.get_conversation(session, HOME_TEAM, "D0ANN", "50.1").state.get("saved_as") is None
    saved = rendered(say(slack, dm("save anyway", "50.3", thread_ts="50.1"), "EvW3"))
    assert "Saved as *#1*" in saved


def test_someone_who_may_not_change_the_threads_kpi_saves_nothing(slack: Harness) -> None:
    mention = {"type": "app_mention", "user": "U0ANN", "ts": "60.1", "channel": "C0GENERAL"}
    say(slack, {**mention, "text": f"<@{BOT_USER_ID}> Get 40 bookings a month by June, owner <@U0KARI>"}, "EvP1")
    assert "Saved as *#1*" in rendered(say(slack, in_channel("save anyway", "60.2", thread_ts="60.1"), "EvP2"))
    other = {**in_channel("aim for 50", "60.3", thread_ts="60.1"), "user": "U0EVE"}
    say(slack, other, "EvP3")
    refused = rendered(say(slack, {**in_channel("save anyway", "60.4", thread_ts="60.1"), "user": "U0EVE"}, "EvP4"))
    assert "Only the owner or the creator of *#1* can change it, so I saved nothing." in refused
    with session_scope(slack.engine) as session:
        assert repo.get_kpi(session, HOME_TEAM, 1).target == 40.0 and len(repo.list_kpis(session, HOME_TEAM)) == 1


def test_a_mention_of_the_owner_after_the_bots_own_name_is_the_owner(slack: Harness) -> None:
    mention = {"type": "app_mention", "user": "U0ANN", "channel": "C0GENERAL"}
    say(slack, {**mention, "ts": "70.1", "text": f"<@{BOT_USER_ID}> Get 40 bookings a month by June"}, "EvO1")
    answer = {**mention, "ts": "70.2", "thread_ts": "70.1", "text": f"<@{BOT_USER_ID}> <@U0KARI>"}
    reply = rendered(say(slack, answer, "EvO2"))
    assert "owner: @U0KARI" in reply and "Fixed: Nobody owns it" in reply
    with session_scope(slack.engine) as session:
        state = repo.get_conversation(session, HOME_TEAM, "C0GENERAL", "70.1").state
        assert state["draft"]["owner"] == "U0KARI"
