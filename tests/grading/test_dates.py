from datetime import date

import pytest

from bot.grading import default_ruleset, grade_goal
from bot.grading.readers import TextReader

DAY = date(2026, 11, 23)  # a Monday
RULES = default_ruleset()


def find_deadlines(text: str, today: date) -> list:
    return TextReader(text, RULES).deadlines(today)


def find_period(text: str) -> str | None:
    return TextReader(text, RULES).period()


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("by q3 2027", date(2027, 9, 30)),
        ("innen q2", date(2027, 6, 30)),
        ("under kvartal 3", date(2027, 9, 30)),
        ("by 31 march 2027", date(2027, 3, 31)),
        ("by june 30", date(2027, 6, 30)),
        ("innen 1. juni 2027", date(2027, 6, 1)),
        ("senast 1 september", date(2027, 9, 1)),
        ("till och med december 2027", date(2027, 12, 31)),
        ("by the end of march", date(2027, 3, 31)),
        ("by december", date(2026, 12, 31)),
        ("in april", date(2027, 4, 30)),
        ("senast i juni", date(2027, 6, 30)),
        ("i mars", date(2027, 3, 31)),
        ("innen mars", date(2027, 3, 31)),
        ("by the end of the year", date(2026, 12, 31)),
        ("innen utgangen av året", date(2026, 12, 31)),
        ("i år", date(2026, 12, 31)),
        ("by the end of 2027", date(2027, 12, 31)),
        ("next month", date(2026, 12, 31)),
        ("nästa månad", date(2026, 12, 31)),
        ("neste måned", date(2026, 12, 31)),
        ("within 6 months", date(2027, 5, 23)),
        ("inom tre månader", date(2027, 2, 23)),
        ("innen 2 uker", date(2026, 12, 7)),
        ("this quarter", date(2026, 12, 31)),
        ("by the summer", date(2027, 5, 31)),
        ("före sommaren", date(2027, 5, 31)),
        ("i løpet av våren", date(2027, 5, 31)),
        ("before christmas", date(2026, 12, 24)),
        ("2027-04-15", date(2027, 4, 15)),
        ("senast 30/9", date(2027, 9, 30)),
        ("vecka 40", date(2027, 10, 10)),
        ("senast 2027-03-31", date(2027, 3, 31)),
        ("innen 31.03.2027", date(2027, 3, 31)),
        ("by eoy", date(2026, 12, 31)),
        ("by year-end", date(2026, 12, 31)),
        ("by week 14", date(2027, 4, 11)),
        ("innen uke 14", date(2027, 4, 11)),
        ("senast v. 14", date(2027, 4, 11)),
        ("before summer 2025", date(2025, 5, 31)),
        ("under första halvåret 2027", date(2027, 6, 30)),
        ("innen utgangen av ar", date(2026, 12, 31)),
        ("senast i juni", date(2027, 6, 30)),
        ("by march 2025", date(2025, 3, 31)),
        ("by decmber", date(2026, 12, 31)),
    ],
)
def test_deadline_phrases(phrase, due):
    found = find_deadlines(phrase, DAY)
    assert [d.due for d in found] == [due], phrase


@pytest.mark.parametrize(
    "text",
    ["sales may increase", "we march on", "reach 2000 people", "öka till 2025 kunder", "10 000 visningar", "per month"],
)
def test_not_deadlines(text):
    assert find_deadlines(text, DAY) == []


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("150 orders per month", "month"),
        ("40 i månaden", "month"),
        ("50 i måneden", "month"),
        ("1000 per uke", "week"),
        ("60 per vecka", "week"),
        ("20 a day", "day"),
        ("monthly bookings", "month"),
        ("no period here", None),
    ],
)
def test_periods(text, period):
    assert find_period(text) == period


def test_a_deadline_behind_us_is_read_as_written_and_is_a_finding():
    a = grade_goal("Get 50 new customers a month by March 2025", today=date(2026, 11, 29))
    assert a.deadline == date(2025, 3, 31) and "past-deadline" in a.rules and a.grade != "A"
    assert "[date]" in a.better_goal


def test_no_period_the_goal_does_not_name():
    a = grade_goal("Øke antall bestillinger til 500 i måneden innen 31.03.2027", today=DAY)
    assert a.period == "month" and "per uke" not in a.better_goal


def test_deadline_in_assessment():
    a = grade_goal("Öka försäljningen med 15 % till december", today=DAY)
    assert a.deadline == date(2026, 12, 31) and a.smart["time_bound"] is True
