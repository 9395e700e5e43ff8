import pytest

from bot.grading import grade_goal

CASES = {
    "en": [
        "Get more bookings",
        "Reach 50,000 people in Västerås during May",
        "more likes pls",
        "Double sales",
        "Grow repeat customers in Tromsø",
        "Lower CPC",
        "Increase footfall to the Umeå store by 10 %",
    ],
    "sv": [
        "Fler följare",
        "Öka försäljningen",
        "Bli mer synliga i sociala medier",
        "fler kunder!",
        "Sänka kostnaden per klick",
        "Få fler bokningar i salongen",
        "Höja snittordern i webbutiken",
    ],
    "nb": [
        "Flere likes og delinger på Instagram",
        "Øke salget",
        "Bli bedre på markedsføring",
        "flere kunder!",
        "Doble antall påmeldinger",
        "Få flere bookinger i salongen",
        "Redusere kostnad per lead",
    ],
}


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, texts in CASES.items() for t in texts])
def test_detects_language(lang, text):
    assert grade_goal(text).language == lang


def test_override_wins():
    a = grade_goal("Get more bookings", language="sv")
    assert a.language == "sv" and a.findings[0].message != grade_goal("Get more bookings").findings[0].message


def test_messages_in_goal_language():
    a = grade_goal("Øke rekkevidden på Facebook til 80 000 personer")
    assert a.language == "nb"
    assert any("rekkevidde" in f.message.lower() for f in a.findings)
