"""The coach's messages as Block Kit, without Slack: what each reply says in each language, its buttons, and that
nothing a person typed pings anyone or breaks out of its place."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.conversation import CoachState, Directory, Person, coach_turn
from bot.slack.blocks import build_coach_turn, coach_fallback
from bot.slack.blocks.coach import coach_saved_text
from bot.slack.i18n import STRINGS

TODAY = date(2026, 11, 23)
PEOPLE = Directory([Person("U0ANNAB", "anna.berg", "Anna Berg"), Person("U0ANNAL", "anna.lind", "Anna *Lind*")])


def turns(*messages: str, people: Directory = PEOPLE):
    state, replies = CoachState(), []
    for text in messages:
        pressed = text[1:] if text.startswith("!") else None
        before = state
        state, reply = coach_turn(before, "" if pressed else text, today=TODAY, sender="U0ME", pressed=pressed)
        if reply.kind == "lookup":
            state, reply = coach_turn(before, text, today=TODAY, sender="U0ME", people=people)
        replies.append(reply)
    return replies


def shown(blocks: list[dict]) -> str:
    out = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element.get("text")
            out.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(out)


def actions(blocks: list[dict]) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


EXPECTED = {
    "sv": ("Fler bokningar", "Jag behöver siffran ni vill nå, t.ex. _sikta på 150 i månaden_."),
    "nb": ("Flere bookinger", "Jeg trenger tallet dere vil nå, f.eks. _målet er 150 i måneden_."),
    "en": ("More bookings", "I need the number you want to reach, e.g. _aim for 150 a month_."),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_an_unclear_reply_says_what_was_expected_with_an_example_then_offers_a_way_out(language: str) -> None:
    goal, expected = EXPECTED[language]
    _, first, second = turns(goal, "hmm", "hmm")
    once, twice = build_coach_turn(first), build_coach_turn(second)
    assert expected in shown(once) and not actions(once)
    assert expected in shown(twice)
    assert set(actions(twice).values()) == {"skip", "new", "save"}
    assert "`" + {"sv": "hoppa över", "nb": "hopp over", "en": "skip"}[language] + "`" in shown(twice)


def test_saving_an_incomplete_draft_names_what_is_missing_with_two_buttons() -> None:
    _, asked = turns("Fler bokningar", "spara")
    blocks = build_coach_turn(asked)
    assert "Det saknas fortfarande en målsiffra, ett slutdatum och en ägare." in shown(blocks)
    assert actions(blocks) == {"coach_save_anyway": "save-anyway", "coach_keep_going": "keep-going"}
    assert coach_fallback(asked).startswith("Det saknas fortfarande")


def test_a_name_several_people_have_is_asked_about_with_a_button_each() -> None:
    _, asked = turns("More bookings", "owner is Anna")
    blocks = build_coach_turn(asked)
    assert "*Anna *Lind* – right?* More than one person could fit." in shown(blocks)
    assert actions(blocks) == {"coach_owner_0": "owner:U0ANNAL", "coach_owner_1": "owner:U0ANNAB"}
    labels = [e["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels[0] == {"type": "plain_text", "text": "Anna *Lind*", "emoji": True}  # plain text: as named


def test_what_an_answer_set_is_said_back_field_by_field() -> None:
    _, reply = turns("Fler bokningar", "vi har typ 30 i månaden nu, målet är 45 senast i juni")
    text = shown(build_coach_turn(reply))
    assert "*Noterat:* dagens värde: 30 · mål: 45 · senast: 30 juni 2027" in text


def test_numbers_left_out_and_numbers_of_another_metric_are_named_back() -> None:
    _, _, reply = turns("Fler likes på Instagram", "byt till bokningar", "vi har 200 likes i veckan idag")
    assert "Jag tog inte med *200 likes* – målet gäller bokningar." in shown(build_coach_turn(reply))
    _, _, reply = turns("More bookings", "aim for 40", "hmm, maybe 150")  # asked: by when?
    text = shown(build_coach_turn(reply))
    assert "I left *150* out – is it the target or today's value? Write e.g. _target 150_ or _150 today_." in text


def test_a_name_nobody_has_is_said_back_escaped_and_never_pings() -> None:
    _, reply = turns("More bookings", "owner: <!channel> Zed*")
    assert reply.not_found == "Zed" and "<!channel>" not in json.dumps(build_coach_turn(reply))
    _, reply = turns("More bookings", "owner: Petter")
    assert "I can't find Petter in this workspace." in shown(build_coach_turn(reply))


def test_the_saved_message_names_the_owner_or_how_to_add_one() -> None:
    assert coach_saved_text("sv", number=3, name="Öka <bokningar>", owner=None) == (
        "Sparad som *#3* Öka &lt;bokningar&gt;. Ingen ägare än – lägg till en med `/kpi ändra 3`. "
        "`/kpi visa 3` visar den."
    )
    updated = coach_saved_text("nb", number=3, name="Øke salget", owner="U0KARI", updated=True)
    assert updated == "*#3* Øke salget er oppdatert. Eier: <@U0KARI>. `/kpi vis 3` viser den."


def test_every_coach_string_exists_in_every_language_with_the_same_placeholders() -> None:
    coach_keys = [k for k in STRINGS["en"] if k.startswith("coach.")]
    assert len(coach_keys) > 80
    for language in ("sv", "nb"):
        for key in coach_keys:
            assert key in STRINGS[language], (language, key)
            english = {p.split("}")[0] for p in STRINGS["en"][key].split("{")[1:]}
            assert english == {p.split("}")[0] for p in STRINGS[language][key].split("{")[1:]}, (language, key)
