"""Advice people can trust: the goal's own metric, direction and numbers survive into the better goal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.grading import grade_goal

DAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "metric", "keeps"),
    [
        ("Reduce customer churn from 8% to 5% by the end of Q2 2027", "churn", "Reduce customer churn from 8 % to 5 %"),
        (
            "Minska andelen returer i webbshopen från 12 % till 8 % senast i augusti",
            "returns",
            "Minska andelen returer",
        ),
        ("Redusere avbestillingene fra 40 til 25 i måneden innen mars", "cancellations", "Redusere avbestillingene"),
        ("Cut no-shows at the clinic from 30 to 15 a month by May", "no-shows", "Reduce no-shows"),
        ("Korta väntetiden i telefon till 2 minuter senast i mars", "waiting-time", "Minska"),
    ],
)
def test_a_metric_that_should_go_down_is_kept_going_down(text, metric, keeps):
    a = grade_goal(text, today=DAY)
    assert (a.metric, a.direction) == (metric, "decrease")
    assert a.better_goal.startswith(keeps) or keeps in a.better_goal, a.better_goal


@pytest.mark.parametrize(
    ("text", "metric", "says"),
    [
        ("Raise ROAS on Google Ads from 3 to 4.5 by March 2027", "roas", "ROAS"),
        ("Grow AOV in the web shop from 540 to 600 SEK by June", "average-order-value", "AOV"),
        ("Get 40 MQLs a month from LinkedIn by Q2", "qualified-leads", "MQL"),
        ("Öka LTV för stamkunderna med 15 % i år", "lifetime-value", "LTV"),
    ],
)
def test_ratios_are_metrics_of_their_own(text, metric, says):
    a = grade_goal(text, today=DAY)
    assert a.metric == metric and a.level in (4, 5)
    assert says in a.better_goal


@pytest.mark.parametrize(
    "text",
    [
        "Försäljningen minskade i fjol, så öka försäljningen med 10 % till jul",
        "Bookings fell 10% last year, so grow bookings by 15% by June",
        "Etter at salget falt i fjor skal vi øke salget med 12 % innen sommeren",
        "Returns shot up after Black Friday; get the return rate back down to 9% by end of January",
    ],
)
def test_the_direction_comes_from_the_clause_that_states_the_goal(text):
    a = grade_goal(text, today=DAY)
    expected = "decrease" if "return" in text.lower() else "increase"
    assert a.direction == expected
    verb = a.better_goal.split()[0]
    assert verb in ({"Reduce", "Minska", "Redusere"} if expected == "decrease" else {"Increase", "Öka", "Øke"})


def test_a_low_level_metric_that_should_go_down_still_reads_as_a_decrease():
    a = grade_goal("Lower the bounce rate on the booking page to 40 % by June", today=DAY)
    assert (a.metric, a.direction, a.level) == ("bounce-rate", "decrease", 2)
    assert a.better_replaces == "bounce-rate" and a.better_goal_note  # level 2: the finding asks for another


def test_another_metric_is_only_proposed_when_a_finding_asks_and_it_says_why():
    a = grade_goal("Get 80 contact form submissions a month by May", today=DAY)
    assert a.better_metric == "enquiries" and a.better_replaces == "forms" and a.better_because == "narrow-conversion"
    assert "call" in a.better_goal and a.better_goal_note and "form submissions" in a.better_goal_note
    kept = grade_goal("Grow online sales from 120 to 150 orders per month by Q3 2027", today=DAY)
    assert kept.better_replaces is None and kept.better_goal_note is None
    assert kept.better_goal.startswith("Increase orders from 120 to 150 per month")  # what the numbers count
    sales = grade_goal("Öka försäljningen i webbutiken med 15 % till och med december 2027", today=DAY)
    assert sales.better_goal.startswith("Öka försäljningen från [dagens värde] till [dagens värde +15 %]")


@pytest.mark.parametrize(
    "text", [":rocket: :rocket: :100:", "thanks!", "hmm", "ok will check with the boss and get back to you"]
)
def test_text_with_no_goal_gets_a_goal_to_fill_in_not_an_invented_one(text):
    a = grade_goal(text, today=DAY)
    assert a.metric is None and a.better_metric is None
    assert a.better_goal.startswith("[") and "enquiries" not in a.better_goal and "orders" not in a.better_goal


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Få 100k views på TikTok i december", "sv"),
        ("Øke leads fra Meta med 25 % innen Q2", "nb"),
        ("Öka ROAS på Google Ads från 3 till 4 senast i mars", "sv"),
        ("Oka antalet bokningar fran 80 till 100 per manad", "sv"),
        ("Oke omsetningen i butikken med 15 % innen utgangen av mars", "nb"),
    ],
)
def test_english_jargon_and_missing_diacritics_keep_the_texts_language(text, lang):
    assert grade_goal(text, today=DAY).language == lang
