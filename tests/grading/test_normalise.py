import pytest

from bot.grading import grade_goal
from bot.grading.normalise import MAX_INPUT_CHARS, normalise


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Get <@U123ABC> 40 bookings", "get 40 bookings"),
        ("Post in <#C42|marketing> daily", "post in daily"),
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


def test_input_beyond_the_limit_is_not_read():
    assert len(normalise("sales " * 50_000)[0]) <= MAX_INPUT_CHARS


def test_emoji_codes_are_never_numbers():
    assert normalise(":rocket: :100: :1234: :+1:")[0] == ""
    a = grade_goal(":rocket: :rocket: :100:")
    assert a.target is None and not a.smart["measurable"]


def test_a_long_message_is_graded_on_the_sentence_that_states_the_goal_and_says_so():
    filler = "We had a lovely team lunch and talked about the new shop front and the weather. " * 60
    goal = "Our goal: get 40 new members a month at the gym by June."
    a = grade_goal(filler + goal)
    assert a.metric == "new-customers" and a.target == 40 and a.deadline is not None
    assert a.left_out_chars > 4000 and a.graded_text is not None and "40 new members" in a.graded_text
    short = grade_goal(goal)
    assert short.left_out_chars == 0 and short.graded_text is None


def test_typographic_dashes_and_quotes_become_plain_and_any_whitespace_one_space():
    text = "Öka  bokningarna\u00a0från 20–35 \u2014 “nu”\tper\u2009månad’s\n"
    assert normalise(text)[0] == 'öka bokningarna från 20-35 - "nu" per månad\'s'
    assert normalise("Grow   sales\tby 10 %  ")[0] == "grow sales by 10 %"
