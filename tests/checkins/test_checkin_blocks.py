"""The check-in message and its answered form, built without Slack; the `/kpi cadence|pause` argument readers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from scenario.conftest import texts

from bot.checkins.progress import Point
from bot.services.checkins import regraded_goal
from bot.services.commands import CadenceArgs, parse_cadence, parse_command, parse_pause_until
from bot.slack.blocks.checkin import (
    ACTIONS_BLOCK,
    answer_line,
    build_answered_checkin,
    build_checkin_message,
    checkin_id_in,
    checkin_metadata,
    read_button_value,
)
from bot.slack.i18n import STRINGS

TODAY = date(2026, 11, 23)


def kpi(**fields: object):
    from bot.store.models import Kpi

    defaults = {
        "number": 7,
        "name": "Orders <!channel> & more",
        "owner_user_id": "U0ANN",
        "target": 150.0,
        "baseline": 100.0,
        "unit": "orders",
        "deadline": TODAY + timedelta(weeks=10),
        "cadence": "weekly",
        "language": "en",
        "stale": False,
        "benchmark": "2 % conversion",
        "benchmark_source": None,
    }
    return Kpi(**{**defaults, **fields})


def weekly(*values: float) -> list[Point]:
    end = datetime(2026, 11, 23, 9, tzinfo=UTC)
    return [Point(end - timedelta(weeks=len(values) - 1 - i), v) for i, v in enumerate(values)]


def shown(blocks: list[dict]) -> str:
    return "\n".join(texts(blocks))


def test_the_message_has_number_owner_progress_change_time_left_projection_and_prompts() -> None:
    blocks = build_checkin_message(kpi(), weekly(100, 108, 121, 130), checkin_id=42, today=TODAY)
    text = shown(blocks)
    assert "*#7*" in text and "<@U0ANN>, time to look" in text and "Orders @channel &amp; more" in text
    assert "<!channel>" not in text and "<@<@" not in text
    assert "130\u00a0orders / 150\u00a0orders" in text and "▓▓▓▓▓▓░░░░ 60 %" in text and "+9" in text
    assert "70 days" in text and "On track" in text
    assert "still the right one" in text and "not an industry or national average" in text
    assert "closest to the sale" in text and "no source given" in text
    assert "sandbagging" not in text and "Is it ambitious enough" in text  # +10 a week reaches 150 twice over
    [actions] = [b for b in blocks if b.get("block_id") == ACTIONS_BLOCK]
    assert [read_button_value(e["value"]) for e in actions["elements"]] == [(42, 7, "en")] * 4
    assert len(blocks) <= 50 and len(json.dumps(blocks)) < 12_000


def test_a_target_far_beyond_the_trend_is_called_out_in_swedish() -> None:
    blocks = build_checkin_message(
        kpi(target=900.0, language="sv"), weekly(100, 104, 109, 112), checkin_id=1, today=TODAY
    )
    text = shown(blocks)
    assert "långt över allt historiken visar" in text and "Ligger efter" in text and "Uppdatera värde" in text


def test_no_values_yet_and_a_stale_kpi() -> None:
    text = shown(build_checkin_message(kpi(stale=True, deadline=None), [], checkin_id=1, today=TODAY))
    assert "no value reported yet" in text and "no deadline set" in text and "Marked stale" in text


def test_answered_checkin_loses_its_buttons_and_says_who_answered() -> None:
    blocks = build_checkin_message(kpi(), weekly(100, 120), checkin_id=1, today=TODAY)
    answered = build_answered_checkin(blocks, answer_line("nb", "target_revised", "U0BOB", old="150", new="170"))
    assert not [b for b in answered if b["type"] == "actions"]
    assert "<@U0BOB> endret målet: 150 → 170" in shown(answered)


def test_metadata_round_trip_and_foreign_messages() -> None:
    assert checkin_id_in({"ts": "1.2", "metadata": checkin_metadata(12, "2026-W48", 3)}) == 12
    assert checkin_id_in({"metadata": {"event_type": "something_else", "event_payload": {"checkin_id": 12}}}) is None
    assert checkin_id_in({"text": "hello"}) is None
    assert read_button_value("x:1:en") is None and read_button_value("1:2") is None


def test_every_checkin_string_exists_in_all_three_languages_with_the_same_fields() -> None:
    for key, english in STRINGS["en"].items():
        for language in ("sv", "nb"):
            assert key in STRINGS[language]
            fields = {part.split("}")[0] for part in english.split("{")[1:]}
            assert fields == {part.split("}")[0] for part in STRINGS[language][key].split("{")[1:]}, (key, language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekly", CadenceArgs("weekly")),
        ("monthly tue 10:00", CadenceArgs("monthly", 1, "10:00")),
        ("månadsvis fredag 8", CadenceArgs("monthly", 4, "08:00")),
        ("ukentlig tirsdag 7.30", CadenceArgs("weekly", 1, "07:30")),
        ("off", CadenceArgs("off")),
        ("weekly saturday", CadenceArgs(None)),
        ("sometimes", CadenceArgs(None)),
        ("weekly 25:00", CadenceArgs(None)),
    ],
)
def test_cadence_arguments(text: str, expected: CadenceArgs) -> None:
    assert parse_cadence(text) == expected


def test_pause_dates_and_subcommand_aliases() -> None:
    assert parse_pause_until("until 2027-01-07") == date(2027, 1, 7) == parse_pause_until("till 2027-01-07")
    assert parse_pause_until("next week") is None and parse_pause_until("") is None
    assert [parse_command(w).name for w in ("kadens", "pausa", "gjenoppta", "översyn", "gjennomgang")] == [
        "cadence",
        "pause",
        "resume",
        "review",
        "review",
    ]


def test_regraded_goal_replaces_the_old_target_number_only() -> None:
    goal = "Grow online sales from 120 to 1,500 orders per month by 2027"
    assert regraded_goal(goal, 1500.0, 1700.0) == "Grow online sales from 120 to 1700 orders per month by 2027"
    assert regraded_goal("Öka från 120 till 150 ordrar", 150.0, 170.0) == "Öka från 120 till 170 ordrar"
    assert regraded_goal("More orders", 150.0, 170.0) is None
