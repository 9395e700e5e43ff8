"""One reply read for everything it holds, in Swedish, Norwegian and English, typed with and without å/ä/ö/æ/ø,
whatever question was asked (issue 17: "read every answer for everything it holds")."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.answers import parse_answer, read_command
from bot.grading import default_ruleset

TODAY = date(2026, 11, 23)
RULES = default_ruleset()
JUNE = date(2027, 6, 30)


def read(text: str, language: str, pending: str | None = None, metric: str | None = "enquiries", words=None):
    return parse_answer(
        text,
        language=language,
        today=TODAY,
        rules=RULES,
        current_metric=metric,
        current_words=words,
        pending=pending,
        sender="U0ME",
    )


# (language, reply, question asked, what it must hold); every other number field must stay empty.
FIELDS = [
    # today's value, with the filler words people put before it
    ("sv", "vi har typ 30 förfrågningar i månaden nu", "target", {"baseline": 30.0}),
    ("sv", "vi ligger pa ungefar 30 i manaden nu", "target", {"baseline": 30.0}),
    ("sv", "i dag har vi ca 30", None, {"baseline": 30.0}),
    ("nb", "vi er på ca. 120 i måneden nå", "target", {"baseline": 120.0}),
    ("nb", "vi er pa omtrent 120 i maneden na", "deadline", {"baseline": 120.0}),
    ("en", "we get about 40 bookings a month now", "target", {"baseline": 40.0}),
    ("en", "roughly 40 today", None, {"baseline": 40.0}),
    # the target, marked as one
    ("sv", "målet är 45", "deadline", {"target": 45.0}),
    ("sv", "malet ar 45", "owner", {"target": 45.0}),
    ("sv", "vi vill na 60", None, {"target": 60.0}),
    ("nb", "målet er 150 i måneden", "baseline", {"target": 150.0}),
    ("nb", "malet er 150", None, {"target": 150.0}),
    ("en", "aim for 60", "baseline", {"target": 60.0}),
    ("en", "the target is 60 a month", None, {"target": 60.0}),
    ("en", "our goal is 60", "owner", {"target": 60.0}),
    # a bare number is what was asked for, and nothing when nothing was
    ("sv", "45", "target", {"target": 45.0}),
    ("nb", "120", "baseline", {"baseline": 120.0}),
    ("en", "150 by June", "owner", {"target": 150.0, "deadline": JUNE}),
    ("nb", "150 innen sommeren", "deadline", {"target": 150.0, "deadline": date(2027, 5, 31)}),
    # deadlines
    ("sv", "senast i juni", None, {"deadline": JUNE}),
    ("sv", "senast 30 juni", "target", {"deadline": JUNE}),
    ("nb", "innen utgangen av juni", "owner", {"deadline": JUNE}),
    ("en", "by the end of June", "baseline", {"deadline": JUNE}),
    ("en", "June", "deadline", {"deadline": JUNE}),
    # owners
    ("sv", "ansvarig <@U0ANNA>", None, {"owner": "U0ANNA"}),
    ("nb", "ansvarlig: meg", None, {"owner": "U0ME"}),
    ("en", "me", "owner", {"owner": "U0ME"}),
    ("sv", "jag tar det", "owner", {"owner": "U0ME"}),
    ("sv", "Anna äger det", "target", {"owner_names": ("anna",)}),
    ("sv", "ansvarig blir Kari Nordmann", None, {"owner_names": ("kari nordmann", "kari")}),
    ("nb", "Kari har ansvaret", None, {"owner_names": ("kari",)}),
    ("en", "Ola owns it", None, {"owner_names": ("ola",)}),
    ("en", "owner: @ola", None, {"owner_names": ("ola",)}),
    ("sv", "Anna Berg", "owner", {"owner_names": ("anna berg", "anna")}),
    # metrics: the metric question answered, or words that replace
    ("sv", "byt till bokningar", None, {"metric": "bookings"}),
    ("sv", "bokningar", "metric", {"metric": "bookings"}),
    ("nb", "heller bookinger", None, {"metric": "bookings"}),
    ("en", "make it bookings instead", "target", {"metric": "bookings"}),
    # plans keep their dates
    (
        "sv",
        "om det släpar efter kör vi en kampanj i maj",
        None,
        {"plan": "om det släpar efter kör vi en kampanj i maj"},
    ),
    (
        "sv",
        "om det slapar efter kor vi en kampanj i maj",
        None,
        {"plan": "om det slapar efter kor vi en kampanj i maj"},
    ),
    (
        "nb",
        "hvis det henger etter, flytter vi budsjett i april",
        None,
        {"plan": "hvis det henger etter, flytter vi budsjett i april"},
    ),
    ("en", "we run a mailing in March if it lags", None, {"plan": "we run a mailing in March if it lags"}),
    ("en", "move budget from ads to e-mail in May", "plan", {"plan": "move budget from ads to e-mail in May"}),
]


@pytest.mark.parametrize(("language", "text", "pending", "expected"), FIELDS)
def test_a_reply_gives_exactly_what_it_says(language: str, text: str, pending: str | None, expected: dict) -> None:
    answer = read(text, language, pending)
    for name in ("baseline", "target", "deadline", "owner", "owner_names", "metric", "plan"):
        default = () if name == "owner_names" else None
        assert getattr(answer, name) == expected.get(name, default), (name, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "ansvarig Anna, målet är 45 senast i juni och vi har typ 30 i månaden nu"),
        ("sv", "vi har typ 30 i manaden nu, senast i juni, malet ar 45, ansvarig Anna"),
        ("nb", "ansvarlig Anna, målet er 45 innen juni, vi er på ca. 30 i måneden nå"),
        ("nb", "innen juni: vi er pa omtrent 30 i maneden na og malet er 45. Anna har ansvaret"),
        ("en", "owner Anna, aim for 45 by June, we're at about 30 a month today"),
        ("en", "we're at about 30 a month today. Anna owns it. Target is 45 by the end of June"),
    ],
)
def test_one_reply_in_any_order_gives_every_field(language: str, text: str) -> None:
    answer = read(text, language, pending="owner")
    assert (answer.baseline, answer.target, answer.deadline) == (30.0, 45.0, JUNE), text
    assert answer.owner_names[-1] == "anna" and answer.owner is None and answer.plan is None, text
    assert answer.period == "month" and not answer.left_out, text


@pytest.mark.parametrize(
    ("language", "text", "question"),
    [
        ("sv", "vet inte", "owner"),
        ("sv", "hoppa över", "owner"),
        ("sv", "ingen aning", "owner"),
        ("nb", "vet ikke", "owner"),
        ("nb", "hopp over", "owner"),
        ("en", "I don't know", "owner"),
        ("en", "skip", "owner"),
        ("en", "not decided yet", "owner"),
    ],
)
def test_not_knowing_who_owns_it_is_never_an_owner(language: str, text: str, question: str) -> None:
    answer = read(text, language, question)
    assert answer.no_owner or answer.command == "skip", text
    assert answer.owner is None and answer.owner_names == (), text


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("spara", "save"),
        ("Spara!", "save"),
        ("lagre", "save"),
        ("save it", "save"),
        ("spara ändå", "save-anyway"),
        ("spara anda", "save-anyway"),
        ("lagre likevel", "save-anyway"),
        ("save anyway", "save-anyway"),
        ("hoppa över", "skip"),
        ("hoppa over", "skip"),
        ("hopp over", "skip"),
        ("skip", "skip"),
        ("fortsätt", "keep-going"),
        ("keep going", "keep-going"),
        ("ny", "new"),
        ("start over", "new"),
        ("varför?", "why"),
        ("hvorfor", "why"),
        ("", "help"),
    ],
)
def test_commands_in_every_language(text: str, command: str) -> None:
    assert read_command(text, RULES)[0] == command


def test_new_with_a_goal_after_a_colon_starts_on_that_goal() -> None:
    assert read_command("ny: Fler bokningar i juni", RULES) == ("new", "Fler bokningar i juni")
    assert read_command("new - Get 40 bookings a month", RULES) == ("new", "Get 40 bookings a month")
    assert read_command("nytt mål", RULES) == ("new", None)


def test_a_number_with_no_words_to_place_it_is_left_out_and_named_back() -> None:
    answer = read("hmm, kanske 150", "sv", pending="deadline")
    assert answer.target is None and answer.baseline is None and answer.left_out == ("150",)
    answer = read("målet är 45 och 60", "sv", pending="target")
    assert answer.target == 45.0 and answer.left_out == ("60",)


def test_a_number_of_another_metric_further_from_the_sale_is_not_the_goals() -> None:
    answer = read("vi har 200 likes i veckan idag", "sv", pending="target", metric="bookings", words="bokningar")
    assert answer.baseline is None and answer.elsewhere == ("200 likes",)
    # the goal's own metric in fewer words, and one as close to the sale, are the goal's
    answer = read(
        "vi har 300 abonnenter nå", "nb", pending="target", metric="newsletter", words="abonnenter på nyhetsbrevet"
    )
    assert answer.baseline == 300.0 and not answer.elsewhere
    answer = read("vi har typ 300 ordrar i månaden nu", "sv", pending="target", metric="sales", words="försäljningen")
    assert answer.baseline == 300.0 and answer.metric is None


def test_a_metric_named_in_passing_does_not_replace_the_goals() -> None:
    assert read("vi säljer cyklar", "sv", pending="owner", metric="bookings").metric is None
    assert read("flere abonnenter", "nb", pending="deadline", metric="newsletter").metric is None
    assert read("vi säljer cyklar", "sv", pending="metric", metric="likes").metric == "orders"


def test_a_plan_keeps_its_month_out_of_the_deadline_even_beside_a_deadline() -> None:
    answer = read("senast i juni. Om det släpar efter kör vi en kampanj i maj", "sv")
    assert answer.deadline == JUNE and answer.plan == "Om det släpar efter kör vi en kampanj i maj"
    answer = read("om det släpar efter kör vi en kampanj i maj", "sv", pending="deadline")
    assert answer.deadline is None and answer.plan
