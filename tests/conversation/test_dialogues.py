"""Whole coaching dialogues, one per point of issue 17, in Swedish, Norwegian and English: the draft's fields are
what the person said, in whatever order they said it; owners are people of the workspace; saving says what is
missing; a long message is read for its goal sentence; an unclear reply gets an example and, the second time, a way
out."""

from __future__ import annotations

from datetime import date
from itertools import permutations

import pytest

from bot.conversation import CoachState, Directory, Person, coach_turn
from bot.grading import default_ruleset
from bot.services.coaching import draft_fields

TODAY = date(2026, 11, 23)
RULES = default_ruleset()
JUNE = date(2027, 6, 30)
PEOPLE = Directory(
    [
        Person("U0ANNAB", "anna.berg", "Anna Berg"),
        Person("U0ANNAL", "anna.lind", "Anna Lind"),
        Person("U0KARI", "kari", "Kari Nordmann", "Kari"),
        Person("U0OLA", "ola", "Ola Hansen"),
    ]
)


def play(messages: list[str], *, people: Directory = PEOPLE, state: CoachState | None = None):
    """Run a thread through the state's JSON form, as the database keeps it; a name is looked up in ``people``
    when the dialogue asks (as the Slack layer does). A message "!x" presses the button x."""
    state, replies = state or CoachState(), []
    for text in messages:
        before = CoachState.from_dict(state.to_dict())
        pressed = text[1:] if text.startswith("!") else None
        typed = "" if pressed else text
        state, reply = coach_turn(before, typed, today=TODAY, sender="U0ME", pressed=pressed)
        if reply.kind == "lookup":
            state, reply = coach_turn(before, typed, today=TODAY, sender="U0ME", people=people)
        replies.append(reply)
    return state, replies


def fields(state: CoachState) -> tuple:
    d = state.draft
    return d.metric, d.baseline, d.target, d.deadline, d.owner, d.plan


GOALS = {"sv": "Fler förfrågningar via hemsidan", "nb": "Flere henvendelser via nettsiden", "en": "More enquiries"}
FILLED = {
    "sv": "vi har typ 30 förfrågningar i månaden nu",
    "nb": "vi er på ca. 30 henvendelser i måneden nå",
    "en": "we get about 30 enquiries a month now",
}
TARGETS = {"sv": "malet ar 45", "nb": "målet er 45", "en": "aim for 45"}
DEADLINES = {"sv": "senast i juni", "nb": "innen utgangen av juni", "en": "by the end of June"}
OWNERS = {"sv": "ansvarig <@U0KARI>", "nb": "Kari har ansvaret", "en": "Kari owns it"}
PLANS = {
    "sv": "om det släpar efter kör vi en kampanj i maj",
    "nb": "hvis det henger etter, kjører vi en kampanje i mai",
    "en": "if it lags we run a campaign in May",
}
UNKNOWN = {"sv": "vet inte", "nb": "vet ikke", "en": "I don't know"}
LANGUAGES = sorted(GOALS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_todays_value_said_with_a_filler_word_is_the_baseline_and_the_target_is_asked_next(language: str) -> None:
    state, (_, baseline, target) = play([GOALS[language], FILLED[language], TARGETS[language]])
    assert baseline.kind == "progress" and baseline.question == "target" and baseline.changed[0] == "baseline"
    assert not baseline.gone and not baseline.added  # no "fixed: no number" beside "new: no starting point"
    assert target.question == "deadline" and "not-measurable" in {f.rule for f in target.gone}
    assert fields(state)[:3] == ("enquiries", 30.0, 45.0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_answers_in_any_order_fill_the_same_fields(language: str) -> None:
    answers = [FILLED[language], TARGETS[language], DEADLINES[language], OWNERS[language], PLANS[language]]
    expected = ("enquiries", 30.0, 45.0, JUNE, "U0KARI", PLANS[language])
    for order in list(permutations(answers))[::17]:  # seven orders of the 120, the natural one first
        state, replies = play([GOALS[language], *order])
        assert fields(state) == expected, order
        assert replies[-1].kind == "finished" and replies[-1].language == language, order


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_plan_that_names_a_month_is_the_plan_and_the_deadline_stays(language: str) -> None:
    state, replies = play([GOALS[language], DEADLINES[language], PLANS[language]])
    assert state.draft.deadline == JUNE and state.draft.plan == PLANS[language]
    assert replies[-1].changed == ("plan",) and "May" not in replies[-1].goal and "maj" not in replies[-1].goal
    saved = draft_fields(state.draft, replies[-1].assessment, user_id="U0ME", channel_id="D1", rules=RULES)
    assert saved["action_plan"] == PLANS[language] and saved["deadline"] == JUNE


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_knowing_the_owner_leaves_it_open_and_it_is_never_stored(language: str) -> None:
    goal = {
        "sv": "Öka bokningar från 30 till 40 i månaden senast juni",
        "nb": "Øke bookinger fra 30 til 40 i måneden innen juni",
        "en": "Grow bookings from 30 to 40 a month by June",
    }
    state, (first, unknown, save, anyway) = play([goal[language], UNKNOWN[language], "save", "!save-anyway"])
    assert first.question == "owner"
    assert unknown.kind == "skipped" and unknown.skipped == "owner" and unknown.question == "plan"
    assert state.draft.owner is None and UNKNOWN[language].split()[-1] not in state.draft.text
    assert save.kind == "confirm_save" and save.missing == ("owner",)
    assert anyway.kind == "save"
    saved = draft_fields(state.draft, anyway.assessment, user_id="U0ME", channel_id="D1", rules=RULES)
    assert saved["owner_user_id"] is None and saved["creator_user_id"] == "U0ME"


@pytest.mark.parametrize(
    ("language", "me"),
    [("sv", "jag"), ("sv", "ansvarig: jag"), ("nb", "meg"), ("nb", "jeg har ansvaret"), ("en", "me")],
)
def test_me_is_the_writer(language: str, me: str) -> None:
    state, _ = play([GOALS[language]])
    state, (reply,) = play([me], state=state.with_changes(pending="owner"))  # as when "Who owns it?" was asked
    assert state.draft.owner == "U0ME" and "owner" in reply.changed


def test_a_name_is_looked_up_one_person_is_taken_and_several_are_asked_about() -> None:
    state, (_, kari) = play(["Fler bokningar", "Kari har ansvaret"])
    assert state.draft.owner == "U0KARI" and state.draft.owner_name == "Kari Nordmann"
    assert "Kari Nordmann" in kari.goal and kari.changed == ("owner",)
    state, (_, ask, yes) = play(["Fler bokningar", "Anna äger det", "ja"])
    assert ask.kind == "confirm_owner" and [c[1] for c in ask.candidates] == ["Anna Berg", "Anna Lind"]
    assert state.draft.owner == "U0ANNAB" and yes.changed == ("owner",)
    state, (_, ask, picked) = play(["Flere bookinger", "ansvarlig er Anna", "!owner:U0ANNAL"])
    assert ask.kind == "confirm_owner" and picked.changed == ("owner",)
    assert state.draft.owner == "U0ANNAL" and state.draft.owner_name == "Anna Lind" and not state.candidates
    state, (_, ask, no) = play(["More bookings", "Anna owns it", "no"])
    assert no.rejected and no.question == "owner" and state.draft.owner is None and not state.candidates


def test_a_name_nobody_has_is_said_back_and_not_stored() -> None:
    state, (_, reply) = play(["Flere bookinger", "ansvarlig er Petter"])
    assert reply.kind == "unclear" and reply.not_found == "Petter" and state.draft.owner is None
    state, (_, reply) = play(["More bookings", "owner: Kari"], people=Directory((), available=False))
    assert reply.not_found == "Kari" and reply.people_unavailable and state.draft.owner is None
    # words the lexicons know, not marked as an owner, were no name: nobody is told they could not be found
    state, (_, reply) = play(["Fler bokningar", "vi har det bra"])
    assert reply.not_found is None and state.draft.owner is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_save_says_what_is_missing_and_keep_going_asks_for_it(language: str) -> None:
    state, (_, asked, resumed, dated) = play(
        [GOALS[language], "spara" if language == "sv" else "save", "!keep-going", DEADLINES[language]]
    )
    assert asked.kind == "confirm_save" and asked.missing == ("target", "deadline", "owner")
    assert resumed.kind == "resume" and resumed.question == "target"
    assert dated.changed == ("deadline",)
    state, (save,) = play(["!save-anyway"], state=state)
    assert save.kind == "save" and save.missing == ("target", "owner")


def test_skipped_questions_are_not_asked_again_until_answered_or_kept_going() -> None:
    state, replies = play(["Fler bokningar", "hoppa över", "hoppa over", "vet inte"])
    assert [r.skipped for r in replies[1:]] == ["target", "deadline", "owner"]
    assert replies[-1].question == "plan" and set(state.skipped) == {"target", "deadline", "owner"}
    state, (reply,) = play(["målet är 40 senast i juni"], state=state)
    assert set(state.skipped) == {"owner"} and reply.question == "baseline"  # a target asks for a starting point


LONG = {
    "sv": (
        "Hej! Vi är en liten cykelverkstad i Umeå och har hållit på i sex år nu. På sommaren har vi ibland 300 "
        "kunder om dagen, men på vintern är det väldigt tyst och då får vi knappt in några jobb alls. Vi har många "
        "stamkunder som kommer tillbaka varje vår för service, och de flesta hittar oss genom att någon tipsat dem. "
        "Vi lägger lite pengar på Instagram men vet inte riktigt vad det ger. Nu vill vi att fler stamkunder bokar "
        "vinterservice via hemsidan. Vi funderar på en kampanj i januari. Hur sätter vi ett bra mål för det här?",
        "Nu vill vi att fler stamkunder bokar vinterservice via hemsidan.",
    ),
    "nb": (
        "Vi er en liten sykkelbutikk i Tromsø og har holdt på i seks år nå. Om sommeren har vi noen ganger 300 kunder "
        "om dagen, men om vinteren er det stille og vi får nesten ingen oppdrag. Vi har mange faste kunder som kommer "
        "tilbake hver vår for service, og de fleste finner oss fordi noen har tipset dem. Vi bruker litt penger på "
        "Instagram, men vet ikke helt hva det gir. Nå vil vi at flere faste kunder bestiller vinterservice via "
        "nettsiden. Vi tenker på en kampanje i januar. Hvordan bør vi sette et godt mål for dette?",
        "Nå vil vi at flere faste kunder bestiller vinterservice via nettsiden.",
    ),
    "en": (
        "Hi there! We run a small yoga studio in Bristol and have been going for about eight years now. Last summer "
        "we had 300 people a week through the door, but this winter it has been really quiet and some classes had "
        "only two or three people. Most of our regulars found us through friends, and we spend a little on Facebook "
        "ads without really knowing what they bring in. This year we want more returning customers to book classes "
        "through the website. We're thinking of running a discount campaign in March. How do we set a good goal?",
        "This year we want more returning customers to book classes through the website.",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_message_is_read_for_its_goal_sentence_and_nothing_is_guessed(language: str) -> None:
    text, sentence = LONG[language]
    state, (reply,) = play([text])
    assert reply.kind == "critique" and reply.language == language
    assert reply.excerpt == sentence and reply.left_out_chars > 300
    assert state.draft.metric == "returning-customers", state.draft
    assert state.draft.target is None and state.draft.deadline is None and state.draft.baseline is None
    assert reply.question == "target"


def test_a_long_message_with_no_goal_in_it_gets_asked_for_one() -> None:
    text = "Vi är en liten cykelverkstad i Umeå och har hållit på i sex år nu. " * 10
    state, (reply,) = play([text])
    assert reply.kind == "intro" and reply.left_out_chars and not state.started


@pytest.mark.parametrize(("language", "skip"), [("sv", "hoppa över"), ("nb", "hopp over"), ("en", "skip")])
def test_an_unclear_reply_gets_what_was_expected_and_after_the_second_a_way_out(language: str, skip: str) -> None:
    state, (_, first, second, skipped) = play([GOALS[language], "hmm", "tja, kanske", skip])
    assert first.kind == "unclear" and first.question == "target" and not first.way_out
    assert second.kind == "unclear" and second.way_out and state.draft.target is None
    assert skipped.kind == "skipped" and skipped.skipped == "target" and skipped.question == "deadline"
    assert state.misses == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_mention_alone_answers_who_owns_it(language: str) -> None:
    goal = {
        "sv": "Öka bokningar från 30 till 40 i månaden senast juni",
        "nb": "Øke bookinger fra 30 til 40 i måneden innen juni",
        "en": "Grow bookings from 30 to 40 a month by June",
    }
    state, (first, reply) = play([goal[language], "<@U0KARI>"])
    assert first.question == "owner" and reply.changed == ("owner",) and state.draft.owner == "U0KARI"
