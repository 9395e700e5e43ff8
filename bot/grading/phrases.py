r"""Lexicon phrases: a small pattern language over tokens, and the matcher that finds them in a goal.

The lexicon names metrics and cue words as phrases of whole words, so the matcher works on tokens (see ``tokens``)
and looks words up in dicts instead of running regular expressions over the text. A phrase is a sequence of items
separated by spaces:

    sales            a word (also found typed without å/ä/ö/æ/ø, or with a small typo when it is long)
    booking*         a word that starts so (a stem: bookings, bookingen)
    *räckvidd*       a word that holds it (a compound: instagramräckvidden); *följare: a word that ends so
    #                a number, with its scale word if one follows (10k, 1,2 millioner)
    ~                any one word (not a number);  ~3: up to three words
    (a|b c)          one of the alternatives;  [a|b c]: the same, optional
    !(to action)     not followed by this here (matches nothing itself)
    %  /  +          the symbol itself;  \(  a symbol that is also syntax

At each token the phrases that can start there are tried (they are indexed by their possible first words); the
longest match wins, so ``cost per lead`` beats ``cost``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

ANY = "~"
NUMBER = "#"


class PhraseError(ValueError):
    """A phrase that does not parse; the message says where."""


class TokenLike(Protocol):
    kind: str
    keys: frozenset[str]


# A compiled item: given the tokens and a position, the positions where a match of it can end.
Matcher = Callable[[Sequence[TokenLike], int], list[int]]

_ITEM = re.compile(
    r"\s*(?:(?P<open>[(\[])|(?P<close>[)\]])|(?P<bar>\|)|(?P<not>!)|(?P<gap>~[0-9]?)|(?P<atom>\\.|[^\s()\[\]|!~]+))"
)
_WORD = re.compile(r"[^\W_]+(?:['.-][^\W_]+)*\.?")
_SYMBOLS = {"%", "/", "+", "-", ":", "$", "€", "£", "&", ".", ",", ">", "<", "=", "->", "→", "≥", "≤", "#"}


@dataclass(frozen=True)
class Node:
    """A parsed item: kind is atom, seq, alt, opt, not or gap; ``value`` a key, a gap length or child nodes."""

    kind: str
    value: object

    @property
    def children(self) -> tuple[Node, ...]:
        if isinstance(self.value, Node):
            return (self.value,)
        return self.value if isinstance(self.value, tuple) else ()


def atom_key(spelling: str) -> str:
    """The key a written atom stands for: w:word, p:stem, s:tail, c:part, or the number mark."""
    if spelling == NUMBER:
        return NUMBER
    if len(spelling) > 2 and spelling.startswith("*") and spelling.endswith("*"):
        return "c:" + spelling[1:-1]
    if len(spelling) > 1 and spelling.startswith("*"):
        return "s:" + spelling[1:]
    if len(spelling) > 1 and spelling.endswith("*"):
        return "p:" + spelling[:-1]
    return "w:" + spelling


def _atom(spelling: str) -> Node:
    """A written word; hyphens inside it split it as the tokeniser does ("e-mail" is e, mail)."""
    word = spelling.strip("*")
    if "*" in word:
        raise PhraseError(f"'*' only at the start or end of a word: {spelling!r}")
    if not word and spelling != NUMBER:
        raise PhraseError(f"a word is missing around {spelling!r}")
    if spelling not in _SYMBOLS and not _WORD.fullmatch(word):
        raise PhraseError(
            f"{spelling!r} is not a word: phrases are words, not regular expressions "
            "(write (card|cards) for cards?, card* for card\\w*)"
        )
    parts = spelling.split("-") if re.search(r"\w-\w", spelling) else [spelling]
    if len(parts) == 1:
        return Node("atom", atom_key(spelling))
    return Node("seq", tuple(Node("atom", atom_key(p)) for p in parts))


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items = [m for m in _ITEM.finditer(source) if m.lastgroup]
        end = self.items[-1].end() if self.items else 0
        if source[end:].strip():
            raise PhraseError(f"cannot read {source[end:].strip()!r} in {source!r}")
        self.at = 0

    def peek(self) -> str | None:
        return self.items[self.at].lastgroup if self.at < len(self.items) else None

    def take(self) -> re.Match[str]:
        item = self.items[self.at]
        self.at += 1
        return item

    def alternatives(self) -> Node:
        options = [self.sequence()]
        while self.peek() == "bar":
            self.take()
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Node("alt", tuple(options))

    def sequence(self) -> Node:
        parts: list[Node] = []
        while self.peek() not in (None, "close", "bar"):
            parts.append(self.item())
        if not parts:
            raise PhraseError(f"an empty alternative in {self.source!r}")
        return parts[0] if len(parts) == 1 else Node("seq", tuple(parts))

    def item(self) -> Node:
        m = self.take()
        kind = m.lastgroup
        if kind == "open":
            inner = self.alternatives()
            if self.peek() != "close":
                raise PhraseError(f"unclosed {m.group('open')!r} in {self.source!r}")
            close = self.take().group("close")
            if (m.group("open"), close) not in (("(", ")"), ("[", "]")):
                raise PhraseError(f"{m.group('open')!r} closed by {close!r} in {self.source!r}")
            return Node("opt", inner) if close == "]" else inner
        if kind == "not":
            if self.peek() in (None, "close", "bar"):
                raise PhraseError(f"'!' needs an item after it in {self.source!r}")
            return Node("not", self.item())
        if kind == "gap":
            text = m.group("gap")
            return Node("gap", int(text[1:]) if len(text) > 1 else 0)
        if kind == "atom":
            spelling = m.group("atom")
            return Node("atom", "w:" + spelling[1]) if spelling.startswith("\\") else _atom(spelling)
        raise PhraseError(f"unexpected {m.group(0).strip()!r} in {self.source!r}")


def parse(source: str) -> Node:
    """The phrase as a tree; PhraseError with the reason when it is malformed."""
    parser = _Parser(source.strip().lower())
    if not parser.items:
        raise PhraseError("an empty phrase")
    node = parser.alternatives()
    if parser.at != len(parser.items):
        raise PhraseError(f"unbalanced ')' or ']' in {source!r}")
    if nullable(node):
        raise PhraseError(f"the phrase can match nothing at all: {source!r}")
    return node


def nullable(node: Node) -> bool:
    if node.kind in ("opt", "not"):
        return True
    if node.kind == "gap":
        return node.value != 0
    if node.kind == "seq":
        return all(nullable(c) for c in node.children)
    if node.kind == "alt":
        return any(nullable(c) for c in node.children)
    return False


def first_keys(node: Node) -> set[str]:
    """Keys a match can start with; ANY when it can start with any word."""
    if node.kind == "atom":
        return {str(node.value)}
    if node.kind == "gap":
        return {ANY}
    if node.kind in ("opt", "not"):
        return first_keys(node.children[0]) if node.kind == "opt" else set()
    if node.kind == "alt":
        return set().union(*(first_keys(c) for c in node.children))
    keys: set[str] = set()
    for child in node.children:
        keys |= first_keys(child)
        if not nullable(child):
            break
    return keys


def atom_keys(node: Node) -> Iterable[str]:
    """Every key the phrase mentions, to build the word index and check the lexicon."""
    if node.kind == "atom":
        yield str(node.value)
    for child in node.children:
        yield from atom_keys(child)


def literal_weight(node: Node) -> int:
    """How much the phrase spells out: more literal text means a more specific phrase (breaks ties)."""
    if node.kind == "atom":
        key = str(node.value)
        return len(key) - 2 if ":" in key else 1
    if node.kind == "alt":
        return min(literal_weight(c) for c in node.children)
    if node.kind == "seq":
        return sum(literal_weight(c) for c in node.children)
    return 0


def _is_word(token: TokenLike) -> bool:
    return token.kind == "word"


def compile_node(node: Node, scale_words: frozenset[str]) -> Matcher:
    """A function from (tokens, position) to the sorted positions where a match can end."""
    kind = node.kind
    if kind == "atom":
        key = str(node.value)
        if key == NUMBER:

            def number(tokens: Sequence[TokenLike], i: int) -> list[int]:
                if i >= len(tokens) or tokens[i].kind != "num":
                    return []
                if i + 1 < len(tokens) and not scale_words.isdisjoint(tokens[i + 1].keys):
                    return [i + 1, i + 2]
                return [i + 1]

            return number

        def atom(tokens: Sequence[TokenLike], i: int) -> list[int]:
            return [i + 1] if i < len(tokens) and key in tokens[i].keys else []

        return atom
    if kind == "gap":
        most = int(node.value) if node.value else 1  # type: ignore[call-overload]
        least = 0 if node.value else 1

        def gap(tokens: Sequence[TokenLike], i: int) -> list[int]:
            ends = [i] if least == 0 else []
            j = i
            while j < len(tokens) and j - i < most and _is_word(tokens[j]):
                j += 1
                ends.append(j)
            return ends

        return gap
    if kind == "opt":
        inner = compile_node(node.children[0], scale_words)
        return lambda tokens, i: sorted({i, *inner(tokens, i)})
    if kind == "not":
        inner = compile_node(node.children[0], scale_words)
        return lambda tokens, i: [] if inner(tokens, i) else [i]
    parts = [compile_node(c, scale_words) for c in node.children]
    if kind == "alt":

        def alt(tokens: Sequence[TokenLike], i: int) -> list[int]:
            ends: set[int] = set()
            for part in parts:
                ends.update(part(tokens, i))
            return sorted(ends)

        return alt

    def seq(tokens: Sequence[TokenLike], i: int) -> list[int]:
        positions = [i]
        for part in parts:
            following: set[int] = set()
            for p in positions:
                following.update(part(tokens, p))
            if not following:
                return []
            positions = sorted(following)
        return positions

    return seq


@dataclass(frozen=True)
class Phrase:
    """One lexicon phrase, compiled: what it names (a concept or list name), in which language, how specific."""

    label: str
    language: str
    source: str
    match: Matcher
    weight: int
    order: int


@dataclass(frozen=True)
class Found:
    """A phrase found in the tokens: tokens[start:end] matched it."""

    start: int
    end: int
    phrase: Phrase

    @property
    def label(self) -> str:
        return self.phrase.label


class PhraseIndex:
    """Phrases indexed by the keys they can start with: a token only tries the few phrases that could begin there."""

    def __init__(self, phrases: Iterable[tuple[str, str, str, Node]], scale_words: frozenset[str]) -> None:
        self._by_key: dict[str, list[Phrase]] = {}
        self._anywhere: list[Phrase] = []
        for order, (label, language, source, node) in enumerate(phrases):
            phrase = Phrase(label, language, source, compile_node(node, scale_words), literal_weight(node), order)
            for key in first_keys(node):
                if key == ANY:
                    self._anywhere.append(phrase)
                else:
                    self._by_key.setdefault(key, []).append(phrase)

    def _candidates(self, token: TokenLike) -> list[Phrase]:
        found = list(self._anywhere)
        by_key = self._by_key
        for key in token.keys:
            more = by_key.get(key)
            if more:
                found += more
        if token.kind == "num":
            found += by_key.get(NUMBER, ())
        return found

    def _at(self, tokens: Sequence[TokenLike], i: int, prefer: str | None, only: str | None = None) -> list[Found]:
        out = []
        for phrase in self._candidates(tokens[i]):
            if only is not None and phrase.language != only:
                continue
            ends = phrase.match(tokens, i)
            if ends and ends[-1] > i:
                out.append(Found(i, ends[-1], phrase))
        if len(out) > 1:
            out.sort(key=lambda f: (-f.end, f.phrase.language != prefer, -f.phrase.weight, f.phrase.order))
        return out

    def scan(
        self,
        tokens: Sequence[TokenLike],
        *,
        prefer: str | None = None,
        only: str | None = None,
        skip: tuple[int, int] | None = None,
    ) -> list[Found]:
        """Left to right without overlaps: at each token the longest phrase (then the preferred language, then the
        more literal phrase, then the one listed first); scanning resumes after it. ``only`` keeps to the phrases of
        one language."""
        out: list[Found] = []
        i = 0
        while i < len(tokens):
            if skip and skip[0] <= i < skip[1]:
                i = skip[1]
                continue
            here = self._at(tokens, i, prefer, only)
            if here and not (skip and here[0].end > skip[0] and i < skip[0]):
                out.append(here[0])
                i = here[0].end
            else:
                i += 1
        return out

    def every(self, tokens: Sequence[TokenLike]) -> dict[str, list[Found]]:
        """Every label's longest match at every token, overlaps between labels allowed (yes/no questions)."""
        out: dict[str, list[Found]] = {}
        for i in range(len(tokens)):
            seen: set[str] = set()
            for found in self._at(tokens, i, None):
                if found.label not in seen:
                    seen.add(found.label)
                    out.setdefault(found.label, []).append(found)
        return out
