"""Strings a regex cannot match without, read off its parse tree.

A term list such as ``\\w*branschsnitt\\w*|industry (?:average|benchmark)`` is tried at every word start of every
goal, and terms that may begin anywhere in a word (Swedish and Norwegian compounds) are the dearest to try. If none
of ``branschsnitt``, ``average`` or ``benchmark`` is in the text, nothing can match, and ``in`` tells that for a
fraction of the price of a failed search. ``required_strings`` finds such a set for a pattern, or says there is
none worth checking; callers skip the search when the text holds none of them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from . import regex_tree

# Shorter strings (one character) are in too many texts to save a search.
MIN_LENGTH = 2

Strings = frozenset[str]


def required_strings(pattern: str) -> Strings | None:
    """A set of strings at least one of which every match of ``pattern`` contains; None when there is no such set
    with strings of at least ``MIN_LENGTH`` characters (or the pattern ignores case)."""
    parsed = regex_tree.parse(pattern)
    if parsed is None or parsed.state.flags & re.IGNORECASE:
        return None
    best = _best(list(parsed.data))
    return best if best and min(map(len, best)) >= MIN_LENGTH else None


def required_by_all(patterns: Iterable[str]) -> Strings | None:
    """For an alternation of ``patterns``: the union of each one's required strings, or None if one has none."""
    union: set[str] = set()
    for pattern in patterns:
        needed = required_strings(pattern)
        if needed is None:
            return None
        union |= needed
    return _pruned(union)


def holds_any(text: str, needed: Collection[str] | None) -> bool:
    """Whether ``text`` may match: True when there is nothing to check. (``map`` over the bound ``__contains__``
    keeps the loop in C: a generator expression costs more than the checks themselves.)"""
    return needed is None or any(map(text.__contains__, needed))


def _best(items: list) -> Strings | None:
    """The most selective required set among the parts of a sequence: the one whose shortest string is longest."""
    c = regex_tree.constants
    candidates: list[Strings] = []
    run: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found = None
        if op is c.SUBPATTERN:
            if not av[1] & re.IGNORECASE:  # (?i:...): its letters may be upper-case in the text
                found = _best(list(av[-1].data))
        elif op is c.BRANCH:
            found = _either(av[1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            found = _best(list(av[2].data))
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run)}))
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)), default=None)


def _either(alternatives: list) -> Strings | None:
    union: set[str] = set()
    for alternative in alternatives:
        found = _best(list(alternative.data))
        if not found:
            return None
        union |= found
    return _pruned(union)


def _pruned(strings: set[str]) -> Strings:
    """Without strings that contain another one of the set: a text holding the longer holds the shorter."""
    return frozenset(s for s in strings if not any(other != s and other in s for other in strings))


class GatedAlternation:
    """An alternation of ``parts`` (regex sources, tried in order) compiled, for each text, from only the parts
    whose required strings the text holds: a part without them cannot match, so the result is the same as the
    whole alternation's, for a fraction of the work when the parts are costly to try (``\\w*kostnad``).

    ``template`` wraps the joined parts (``"(?<!\\w)(?:{})(?!\\w)"``). The combinations that occur are few; each is
    compiled once and kept (up to ``MAX_COMPILED``, then the cache starts over).
    """

    MAX_COMPILED = 512

    def __init__(self, parts: list[str], template: str = "(?:{})", flags: int = 0) -> None:
        self._parts, self._template, self._flags = parts, template, flags
        needs = [required_strings(part) for part in parts]
        self._always = tuple(i for i, needed in enumerate(needs) if needed is None)
        self._by_string: dict[str, list[int]] = {}
        for i, needed in enumerate(needs):
            for s in needed or ():
                self._by_string.setdefault(s, []).append(i)
        self._compiled: dict[tuple[str, ...], re.Pattern[str] | None] = {}

    def for_text(self, text: str) -> re.Pattern[str] | None:
        """The alternation of the parts ``text`` may match, or None when it can match none of them."""
        held = tuple(filter(text.__contains__, self._by_string))  # the loop stays in C
        try:
            return self._compiled[held]
        except KeyError:
            pass
        active = sorted({*self._always, *(i for s in held for i in self._by_string[s])})
        rx = None
        if active:
            rx = re.compile(self._template.format("|".join(self._parts[i] for i in active)), self._flags)
        if len(self._compiled) >= self.MAX_COMPILED:
            self._compiled.clear()
        self._compiled[held] = rx
        return rx

    def search(self, text: str) -> re.Match[str] | None:
        rx = self.for_text(text)
        return rx.search(text) if rx is not None else None
