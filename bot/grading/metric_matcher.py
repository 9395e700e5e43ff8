"""Finding metric terms fast: alternatives grouped by the characters they can start with.

One regex with ~250 alternatives tries every alternative at every word start, which costs a few hundred microseconds
per goal. Grouping the alternatives by their possible first character means each word start tries only the dozen or
so that could match there; the result is the same: at each word start the longest, most literal term wins and
matching resumes after it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from . import regex_tree
from .required import GatedAlternation

_WORD_START = re.compile(r"(?<!\w)\S")


def first_chars(pattern: str) -> set[str] | None:
    """The characters a match of `pattern` can start with, or None when it could start with anything."""
    parsed = regex_tree.parse(pattern)
    return None if parsed is None else _first(list(parsed))


def _first(items: list) -> set[str] | None:
    c = regex_tree.constants
    for op, av in items:
        if op is c.LITERAL:
            return {chr(av)}
        if op is c.IN:
            chars = regex_tree.charset_chars(av, 64)
            return None if chars is None else set(chars)
        if op is c.SUBPATTERN:
            return _first(list(av[-1]))
        if op is c.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                part = _first(list(branch))
                if part is None:
                    return None
                out |= part
            return out
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _, sub = av
            if low == 0:
                return None
            return _first(list(sub))
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue
        return None
    return None


def first_pairs(pattern: str) -> set[str] | None:
    """The two-character beginnings a match of ``pattern`` can have, or None when they are not a short list (the
    second character can be anything, or a match can be one character long)."""
    parsed = regex_tree.parse(pattern)
    if parsed is None:
        return None
    try:
        found = _prefixes(list(parsed.data), 2)
    except _Unbounded:
        return None
    return found if all(len(p) == 2 for p in found) else None


class _Unbounded(Exception):
    """Too many beginnings to list."""


_MAX_PREFIXES = 256


def _prefixes(items: list, depth: int) -> set[str]:
    """Strings of up to ``depth`` characters that every match of ``items`` starts with one of; a shorter string
    means a match can end (or stop being predictable) there."""
    c = regex_tree.constants
    if depth == 0 or not items:
        return {""}
    (op, av), rest = items[0], items[1:]
    if op is c.LITERAL:
        return {chr(av) + p for p in _prefixes(rest, depth - 1)}
    if op is c.IN:
        chars = regex_tree.charset_chars(av, 32)
        if chars is None:
            return {""}
        tails = _prefixes(rest, depth - 1)
        found = {ch + p for ch in chars for p in tails}
    elif op is c.SUBPATTERN:
        found = _prefixes([*av[-1].data, *rest], depth)
    elif op is c.BRANCH:
        found = set().union(*(_prefixes([*alternative.data, *rest], depth) for alternative in av[1]))
    elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, sub = av
        less = high if high == c.MAXREPEAT else high - 1
        again = [(op, (max(low - 1, 0), less, sub))] if less else []
        found = _prefixes([*sub.data, *again, *rest], depth)
        if low == 0:
            found |= _prefixes(rest, depth)
    elif op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return _prefixes(rest, depth)
    else:
        return {""}
    if len(found) > _MAX_PREFIXES:
        raise _Unbounded
    return found


_MAX_REMEMBERED_STARTS = 20_000


def _union(parts: list[str]) -> str:
    return r"(?:" + "|".join(parts) + r")(?!\w)"


class MetricMatcher:
    """Metric terms of one language: yields (start, end, concept id) left to right, without overlaps.

    At each word start only the terms that can begin with its first two characters are tried, in the order of the
    whole list (most literal first), so the term chosen is the one the full list would choose.
    """

    def __init__(self, alternatives: list[tuple[int, str, str]]) -> None:
        by_char: dict[str | None, list[tuple[int, str, str]]] = defaultdict(list)
        for literal, concept, pattern in alternatives:
            chars = first_chars(pattern)
            for ch in chars if chars else [None]:
                by_char[ch].append((literal, concept, pattern))
        self._concepts: dict[str, str] = {}
        self._literal: dict[str, int] = {}
        # By the first two characters of a word start; by its first character alone for what is left: terms whose
        # second character cannot be listed (and word starts whose pair no listed term begins with). Kept as
        # sources and compiled when a text first needs them: a one-off check needs a handful of the hundreds.
        self._pair_sources: dict[str, str] = {}
        self._group_sources: dict[str | None, str] = {}
        self._compiled: dict[str, re.Pattern[str]] = {}
        # What a word start's first two characters lead to (None: no term begins so), remembered per pair.
        self._by_start: dict[str, re.Pattern[str] | None] = {}
        index = 0
        for ch, alts in by_char.items():
            alts.sort(key=lambda a: -a[0])
            named: list[tuple[str, set[str] | None]] = []
            for literal, concept, pattern in alts:
                name = f"m{index}"
                index += 1
                self._concepts[name], self._literal[name] = concept, literal
                pairs = first_pairs(pattern) if ch is not None else None
                named.append((f"(?P<{name}>{pattern})", None if pairs is None else {p for p in pairs if p[0] == ch}))
            for pair in sorted({p for _, pairs in named if pairs for p in pairs}):
                self._pair_sources[pair] = _union([part for part, pairs in named if pairs is None or pair in pairs])
            wild = [part for part, pairs in named if pairs is None]
            if wild:
                self._group_sources[ch] = _union(wild)
        self._group_sources.pop(None, None)
        # Terms that can start with any character (Swedish and Norwegian compounds: "\w*kostnad") are the dearest
        # to try at every word start. Each is tried only in texts holding a string it needs; the few a text calls
        # for are compiled together once and kept (the combinations that occur are few).
        anywhere = by_char.get(None, [])
        for i, (literal, concept, _) in enumerate(anywhere):
            self._concepts[f"a{i}"], self._literal[f"a{i}"] = concept, literal
        self._anywhere = GatedAlternation(
            [f"(?P<a{i}>{pattern})" for i, (_, _, pattern) in enumerate(anywhere)], template=_union(["{}"])
        )

    def _terms_at(self, pair: str) -> re.Pattern[str] | None:
        """The terms a word start beginning with ``pair`` (one character at the end of a text) can begin, compiled
        on first need; None when no term begins so."""
        source = self._pair_sources.get(pair) or self._group_sources.get(pair[0])
        rx = None
        if source is not None:
            rx = self._compiled.get(source)
            if rx is None:
                rx = self._compiled[source] = re.compile(source)
        if len(self._by_start) >= _MAX_REMEMBERED_STARTS:  # arbitrary Unicode must not grow it without bound
            self._by_start.clear()
        self._by_start[pair] = rx
        return rx

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        anywhere = self._anywhere.for_text(text)
        by_start, literal, concepts = self._by_start, self._literal, self._concepts
        pos = 0
        for word in _WORD_START.finditer(text):  # every word start, found in one pass
            start = word.start()
            if start < pos:  # inside the term found last
                continue
            pair = text[start : start + 2]
            here = by_start[pair] if pair in by_start else self._terms_at(pair)
            best = here.match(text, start) if here is not None else None
            if anywhere is not None:
                hit = anywhere.match(text, start)
                if hit and (
                    best is None or (hit.end(), literal[hit.lastgroup]) > (best.end(), literal[best.lastgroup])
                ):
                    best = hit
            if best is not None and best.end() > start:
                yield start, best.end(), concepts[best.lastgroup]
                pos = best.end()
