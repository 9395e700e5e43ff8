import pytest

from bot.grading import grade_goal
from bot.grading.normalise import MAX_ANALYSED_CHARS, normalise


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Get <@U123ABC> 40 bookings", "get 40 bookings"),
        ("Post in <#C42|marketing> daily", "post in marketing daily"),
        ("Sell via <https://shop.example.com|our shop>", "sell via our shop"),
        ("Visit <https://example.com>", "visit"),
        (":rocket: *More* _sales_ ~now~", "more sales now"),
        ("<!here> <!channel> <!everyone> Grow sales", "grow sales"),
        ("Q&amp;A &lt;3", "q&a <3"),
        ("Ask <!subteam^S1|@team> for help", "ask @team for help"),
        ("At 10:30:00 sharp", "at 10:30:00 sharp"),
    ],
)
def test_strips_slack_markup(raw, plain):
    assert normalise(raw)[0] == plain


def test_collects_mentions():
    assert normalise("Owner <@U1> and <@W2|anna>")[1] == ("U1", "W2")


def test_markup_does_not_change_the_grade():
    plain = grade_goal("Grow online sales from 120 to 150 orders per month by Q3 2027")
    marked = grade_goal(":chart: *Grow* online sales from 120 to 150 orders per month by Q3 2027 <@U1> <!here>")
    assert (marked.score, marked.level, marked.rules) == (plain.score, plain.level, plain.rules)


def test_long_text_is_cut():
    assert len(normalise("sales " * 50_000)[0]) <= MAX_ANALYSED_CHARS


def test_typographic_dashes_and_quotes_become_plain_and_any_whitespace_one_space():
    text = "Öka  bokningarna\u00a0från 20–35 \u2014 “nu”\tper\u2009månad’s\n"
    assert normalise(text)[0] == 'öka bokningarna från 20-35 - "nu" per månad\'s'
    assert normalise("Grow   sales\tby 10 %  ")[0] == "grow sales by 10 %"
