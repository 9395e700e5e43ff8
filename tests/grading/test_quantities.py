import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading import grade_goal
from bot.grading import quantities as Q

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


QUANTITY_SNIPPETS = st.sampled_from(
    ["from", "från", "fra", "går", "to", "till", "til", "->", "→", "-", "10", "1,5", "2 000", "%", "procent",
     "prosent", "per cent", "pct", "kr", "x", "x2", "3", "times", "gånger", "ganger", "more", "fler", "by", "med",
     "+", "up", "increase", "ökning", "2027", "q3", " "]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(QUANTITY_SNIPPETS, max_size=10).map(" ".join))
def test_strings_named_as_needed_are_in_every_text_the_pattern_matches(text):
    """find_targets skips a pattern when none of its needed strings is in the text; that must never skip a match
    (for the relative patterns, a match with a percent unit: the only ones find_targets uses)."""
    for rx, needs in ((Q._FROM_TO, Q._FROM_NEEDS), (Q._ARROW, Q._ARROW_NEEDS), (Q._TIMES, Q._TIMES_NEEDS)):
        if rx.search(text):
            assert any(needed in text for needed in needs), (rx.pattern[:40], text)
    for rx in (Q._RELATIVE, Q._PCT_CHANGE):
        for m in rx.finditer(text):
            if m["q_unit"] in Q._PERCENT:
                assert any(word in text for word in Q._PERCENT), text


TARGET_CUE_REGEX = re.compile(
    r"(?:to|till|til|reach|nå|above|over|at least|minst|minimum|under|below|max\.?|maximum|högst|maks\.?|min\.?"
    r"|≥|>|<|≤|target|mål|goal|of|på|at|hit|get|få|achieve|uppnå|oppnå|about|around|ca\.?)\s*$"
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from([*Q._TARGET_CUES, "x", "into", "up", " ", "  ", "\n", "\t", ".", "ø"]), max_size=6).map(
        "".join
    )
)
def test_target_cue_by_endswith_is_the_anchored_regex(before):
    assert before.rstrip().endswith(Q._TARGET_CUES) == bool(TARGET_CUE_REGEX.search(before))
