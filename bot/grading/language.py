"""Telling English, Swedish and Norwegian bokmål apart in a sentence or two.

General-purpose detectors are trained on long texts and confuse Swedish with Norwegian on a short goal. Goals have a
small vocabulary, so a weighted word list (rules/lexicons/languages.yml) plus the letters only one language writes
decides reliably, and costs a few microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

LANGUAGES = ("en", "sv", "nb")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def word_scores(text: str, vocabulary: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for word in _WORD.findall(text):
        weights = vocabulary.get(word)
        if weights is None and "-" in word:
            weights = vocabulary.get(word.split("-")[0])
        if weights:
            for lang, weight in weights.items():
                scores[lang] += weight
    return scores


def language_scores(
    text: str, vocabulary: Mapping[str, Mapping[str, float]], letters: Mapping[str, str]
) -> dict[str, float]:
    """Word weights plus a smaller weight for the letters only one language writes."""
    scores = word_scores(text, vocabulary)
    for lang, chars in letters.items():
        hits = sum(text.count(c) for c in chars)
        if hits:
            scores[lang] += 0.4 + 0.1 * min(hits, 3)
    return scores


def pick_language(scores: Mapping[str, float], default: str = "en") -> str:
    """The best-scoring language; `default` when nothing in the text tells, or when it is among the leaders."""
    best = max(scores.values())
    if best <= 0:
        return default
    leaders = [lang for lang in LANGUAGES if scores[lang] == best]
    return default if default in leaders else leaders[0]


def detect_language(
    text: str,
    vocabulary: Mapping[str, Mapping[str, float]],
    letters: Mapping[str, str],
    default: str = "en",
) -> str:
    """The most likely of en/sv/nb for lower-cased text; `default` when nothing in it tells."""
    return pick_language(language_scores(text, vocabulary, letters), default)
