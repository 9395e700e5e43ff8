from datetime import date

import pytest

from bot.grading import grade_goal

DAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "lang", "target", "unit"),
    [
        ("Reach 10,000 people", "en", 10_000, None),
        ("Nå 10 000 personer", "sv", 10_000, None),
        ("Nå 10\u00a0000 personer", "sv", 10_000, None),
        ("Få konverteringsgraden till 1,5 %", "sv", 1.5, "%"),
        ("Raise the conversion rate to 0.9%", "en", 0.9, "%"),
        ("Öka omsättningen till 2 MSEK", "sv", 2_000_000, "SEK"),
        ("Øke omsetningen til 1,2 millioner kroner", "nb", 1_200_000, "NOK"),
        ("Get 10k website visits", "en", 10_000, None),
        ("Sänka kostnaden per klick till 3 kr", "sv", 3, "SEK"),
        ("Redusere kostnad per lead til 150 kr", "nb", 150, "NOK"),
        ("Sell for $5,000 a month", "en", 5_000, "USD"),
        ("Øke salget til 1.500 ordrer", "nb", 1_500, None),
        ("Get 1 million video views", "en", 1_000_000, None),
    ],
)
def test_numbers_and_units(text, lang, target, unit):
    a = grade_goal(text, language=lang, today=DAY)
    assert a.target == pytest.approx(target)
    assert a.unit == unit


@pytest.mark.parametrize(
    ("text", "baseline", "target"),
    [
        ("Grow online sales from 120 to 150 orders per month by Q3 2027", 120, 150),
        ("Höja konverteringsgraden från 1,8 % till 2,5 % under kvartal 3", 1.8, 2.5),
        ("Øke salget fra 300 til 400 ordrer per måned innen 1. juni 2027", 300, 400),
        ("Lower cost per lead from 400 kr to 250 kr", 400, 250),
        ("Bookings 40 → 60 per week", 40, 60),
    ],
)
def test_ranges_give_baseline_and_target(text, baseline, target):
    a = grade_goal(text, today=DAY)
    assert (a.baseline, a.target) == (pytest.approx(baseline), pytest.approx(target))
    assert "no-baseline" not in a.rules


@pytest.mark.parametrize(
    ("text", "pct", "multiplier", "direction"),
    [
        ("Increase sales by 25 %", 25, None, "increase"),
        ("Öka räckvidden med 50 %", 50, None, "increase"),
        ("Reduce cost per click by 20%", 20, None, "decrease"),
        ("Double newsletter sign-ups within 6 months", None, 2, "increase"),
        ("Fördubbla antalet bokningar", None, 2, "increase"),
        ("Doble antall påmeldinger", None, 2, "increase"),
        ("Triple online orders", None, 3, "increase"),
        ("Tiodubbla försäljningen", None, 10, "increase"),
        ("Tredoble salget", None, 3, "increase"),
        ("Halvera kostnaden per lead", None, 0.5, "decrease"),
        ("Halvere kostnaden per klikk", None, 0.5, "decrease"),
    ],
)
def test_relative_targets(text, pct, multiplier, direction):
    a = grade_goal(text, today=DAY)
    assert a.relative_change_pct == (pytest.approx(pct) if pct is not None else None)
    assert a.multiplier == multiplier
    assert a.direction == direction
    assert a.smart["measurable"] is True


@pytest.mark.parametrize(
    "text",
    [
        "Reach 20,000 people in Västerås in June with an average frequency of 3",
        "Få 200 bokningar per månad senast 1 september 2027",
        "Get 200 bookings per month by 31 March 2027",
    ],
)
def test_dates_and_frequencies_are_not_targets(text):
    a = grade_goal(text, today=DAY)
    assert a.target in (20_000, 200)


def test_no_number_means_not_measurable():
    a = grade_goal("More bookings from Instagram", today=DAY)
    assert a.target is None and a.smart["measurable"] is False and "not-measurable" in a.rules


@pytest.mark.parametrize(
    ("text", "target", "unit"),
    [
        ("Hit 1M SEK in online revenue by EOY", 1_000_000, "SEK"),
        ("Reach 1.2M impressions in Stockholm in Q1", 1_200_000, None),
        ("Få 100k views på TikTok i december", 100_000, None),
        ("Nå 300 tkr i omsättning i maj", 300_000, "SEK"),
        ("Nå 1,2 MNOK i omsetning i nettbutikken i første kvartal", 1_200_000, "NOK"),
        ("Nå 2,5 MSEK i omsättning under första halvåret 2027", 2_500_000, "SEK"),
        ("Sell for $4,000 a week", 4_000, "USD"),
    ],
)
def test_numbers_as_people_write_them(text, target, unit):
    a = grade_goal(text, today=DAY)
    assert (a.target, a.unit) == (pytest.approx(target), unit)


@pytest.mark.parametrize(
    ("text", "baseline", "target"),
    [
        ("Get 90 demo bookings per month, up from 60, by Q3 2027", 60, 90),
        ("Boost sign-ups to 90 a month by June, up from roughly 55", 55, 90),
        ("Get 10k washes a month by Q3 2027, vs 7,200 today", 7_200, 10_000),
        ("Öka bokningarna till 60 i veckan, dagens nivå 40", 40, 60),
        ("Webbutiken ska nå 340 beställningar i veckan, i dag ligger vi på 260", 260, 340),
        ("Øke bordreservasjonene til 600 i måneden innen juni (nå 470)", 470, 600),
        ("Vi selger ca. 25 sykler i måneden nå, og målet er 40 innen utgangen av mai", 25, 40),
    ],
)
def test_stated_baselines(text, baseline, target):
    a = grade_goal(text, today=DAY)
    assert (a.baseline, a.target) == (pytest.approx(baseline), pytest.approx(target))
    assert "no-baseline" not in a.rules


def test_a_number_in_a_context_clause_is_not_the_goals():
    a = grade_goal("Bookings fell 10% last year, so grow bookings by 15% by June", today=DAY)
    assert (a.relative_change_pct, a.direction) == (15, "increase")
    b = grade_goal("Memberships declined 15% this year - aim to add 80 new members by end of March", today=DAY)
    assert b.target == 80


@pytest.mark.parametrize("digits", [16, 40, 400])
def test_absurdly_long_numbers_are_no_target_and_never_infinite(digits):
    a = grade_goal(f"Get {'9' * digits} orders by June", today=DAY)
    assert a.target is None
    assert a.to_dict()["target"] is None


def test_fifteen_digits_are_still_a_number():
    assert grade_goal("Get 123456789012345 impressions", today=DAY).target == 123456789012345
