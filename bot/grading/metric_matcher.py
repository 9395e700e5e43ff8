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

from .required import holds_any, required_by_all

try:  # Python 3.11+: the regex parser is private but stable; without it every term is tried everywhere.
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover
    _sre_parser = None
    _sre_constants = None

_WORD_START = re.compile(r"(?<!\w)\S")


def first_chars(pattern: str) -> set[str] | None:
    """The characters a match of `pattern` can start with, or None when it could start with anything."""
    if _sre_parser is None:
        return None
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return None
    return _first(list(parsed))


def _first(items: list) -> set[str] | None:
    c = _sre_constants
    for op, av in items:
        if op is c.LITERAL:
            return {chr(av)}
        if op is c.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is c.LITERAL:
                    chars.add(chr(value))
                elif kind is c.RANGE and value[1] - value[0] < 64:
                    chars.update(chr(v) for v in range(value[0], value[1] + 1))
                else:
                    return None
            return chars
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


class MetricMatcher:
    """Metric terms of one language: yields (start, end, concept id) left to right, without overlaps."""

    def __init__(self, alternatives: list[tuple[int, str, str]]) -> None:
        by_char: dict[str | None, list[tuple[int, str, str]]] = defaultdict(list)
        for literal, concept, pattern in alternatives:
            chars = first_chars(pattern)
            for ch in chars if chars else [None]:
                by_char[ch].append((literal, concept, pattern))
        self._concepts: dict[str, str] = {}
        self._literal: dict[str, int] = {}
        self._groups: dict[str | None, re.Pattern[str]] = {}
        index = 0
        for ch, alts in by_char.items():
            alts.sort(key=lambda a: -a[0])
            parts = []
            for literal, concept, pattern in alts:
                name = f"m{index}"
                index += 1
                self._concepts[name], self._literal[name] = concept, literal
                parts.append(f"(?P<{name}>{pattern})")
            self._groups[ch] = re.compile(r"(?:" + "|".join(parts) + r")(?!\w)")
        self._anywhere = self._groups.pop(None, None)
        # Terms that can start with any character (Swedish and Norwegian compounds: "\w*kostnad") are tried only
        # in texts holding a run of characters each of them needs.
        self._anywhere_needs = required_by_all(pattern for _, _, pattern in by_char.get(None, []))

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        pos, end_of_text = 0, len(text)
        anywhere = self._anywhere
        if anywhere is not None and not holds_any(text, self._anywhere_needs):
            anywhere = None
        while pos < end_of_text:
            m = _WORD_START.search(text, pos)
            if m is None:
                return
            start = m.start()
            best = None
            for rx in (self._groups.get(text[start]), anywhere):
                if rx is None:
                    continue
                hit = rx.match(text, start)
                if hit and (
                    best is None
                    or (hit.end(), self._literal[hit.lastgroup]) > (best.end(), self._literal[best.lastgroup])
                ):
                    best = hit
            if best is not None and best.end() > start:
                yield start, best.end(), self._concepts[best.lastgroup]
                pos = best.end()
            else:
                pos = start + 1
