import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading import grade_goal, timeframes
from bot.grading.timeframes import find_deadlines, find_period

DAY = date(2026, 11, 23)  # a Monday


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
    assert find_period(text)[0] == period


def test_deadline_in_assessment():
    a = grade_goal("Öka försäljningen med 15 % till december", today=DAY)
    assert a.deadline == date(2026, 12, 31) and a.smart["time_bound"] is True


PERIOD_SNIPPETS = st.sampled_from(
    ["per", "a", "each", "/", "pr.", "om", "varje", "hver", "i", "day", "dag", "week", "vecka", "uke", "v.", "month",
     "månad", "mnd", "quarter", "kvartal", "year", "år", "året", "daily", "weekly", "monthly", "årlig", "x", "10"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PERIOD_SNIPPETS, max_size=10).map(" ".join))
def test_find_period_is_the_leftmost_period_and_the_first_listed_at_one_position(text):
    best = None
    for name, rx in timeframes.PERIODS:
        m = re.search(r"(?<!\w)(?:" + rx + r")(?!\w)", text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name, m.span())
    assert find_period(text) == ((best[1], best[2]) if best else (None, None))
