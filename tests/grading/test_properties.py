"""Whatever people paste, the grader answers with a whole verdict and never raises."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.grading import grade_goal

CONTRACT = {
    "text",
    "language",
    "level",
    "level_name",
    "funnel_stage",
    "conversion",
    "smart",
    "score",
    "grade",
    "findings",
}
SLACK_BITS = st.sampled_from(
    [
        "<@U123ABC>",
        "<#C1|general>",
        "<https://x.example|label>",
        "<!here>",
        "<!channel>",
        ":fire:",
        "*bold*",
        "_it_",
        "&amp;",
        "&lt;",
        "10,000",
        "1,5 %",
        "2 MSEK",
        "Q3 2027",
        "från 10 till 20",
        "fördubbla",
        "per uke",
        "innen mars",
        "räckvidden",
        "bookings",
        "3 :",
        "<",
        ">",
        "<@",
        "<!date^1392734382^{date}|Feb 18>",
        "\u00a0",
        "\u0301",
        "İ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(SLACK_BITS, st.text(max_size=20)), max_size=40).map(" ".join),
)


def check(result: dict) -> None:
    assert result.keys() >= CONTRACT
    assert 0 <= result["score"] <= 100
    assert result["grade"] in "ABCDEF"
    assert result["language"] in ("en", "sv", "nb")
    assert result["level"] in (None, 1, 2, 3, 4, 5)
    assert set(result["smart"]) == {"specific", "measurable", "achievable", "relevant", "time_bound"}
    for f in result["findings"]:
        assert f["severity"] in ("error", "warning", "info") and f["message"] and f["suggestion"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_any_text_gets_a_whole_verdict(text, today):
    check(grade_goal(text, today=today).to_dict())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(st.sampled_from(["x", "räckvidd ", "<@U1> ", "10 000 ", "🙂", "by june 30 ", "a" * 999]), st.integers(1, 5))
def test_hundred_kilobyte_texts(unit, scale):
    text = (unit * (100_000 // len(unit) + 1))[: 100_000 * scale // 5 + 1]
    check(grade_goal(text).to_dict())
