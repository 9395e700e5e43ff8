"""A goal text as tokens: words, numbers and symbols, read once and looked up in the lexicon's word index.

Each word token carries the lexicon keys it stands for (``keys``: exact words, stems, compounds, found directly, with
å/ä/ö/æ/ø folded, or through a typo correction) and its reading form (``read``: the word as the lexicon spells it, so
"manad" reads "månad" and "decmber" reads "december"), from which the date reader's text is built. Hyphens inside a
word split it ("e-mail" is e + mail) so that a phrase written with spaces also finds the hyphenated spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

_TOKEN = re.compile(
    r"(?P<num>[0-9]{1,3}(?:[ ,.][0-9]{3})+(?![0-9])|[0-9]+(?:[.,][0-9]+)?)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)"
    r"|(?P<sym>->|[^\w\s])"
)
FOLD = str.maketrans("åäöøæéèëüáàóôíñç", "aaooaeeeuaaooinc")


def fold(text: str) -> str:
    """Diacritics dropped one letter for one letter, so positions in the text stay the same."""
    return text.translate(FOLD)


class WordInfo(Protocol):
    keys: frozenset[str]
    read: str
    languages: dict[str, float]
    corrected: bool
    folded: bool


@dataclass(slots=True)
class Token:
    kind: str  # word | num | sym
    text: str  # as written, lower-cased
    start: int  # in the normalised text
    end: int
    keys: frozenset[str] = frozenset()
    read: str = ""  # the reading form: as the lexicon spells the word
    languages: dict[str, float] = field(default_factory=dict)
    corrected: bool = False
    folded: bool = False


class WordIndex(Protocol):
    literal_numbers: frozenset[str]

    def word(self, text: str) -> WordInfo: ...


_NONE: frozenset[str] = frozenset()
_SYMBOL_KEYS: dict[str, frozenset[str]] = {}


def tokenise(text: str, index: WordIndex) -> list[Token]:
    """Tokens of lower-cased, normalised text. A hyphen between two letters joins a word and is not a token.

    A number's only key is its digits when a phrase spells them out ("24 / 7"); every other number shares one empty
    key set, so the phrase automaton remembers one move for all of them."""
    out: list[Token] = []
    word, literal_numbers = index.word, index.literal_numbers
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        raw = m.group()
        start, end = m.span()
        if kind == "word":
            info = word(raw)
            out.append(
                Token("word", raw, start, end, info.keys, info.read, info.languages, info.corrected, info.folded)
            )
        elif kind == "num":
            out.append(Token("num", raw, start, end, frozenset({"w:" + raw}) if raw in literal_numbers else _NONE, raw))
        else:
            if raw == "-" and start > 0 and end < len(text) and text[start - 1].isalpha() and text[end].isalpha():
                continue
            keys = _SYMBOL_KEYS.get(raw)
            if keys is None:
                keys = _SYMBOL_KEYS[raw] = frozenset({"w:" + raw}) if len(_SYMBOL_KEYS) < 1000 else frozenset()
            out.append(Token("sym", raw, start, end, keys, raw))
    return out


def reading_text(text: str, tokens: list[Token]) -> tuple[str, list[tuple[int, int]]]:
    """The text with every word in its reading form, and each token's span in it (for the date reader)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    at = length = 0
    for t in tokens:
        gap = text[at : t.start]
        parts.append(gap)
        length += len(gap)
        parts.append(t.read)
        spans.append((length, length + len(t.read)))
        length += len(t.read)
        at = t.end
    parts.append(text[at:])
    return "".join(parts), spans
