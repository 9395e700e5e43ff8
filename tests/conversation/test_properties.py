"""Property: an answer changes exactly the fields it mentions, to what it says, and leaves every other field as it
was — whatever question was pending, in whatever order the parts come, in any of the three languages, with or
without filler words and diacritics, and with a plan whose own month and number must stay inside the plan.

Replies are built from parts, each about one field ("vi har typ 30 i månaden nu", "malet ar 45", "innen mars",
"owner <@U0P3>", "om det släpar efter …", "tack!"), and a bare number, which answers the number question asked
(or is the target of a reply with a deadline) and is otherwise left out; hypothesis picks the draft, the pending
question, the parts, their values, their order and how they are joined.
"""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation import CoachState, Directory, coach_turn
from bot.conversation.questions import QUESTION_ORDER
from bot.grading import default_ruleset
from bot.grading.tokens import fold

TODAY = date(2026, 11, 23)
RULES = default_ruleset()
FIELDS = ("metric", "baseline", "target", "deadline", "owner", "plan")

MONTHS = {
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober"],
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"],
}
FILLERS = {
    "sv": ["", "typ ", "ungefär ", "ca "],
    "nb": ["", "ca. ", "omtrent ", "cirka "],
    "en": ["", "about ", "roughly "],
}
BASELINE = {
    "sv": ["vi har {f}{n} i månaden nu", "i dag ligger vi på {f}{n}", "vi ligger pa {f}{n} i manaden nu"],
    "nb": ["vi er på {f}{n} i måneden nå", "i dag har vi {f}{n}", "vi er pa {f}{n} na"],
    "en": ["we're at {f}{n} a month today", "we get {f}{n} a month now", "today we have {f}{n}"],
}
TARGET = {
    "sv": ["målet är {n}", "malet ar {n}", "vi vill nå {n}", "sikta på {n}"],
    "nb": ["målet er {n}", "malet er {n}", "vi vil nå {n}"],
    "en": ["aim for {n}", "the target is {n}", "our goal is {n}"],
}
DEADLINE = {
    "sv": ["senast i {m}", "senast {m}"],
    "nb": ["innen {m}", "innen utgangen av {m}"],
    "en": ["by {m}", "by the end of {m}"],
}
OWNER = {
    "sv": ["ansvarig <@{u}>", "<@{u}> äger det"],
    "nb": ["ansvarlig <@{u}>", "<@{u}> har ansvaret"],
    "en": ["owner <@{u}>", "<@{u}> owns it"],
}
PLAN = {
    "sv": ["om det släpar efter kör vi en kampanj i {m} och lägger {n} kronor på annonser"],
    "nb": ["hvis det henger etter, kjører vi en kampanje i {m} og bruker {n} kroner på annonser"],
    "en": ["if it lags we run a campaign in {m} and put {n} dollars into ads"],
}
NOISE = {"sv": ["tack!", "hmm"], "nb": ["takk!", "hmm"], "en": ["thanks!", "hmm"]}

STARTS = {
    "sv": ["Fler förfrågningar via hemsidan", "Öka bokningar från 30 till 40 i månaden senast juni"],
    "nb": ["Flere henvendelser", "Øke bookinger fra 30 til 40 i måneden innen juni, ansvarlig <@U0START>"],
    "en": ["More bookings", "Grow bookings from 30 to 40 a month by June"],
}


def month_end(month: int) -> date:
    """The deadline "by <month>" means: the month's last day, this year if it is still ahead, else next year."""
    year = TODAY.year if month > TODAY.month else TODAY.year + 1
    return date(year, month, calendar.monthrange(year, month)[1])


@st.composite
def replies(draw):
    language = draw(st.sampled_from(sorted(STARTS)))
    start = draw(st.sampled_from(STARTS[language]))
    pending = draw(st.sampled_from([None, *QUESTION_ORDER]))
    fields = draw(st.lists(st.sampled_from(["baseline", "target", "deadline", "owner", "plan"]), unique=True))
    baseline = draw(st.integers(2, 400))
    target = draw(st.integers(401, 900))  # never today's value: each part is told apart by its words
    month = draw(st.integers(1, 10))
    parts: list[tuple[str, str]] = []
    for field in fields:
        if field == "baseline":
            template = draw(st.sampled_from(BASELINE[language]))
            text = template.format(f=draw(st.sampled_from(FILLERS[language])), n=baseline)
        elif field == "target":
            text = draw(st.sampled_from(TARGET[language])).format(n=target)
        elif field == "deadline":
            text = draw(st.sampled_from(DEADLINE[language])).format(m=MONTHS[language][month - 1])
        elif field == "owner":
            text = draw(st.sampled_from(OWNER[language])).format(u="U0P3")
        else:
            plan_month = MONTHS[language][draw(st.integers(0, 9))]
            text = draw(st.sampled_from(PLAN[language])).format(m=plan_month, n=draw(st.integers(1000, 5000)))
        if draw(st.booleans()):
            text = fold(text)  # typed without å/ä/ö/æ/ø
        parts.append((field, text))
    bare = None
    if "target" not in fields and "baseline" not in fields and draw(st.booleans()):
        bare = draw(st.integers(401, 900))  # a number with no words: it answers the number question asked
        parts.append(("bare", str(bare)))
    if draw(st.booleans()) or not parts:
        parts.insert(draw(st.integers(0, len(parts))), ("noise", draw(st.sampled_from(NOISE[language]))))
    ordered = draw(st.permutations(parts))
    # A plan runs to the end of its sentence, so it ends one ("… i maj. målet är 45").
    text = " ".join(f"{t}." if f == "plan" or draw(st.booleans()) else f"{t}," for f, t in ordered).rstrip(",.")
    expected = {
        "baseline": float(baseline),
        "target": float(target),
        "deadline": month_end(month),
        "owner": "U0P3",
        "plan": next((t for f, t in parts if f == "plan"), None),
    }
    mentioned = {f: expected[f] for f in fields}
    if bare is not None:
        role = {"target": "target", "realistic": "target", "baseline": "baseline"}.get(pending or "")
        role = role or ("target" if "deadline" in fields else None)  # "450 by May" is a small goal of its own
        if role:
            mentioned[role] = float(bare)
    return language, start, pending, text, mentioned


_STATES: dict[str, CoachState] = {}


def started(goal: str) -> CoachState:
    if goal not in _STATES:
        _STATES[goal], _ = coach_turn(CoachState(), goal, today=TODAY, sender="U0ME", rules=RULES)
    return _STATES[goal]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies())
def test_an_answer_changes_what_it_mentions_and_nothing_else(case) -> None:
    language, goal, pending, text, mentioned = case
    state = started(goal).with_changes(pending=pending)
    before = state.draft
    after_state, reply = coach_turn(state, text, today=TODAY, sender="U0ME", rules=RULES)
    if reply.kind == "lookup":  # a word to look up as a name ("thanks!" where the owner was asked): nobody has it
        after_state, reply = coach_turn(state, text, today=TODAY, sender="U0ME", rules=RULES, people=Directory(()))
        assert reply.not_found is None, text
    after = after_state.draft
    for field in FIELDS:
        if field in mentioned:
            got = getattr(after, field)
            want = mentioned[field]
            if field == "plan":
                assert got is not None and fold(got.rstrip(".").lower()) == fold(want.lower()), (text, got)
            else:
                assert got == want, (field, text, got)
        else:
            assert getattr(after, field) == getattr(before, field), (field, text, getattr(after, field))
    assert reply.language == language
