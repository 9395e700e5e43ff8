"""The metric matcher's shortcuts (first-pair dispatch, compounds tried only when their stem is in the text) must
choose exactly what trying every term at every word start would choose."""

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading.metric_matcher import MetricMatcher, first_chars, first_pairs
from bot.grading.normalise import normalise
from bot.grading.ruleset import default_ruleset

HOLDOUT = Path(__file__).with_name("goals_holdout.yml")
GOALS = [normalise(g["text"])[0] for g in yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))["goals"]]
RULES = default_ruleset()
LANGUAGES = ("en", "sv", "nb")
_WORD_START = re.compile(r"(?<!\w)\S")


def reference(alternatives: list[tuple[int, str, str]], text: str) -> list[tuple[int, int, str]]:
    """The definition: at each word start, the first term (most literal first) among those that can begin with
    its character, and the first among those that can begin anywhere; the longer (then more literal) wins."""
    ordered = sorted(alternatives, key=lambda a: -a[0])
    compiled = [(literal, concept, re.compile(f"(?:{pattern})(?!\\w)"), first_chars(pattern))
                for literal, concept, pattern in ordered]  # fmt: skip
    found, pos = [], 0
    while pos < len(text):
        m = _WORD_START.search(text, pos)
        if m is None:
            break
        start, best = m.start(), None
        for anywhere in (False, True):
            for literal, concept, rx, chars in compiled:
                if (chars is None) != anywhere or (chars is not None and text[start] not in chars):
                    continue
                hit = rx.match(text, start)
                if hit:
                    if best is None or (hit.end(), literal) > (best[0], best[1]):
                        best = (hit.end(), literal, concept)
                    break
        if best is not None and best[0] > start:
            found.append((start, best[0], best[2]))
            pos = best[0]
        else:
            pos = start + 1
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_matcher_chooses_what_every_term_at_every_word_start_would(language):
    alternatives = RULES.metric_alternatives[language]
    matcher = MetricMatcher(alternatives)
    for text in GOALS:
        assert list(matcher.finditer(text)) == reference(alternatives, text), text


TERM_WORDS = sorted(
    {w for lang in LANGUAGES for _, _, p in RULES.metric_alternatives[lang] for w in re.findall(r"[^\W\d_]{3,}", p)}
)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(LANGUAGES),
    st.lists(st.sampled_from([*TERM_WORDS, "annons", "webb", "nya", "new", "-", "10", "per"]), max_size=7),
    st.sampled_from(["", " ", " ", "s"]),
)
def test_matcher_agrees_with_the_definition_on_random_term_words(language, words, joiner):
    text = joiner.join(words)
    alternatives = RULES.metric_alternatives[language]
    assert list(RULES.metric_matcher(language).finditer(text)) == reference(alternatives, text)


@pytest.mark.parametrize(
    ("pattern", "pairs"),
    [
        ("sales", {"sa"}),
        ("(?:online |web ?)?sales", {"on", "we", "sa"}),
        ("[ck]licks?", {"cl", "kl"}),
        ("x", None),  # a one-character match
        (r"s\w*", None),  # the second character can be anything
    ],
)
def test_first_pairs(pattern, pairs):
    assert first_pairs(pattern) == pairs
