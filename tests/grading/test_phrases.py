"""The phrase language of the lexicons and the automaton that matches it, held to a plain reference matcher."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading import default_ruleset
from bot.grading.phrases import NUMBER, Node, PhraseError, PhraseIndex, parse
from bot.grading.tokens import Token

SCALES = frozenset({"w:k"})


def word(text: str, *keys: str) -> Token:
    return Token("word", text, 0, 0, frozenset({"w:" + text, *keys}), text)


def number(text: str) -> Token:
    return Token("num", text, 0, 0, frozenset({"w:" + text}), text)


def ends(node: Node, tokens: list[Token], i: int) -> set[int]:
    """Where a match of ``node`` starting at ``i`` can end: the meaning of the phrase language, written plainly."""
    kind = node.kind
    if kind == "atom":
        if node.value == NUMBER:
            if i < len(tokens) and tokens[i].kind == "num":
                scaled = i + 1 < len(tokens) and not SCALES.isdisjoint(tokens[i + 1].keys)
                return {i + 1, i + 2} if scaled else {i + 1}
            return set()
        return {i + 1} if i < len(tokens) and node.value in tokens[i].keys else set()
    if kind == "gap":
        most, least = (int(node.value), 0) if node.value else (1, 1)  # type: ignore[call-overload]
        out, j = ({i} if least == 0 else set()), i
        while j < len(tokens) and j - i < most and tokens[j].kind == "word":
            j += 1
            out.add(j)
        return out
    if kind == "opt":
        return {i} | ends(node.children[0], tokens, i)
    if kind == "not":
        return set() if ends(node.children[0], tokens, i) else {i}
    if kind == "alt":
        return set().union(*(ends(c, tokens, i) for c in node.children))
    positions = {i}
    for child in node.children:
        positions = set().union(*(ends(child, tokens, p) for p in positions)) if positions else set()
    return positions


def reference(phrases: list[str], tokens: list[Token]) -> set[tuple[int, int, str]]:
    out = set()
    for source in phrases:
        node = parse(source)
        for i in range(len(tokens)):
            found = [e for e in ends(node, tokens, i) if e > i]
            if found:
                out.add((i, max(found), source))
    return out


def automaton(phrases: list[str], tokens: list[Token]) -> set[tuple[int, int, str]]:
    index = PhraseIndex([(p, "en", True, parse(p)) for p in phrases], SCALES)
    return {(f.start, f.end, f.label) for found in index.find(tokens).at.values() for f in found}


PHRASES = [
    "cost per lead",
    "cost ~3 per (lead|call)",
    "[online] sales !(team|call)",
    "(reach|get) [more] # (people|customers)",
    "calls !(to action)",
    "per month",
    "a b [c] d",
    "b c",
    "k",
    "x ~ y",
    "(a|a b) c",
]
WORDS = ["cost", "per", "lead", "call", "online", "sales", "team", "reach", "get", "more", "people", "customers",
         "calls", "to", "action", "month", "a", "b", "c", "d", "k", "x", "y"]  # fmt: skip
TOKEN = st.one_of(st.sampled_from(WORDS).map(word), st.sampled_from(["10", "250"]).map(number))


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKEN, max_size=12), st.lists(st.sampled_from(PHRASES), min_size=1, max_size=6, unique=True))
def test_the_automaton_finds_what_the_phrase_language_means(tokens, phrases):
    assert automaton(phrases, tokens) == reference(phrases, tokens)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("cards?", "not a word"),
        ("klick\\w*", "not a word"),
        ("(unclosed", "unclosed"),
        ("a) b", "unbalanced"),
        ("[a]", "can match nothing"),
        ("~3 sales", "cannot start with '~'"),
        ("!(x) sales", "cannot start with '!'"),
        ("a**b", "'*' only at the start or end"),
    ],
)
def test_a_malformed_phrase_says_why(source, problem):
    with pytest.raises(PhraseError, match=problem.replace("(", r"\(").replace("*", r"\*")):
        parse(source)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("försäljningen i butiken", "sales"),  # a compound part
        ("forsaljningen i butiken", "sales"),  # typed without å/ä/ö
        ("instagramräckvidden", "reach"),  # a compound with the part inside
        ("bokningarna", "bookings"),  # a stem
        ("increse online sales", "sales"),
        ("omsetnignen på kafeen", "sales"),  # a swapped pair of letters in a long word
        ("bestilinger i nettbutikken", "orders"),  # a letter missing
        ("qoute requests", "enquiries"),  # two letters swapped in a five-letter word
        ("e-mail sign-ups", "newsletter"),  # hyphens split words as in the phrases
    ],
)
def test_words_are_found_as_people_type_them(text, concept):
    from bot.grading.reading import Reading

    rules = default_ruleset()
    assert concept in [m.concept for m in Reading(text, rules.lexicon).metrics()]


@pytest.mark.parametrize("text", ["likes", "cells", "lives", "ordered"])
def test_short_words_are_not_corrected_into_metrics_they_are_not(text):
    from bot.grading.reading import Reading

    rules = default_ruleset()
    reading = Reading(f"{text} in the shop", rules.lexicon)
    assert not [t for t in reading.tokens if t.corrected]
