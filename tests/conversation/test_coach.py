"""The coaching dialogue as a pure state machine: multi-turn scripts in en/sv/nb, commands and the JSON round trip."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation import CoachState, Directory, Person, coach_turn
from bot.conversation.answers import parse_answer
from bot.conversation.coach import grade_draft
from bot.grading import default_ruleset

TODAY = date(2026, 11, 23)
RULES = default_ruleset()


PEOPLE = Directory([Person("U0ANNA", "anna", "Anna Berg"), Person("U0OLA", "ola", "Ola Nordmann")])


def play(messages: list[str], sender: str = "U0ANN") -> tuple[CoachState, list]:
    """Run a thread; the state goes through its JSON form between turns, as it does through the database. A name
    to look up is looked up in PEOPLE, as the Slack layer does with the workspace's members."""
    state, replies = CoachState(), []
    for text in messages:
        before = CoachState.from_dict(state.to_dict())
        state, reply = coach_turn(before, text, today=TODAY, sender=sender)
        if reply.kind == "lookup":
            state, reply = coach_turn(before, text, today=TODAY, sender=sender, people=PEOPLE)
        replies.append(reply)
    return state, replies


# (first goal, [(answer, the finding it must remove)]) per language; the answers mix in other languages too.
SCRIPTS = {
    "en": (
        "Get 500 likes on Instagram",
        [
            ("make it bookings instead", "low-level-main-goal"),
            ("aim for 40 a month", "not-measurable"),
            ("senast i juni", "no-deadline"),
            ("we're at 30 today", "no-baseline"),
            ("owner <@U0ANNA>", "no-owner"),
        ],
    ),
    "sv": (
        "Fler följare",
        [
            ("byt till bokningar", "low-level-main-goal"),
            ("sikta på 40 i månaden", "not-measurable"),
            ("by June", "no-deadline"),
            ("vi ligger på 30 idag", "no-baseline"),
            ("ansvarig <@U0ANNA>", "no-owner"),
        ],
    ),
    "nb": (
        "Flere følgere på Instagram",
        [
            ("bytt til bestillinger", "low-level-main-goal"),
            ("målet er 40 i måneden", "not-measurable"),
            ("innen juni", "no-deadline"),
            ("vi er på 30 nå", "no-baseline"),
            ("ansvarlig: meg", "no-owner"),
        ],
    ),
}


@pytest.mark.parametrize("language", sorted(SCRIPTS))
def test_each_answer_removes_its_finding_and_the_score_rises_to_a_finished_goal(language: str) -> None:
    goal, answers = SCRIPTS[language]
    state, replies = play([goal, *[a for a, _ in answers]])
    first = replies[0]
    assert first.kind == "critique" and first.language == language and first.question == "metric"
    for (answer, rule), reply in zip(answers, replies[1:], strict=True):
        assert reply.language == language, answer
        assert rule in {f.rule for f in reply.gone}, (answer, reply.goal)
        assert rule not in {f.rule for f in reply.assessment.findings}, answer
        assert reply.score_after > reply.score_before, (answer, reply.goal)
    last = replies[-1]
    assert last.kind == "finished" and last.score_after >= 90
    assert grade_draft(state.draft, language, today=TODAY, rules=RULES).score == last.score_after
    assert state.language == language and list(state.history) == [r.score_after for r in replies]


def test_the_merged_goal_is_one_sentence_in_the_threads_language() -> None:
    _, replies = play(["Fler följare", "byt till bokningar", "sikta på 40 i månaden", "by June", "30 today"])
    assert replies[-1].goal == "Öka bokningar från 30 till 40 per månad senast 30 juni 2027"
    _, replies = play(["Get 40 form submissions a month", "calls and e-mails count too", "owner me"])
    assert replies[1].question == "deadline" and "narrow-conversion" in {f.rule for f in replies[1].gone}
    assert replies[2].goal == (
        "Increase form submissions to 40 per month, including phone calls and e-mails from customers, owner <@U0ANN>"
    )


def test_the_first_question_targets_the_worst_finding() -> None:
    cases = {
        "Get 500 likes on Instagram by June": "metric",
        "Get more bookings by June": "target",
        "Get 40 bookings a month": "deadline",
        "Double sales in 2 weeks": "realistic",
        "Få 40 ifyllda formulär i månaden senast i juni": "scope",
        "Grow bookings from 30 to 40 a month by June": "owner",
        "Get 40 bookings a month by June, owner <@U0ANNA>": "baseline",
    }
    for goal, question in cases.items():
        _, (reply,) = play([goal])
        assert reply.question == question, (goal, [f.rule for f in reply.assessment.findings])


def test_why_explains_the_current_finding_and_changes_nothing() -> None:
    state, _ = play(["Reach 10000 people by March"])
    for word in ("why?", "varför?", "Hvorfor"):
        after, why = coach_turn(state, word, today=TODAY)
        assert why.kind == "why" and after == state
        assert why.focus is not None and why.focus.rule == "low-level-main-goal" and why.focus.rationale
        assert why.question == "metric"


def test_new_starts_a_fresh_draft_and_new_with_a_goal_starts_on_it() -> None:
    state, _ = play(["Get 500 likes on Instagram", "by June"])
    fresh, reply = coach_turn(state, "ny", today=TODAY)
    assert reply.kind == "fresh" and fresh.draft is None and reply.language == "en"
    started, reply = coach_turn(fresh, "Øke salget med 10 %", today=TODAY)
    assert reply.kind == "critique" and reply.language == "nb" and started.language == "nb"
    _, reply = coach_turn(state, "new: Get 40 bookings a month", today=TODAY)
    assert reply.kind == "critique" and reply.goal == "Get 40 bookings a month"


def test_save_hands_the_current_draft_over_in_every_language() -> None:
    state, replies = play(["Grow bookings from 30 to 40 a month by June", "owner me"])
    assert replies[-1].kind == "finished"
    for word in ("save", "spara", "Lagre"):
        after, reply = coach_turn(state, word, today=TODAY)
        assert reply.kind == "save" and reply.goal == state.draft.text and after == state


def test_something_that_is_not_a_goal_gets_the_introduction() -> None:
    for text in ("hello", "thanks!", "hej", "", "by June", "senast i juni"):
        state, reply = coach_turn(CoachState(), text, today=TODAY)
        assert reply.kind == "intro" and reply.goal is None and not state.started, text
    _, reply = coach_turn(CoachState(), "be better at marketing", today=TODAY)
    assert reply.kind == "critique" and reply.question == "metric"


def test_a_reply_we_cannot_read_repeats_the_question_without_changing_the_draft() -> None:
    state, _ = play(["Get 40 bookings a month"])
    after, reply = coach_turn(state, "hmm, good question", today=TODAY)
    assert reply.kind == "unclear" and reply.question == "deadline" and not reply.way_out
    assert after.draft == state.draft and after.pending == state.pending and after.misses == 1


def test_an_answer_that_misses_the_question_is_still_merged() -> None:
    _, replies = play(["Get 500 likes on Instagram", "by June"])
    assert replies[1].kind == "progress" and "no-deadline" in {f.rule for f in replies[1].gone}
    assert replies[1].question == "metric"


def test_one_reply_can_answer_several_questions() -> None:
    _, replies = play(["Get more bookings", "from 30 to 40 a month by June, owner @anna"])
    reply = replies[-1]
    assert {"not-measurable", "no-deadline", "no-owner"} <= {f.rule for f in reply.gone}
    assert reply.goal == "Increase bookings from 30 to 40 per month by 30 June 2027, owner Anna Berg"
    assert reply.draft.owner == "U0ANNA"


@pytest.mark.parametrize(
    ("text", "pending", "field", "value"),
    [
        ("by June", None, "deadline", date(2027, 6, 30)),
        ("senast i juni", None, "deadline", date(2027, 6, 30)),
        ("innen juni", None, "deadline", date(2027, 6, 30)),
        ("June", "deadline", "deadline", date(2027, 6, 30)),
        ("we're at 120 today", None, "baseline", 120.0),
        ("vi ligger på 120", None, "baseline", 120.0),
        ("vi er på 120 nå", None, "baseline", 120.0),
        ("120", "baseline", "baseline", 120.0),
        ("aim for 150", None, "target", 150.0),
        ("150", "target", "target", 150.0),
        ("owner <@U123ABC>", None, "owner", "U123ABC"),
        ("ansvarig är Anna", None, "owner_names", ("anna",)),
        ("anna er ansvarlig", None, "owner_names", ("anna",)),
        ("me", "owner", "owner", "U0ME"),
        ("make it bookings instead", None, "metric", "bookings"),
        ("byt till bokningar", None, "metric", "bookings"),
        ("bytt til bestillinger", None, "metric", "orders"),
        ("calls and e-mails count too", None, "scope", ("calls", "emails")),
        ("samtal och mejl räknas också", None, "scope", ("calls", "emails")),
        ("if it lags we move budget to e-mail", "plan", "plan", "if it lags we move budget to e-mail"),
    ],
)
def test_answers_are_read_in_any_language(text: str, pending: str | None, field: str, value: object) -> None:
    answer = parse_answer(
        text, language="en", today=TODAY, rules=RULES, current_metric="forms", pending=pending, sender="U0ME"
    )
    assert getattr(answer, field) == value


@pytest.mark.parametrize("text", ["hello there", "ok thanks", "hej!"])
def test_small_talk_is_not_taken_as_the_plan(text: str) -> None:
    answer = parse_answer(
        text, language="en", today=TODAY, rules=RULES, current_metric="forms", pending="plan", sender="U0ME"
    )
    assert answer.plan is None and not answer.understood


def test_a_number_in_a_deadline_is_not_a_target() -> None:
    answer = parse_answer("by 30 June 2027", language="en", today=TODAY, rules=RULES, pending="target")
    assert answer.deadline == date(2027, 6, 30) and answer.target is None and answer.baseline is None


def test_state_survives_its_json_form_and_unknown_state_starts_afresh() -> None:
    state, _ = play(["Get 40 form submissions a month", "calls count too", "by June", "owner me"])
    assert CoachState.from_dict(state.to_dict()) == state
    assert CoachState.from_dict({}) == CoachState() and CoachState.from_dict({"version": 99}) == CoachState()
