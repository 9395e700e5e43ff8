"""Block Kit builders, without Slack: limits, escaping, languages."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.grading import grade_goal
from bot.slack.blocks import (
    build_check_result,
    build_coach_reply,
    build_help,
    build_kpi_list,
    build_kpi_modal,
    build_why,
    read_kpi_modal,
)
from bot.slack.blocks.check import button_value, goal_from_button_value
from bot.slack.escaping import echo_mrkdwn, escape_mrkdwn, mrkdwn, readable
from bot.store.models import Kpi

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS")
NASTY = "<!channel> <!here|here> <!everyone> Get 40 leads & more <@U0BOSS|boss> <#C1|general> by June"


def _texts(node) -> list[tuple[str, str]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            found.append((node["type"], node["text"]))
        for key, value in node.items():
            if key != "value":
                found.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item))
    return found


def test_escape_only_the_three_characters_slack_names() -> None:
    assert escape_mrkdwn("a & <b> 'c' \"d\"") == "a &amp; &lt;b&gt; 'c' \"d\""
    assert readable("<!here> <@U1|ann> <@U2> <#C9|sales> <https://x.se|site> <!subteam^S1|@ads>") == (
        "@here @ann @U2 #sales site @@ads"
    )
    assert echo_mrkdwn("<!channel>") == "@channel"


def test_mrkdwn_truncation_never_leaves_half_an_entity() -> None:
    text = mrkdwn("x" * 2995 + "&amp;&amp;")["text"]
    assert len(text) <= 3000 and not text.rstrip("…").endswith(("&", "&a", "&am", "&amp"))


@pytest.mark.parametrize("goal", [NASTY, "Öka <!channel> räckvidden med 20 %", "Øke salget <!everyone> med 10 %"])
def test_echoed_user_text_never_pings(goal: str) -> None:
    a = grade_goal(goal)
    for blocks in (build_check_result(a), build_why(a), build_coach_reply(a)):
        for _, text in _texts(blocks):
            assert not any(ping in text for ping in PINGS), text


def test_check_result_shape_and_buttons() -> None:
    blocks = build_check_result(grade_goal("Get 500 likes on Instagram by March"))
    assert blocks[0]["type"] == "header" and "/100" in blocks[0]["text"]["text"]
    actions = blocks[-1]
    assert [e["action_id"] for e in actions["elements"]] == ["check_share", "check_save", "check_why"]
    assert goal_from_button_value(actions["elements"][0]["value"]) == "Get 500 likes on Instagram by March"
    assert build_check_result(grade_goal("x"), with_actions=False)[-1]["type"] != "actions"


def test_a_huge_goal_stays_within_slack_limits() -> None:
    goal = "Öka antalet förfrågningar <!channel> & bokningar med 20 % " * 800
    blocks = build_check_result(grade_goal(goal))
    assert len(blocks) <= 50
    assert all(len(text) <= 3000 for _, text in _texts(blocks))
    assert len(json.dumps(blocks, ensure_ascii=False)) <= 12_000
    assert all(len(b["value"]) <= 2000 for b in blocks[-1]["elements"])
    assert "förkortat" in json.dumps(blocks, ensure_ascii=False)


def test_button_value_survives_json_heavy_text() -> None:
    value = button_value('"\\' * 3000)
    assert len(value) <= 2000 and goal_from_button_value(value).startswith('"\\')
    assert goal_from_button_value("not json") == "" and goal_from_button_value('["x"]') == ""


def test_help_is_in_each_language() -> None:
    assert "/kpi check" in json.dumps(build_help("en"))
    assert "/kpi kolla" in json.dumps(build_help("sv"), ensure_ascii=False)
    assert "/kpi sjekk" in json.dumps(build_help("nb"), ensure_ascii=False)


def _kpi(number: int, name: str = "Leads <!channel>") -> Kpi:
    return Kpi(
        number=number,
        name=name,
        owner_user_id="U0ANN",
        target=1200.0,
        current_value=300.5,
        unit="st",
        status="active",
        deadline=date(2027, 6, 30),
        grade="B",
    )


def test_kpi_list_escapes_names_formats_numbers_and_caps_blocks() -> None:
    blocks = build_kpi_list([_kpi(n) for n in range(1, 80)], "sv", "Alla")
    assert len(blocks) <= 50 and "och 31 till" in json.dumps(blocks, ensure_ascii=False)
    line = blocks[1]["text"]["text"]
    assert "<!channel>" not in line and "@channel" in line and "300,5 / 1\u00a0200\u00a0st" in line


def test_modal_prefills_and_reads_back() -> None:
    modal = build_kpi_modal(
        "nb",
        initial={
            "name": "Ordre",
            "target": 1500.0,
            "deadline": date(2027, 1, 31),
            "owner_user_id": "U0ANN",
            "cadence": "monthly",
        },
    )
    assert len(modal["title"]["text"]) <= 24
    blocks = {b["block_id"]: b["element"] for b in modal["blocks"]}
    assert blocks["target"]["initial_value"] == "1\u00a0500" and blocks["deadline"]["initial_date"] == "2027-01-31"
    assert blocks["cadence"]["initial_option"]["value"] == "monthly"
    values = {
        "name": {"value": {"value": "Ordre"}},
        "target": {"value": {"value": blocks["target"]["initial_value"]}},
        "baseline": {"value": {"value": "abc"}},
        "deadline": {"value": {"selected_date": "2027-01-31"}},
        "cadence": {"value": {"selected_option": {"value": "monthly"}}},
    }
    fields, errors, reason = read_kpi_modal(values, "nb")
    assert fields["target"] == 1500.0 and fields["deadline"] == date(2027, 1, 31) and fields["cadence"] == "monthly"
    assert set(errors) == {"baseline"} and reason is None
    _, errors, _ = read_kpi_modal({}, "en")
    assert set(errors) == {"name"}


@given(st.text(max_size=400) | st.text(min_size=2990, max_size=3010))
def test_finding_size_estimate_is_exactly_the_encoded_size(text: str) -> None:
    from bot.slack.blocks.check import _chars, _section_chars

    assert _section_chars(text) == _chars([{"type": "section", "text": mrkdwn(text)}])


def test_the_check_says_which_metric_the_better_goal_proposes_instead_and_why():
    a = grade_goal("Få 40 ifyllda kontaktformulär i månaden senast i maj", today=date(2026, 11, 29))
    texts = " ".join(text for _, text in _texts(build_check_result(a)))
    assert "förfrågningar" in texts and "i stället för ifyllda formulär" in texts


def test_the_check_says_when_a_long_message_was_graded_on_its_goal_sentences():
    filler = "Vi hade en bra vecka i butiken och pratade om skyltfönstret och vädret. " * 40
    a = grade_goal(filler + "Målet är 40 nya medlemmar i månaden senast i juni.", today=date(2026, 11, 29))
    texts = " ".join(text for _, text in _texts(build_check_result(a)))
    assert a.metric == "new-customers" and "tecken av meddelandet utelämnades" in texts
    assert "utelämnades" in " ".join(text for _, text in _texts(build_coach_reply(a)))
