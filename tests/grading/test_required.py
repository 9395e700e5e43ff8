"""Skipping a search because the text lacks every required string must never skip a match."""

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading.normalise import normalise
from bot.grading.required import GatedAlternation, holds_any, required_by_all, required_strings
from bot.grading.ruleset import default_ruleset

HOLDOUT = Path(__file__).with_name("goals_holdout.yml")
GOALS = [normalise(g["text"])[0] for g in yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))["goals"]]


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"industry (?:average|benchmarks?)", {"industry "}),
        (r"(?:national|global) (?:average|benchmarks?)", {"average", "benchmark"}),
        (r"\w*branschsnitt\w*", {"branschsnitt"}),
        (r"(?:video|film)?visning\w* (?:till|hela vägen till) slutet", {"visning"}),
        (r"(?:link )?clicks? on", {"click"}),
        (r"leads?", {"lead"}),
        (r"a|bc", None),  # too short to be worth an `in`
        (r"(?:x|)yz\w+", {"yz"}),
        (r"(?:x|)y\w+", None),
        (r"(?i:sales)", None),  # case-insensitive literals prove nothing about lower-cased text
        (r"\d+ %", {" %"}),
        (r"\d+%", None),
    ],
)
def test_required_strings(pattern, needs):
    assert required_strings(pattern) == (frozenset(needs) if needs is not None else None)


def test_a_set_keeps_only_its_shortest_forms():
    assert required_strings(r"(?:visits?|visitors?|orders?) now") == {"visit", "order"}
    assert required_by_all([r"visits?", r"visitors?", r"orders?"]) == {"visit", "order"}
    assert required_by_all([r"visits?", r"\d+"]) is None


def _all_patterns() -> list[str]:
    rules = default_ruleset()
    patterns = [p for lang in ("en", "sv", "nb") for _, _, p in rules.metric_alternatives[lang]]
    patterns += [t.regex.pattern for t in rules.terms.values()]
    return patterns


PATTERNS = _all_patterns()


def test_no_pattern_of_the_rules_matches_a_goal_without_its_required_strings():
    for pattern in PATTERNS:
        rx, needs = re.compile(pattern), required_strings(pattern)
        for text in GOALS:
            if rx.search(text):
                assert holds_any(text, needs), (pattern, text)


WORDS = sorted({w for text in GOALS for w in text.split()})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join), st.sampled_from(PATTERNS))
def test_required_strings_hold_on_random_goal_words(text, pattern):
    if re.search(pattern, text):
        assert holds_any(text, required_strings(pattern))


def _full(parts: list[str], template: str) -> re.Pattern[str]:
    return re.compile(template.format("|".join(parts)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join))
def test_gated_alternation_agrees_with_the_whole_alternation(text):
    parts = [r"\w*kostnad\w*", r"(?:online |)sales", r"leads?", r"\d+ %", r"bokning\w*"]
    gated = GatedAlternation(parts, template=r"(?<!\w)(?:{})(?!\w)")
    found, expected = gated.search(text), _full(parts, r"(?<!\w)(?:{})(?!\w)").search(text)
    assert (found and found.span()) == (expected and expected.span())
