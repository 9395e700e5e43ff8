"""Telling English, Swedish and Norwegian bokmål apart in a sentence or two.

General-purpose detectors are trained on long texts and confuse Swedish with Norwegian on a short goal. Goals have a
small vocabulary, so the words themselves decide: each word the lexicons know counts for the languages that use it
(a word of several languages splits its weight, so English jargon in a Swedish sentence weighs little), and the
letters only one language writes add a smaller weight.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .tokens import Token

LANGUAGES = ("en", "sv", "nb")


def language_scores(tokens: Iterable[Token], text: str, letters: Mapping[str, str]) -> dict[str, float]:
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for token in tokens:
        for lang, weight in token.languages.items():
            scores[lang] += weight
    for lang, chars in letters.items():
        hits = sum(text.count(c) for c in chars)
        if hits:
            scores[lang] += 0.4 + 0.1 * min(hits, 3)
    return scores


def pick_language(scores: Mapping[str, float], default: str = "en") -> str:
    """The best-scoring language; ``default`` when nothing in the text tells, or when it is among the leaders."""
    best = max(scores.values())
    if best <= 0:
        return default
    leaders = [lang for lang in LANGUAGES if scores[lang] == best]
    return default if default in leaders else leaders[0]
