"""Regexes that must begin at a word start, compiled so that Python's engine can skip ahead to their first letters.

CPython's engine only scans ahead quickly when a pattern begins with what its first character must be: a literal,
a character set, or alternatives that each begin with a literal. A leading look-behind such as ``(?<!\\w)`` hides
that, so the engine tries the whole pattern at every position of the text. On a one-line goal that costs several
microseconds per search, and the grader runs dozens of searches per goal.

``word_start`` compiles the same language with the look-behind moved behind the first character:
``(?<!\\w)(?:by|in) x`` becomes ``(?:b(?<!\\w.)y|i(?<!\\w.)n) x`` (the two-character look-behind asks the same
question one step later), and optional or alternative beginnings are spelled out as alternatives so that each
starts with a literal. The engine tries the alternatives in the same order as before, so every match, group and
overlap is the same; only the work to find them shrinks.

The rewrite only pays when the first characters are few (``MAX_FIRST_CHARACTERS``); with many, the engine stops
at most positions anyway. For those patterns ``WordStartScan`` looks for the separator before a word instead.

The rewrite reads and compiles CPython's own parse tree (``re._parser``/``re._compiler`` through ``regex_tree``,
private but stable since 3.11). Whatever it does not recognise is compiled unchanged, which is correct, only slower.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from . import regex_tree
from .regex_tree import compiler as _sre_compiler
from .regex_tree import constants as _sre_constants
from .regex_tree import parser as _sre_parser

# Spelling out optional beginnings multiplies alternatives; past this many the pattern is left as it is.
MAX_ALTERNATIVES = 400
# Past this many possible first characters the engine stops at most positions anyway, and the rewrite does not pay.
MAX_FIRST_CHARACTERS = 4


class _CannotMove(Exception):
    """The pattern's beginning is not one the rewrite knows how to spell out."""


def word_start(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, faster to search when ``source`` begins with a one-character negative
    look-behind (``(?<!\\w)``, ``(?<![^\\W_])``, ``(?<![\\w.,])``…). ``.pattern`` is ``source`` either way."""
    plain = re.compile(source, flags)
    fast = _rewritten(source, flags)
    return fast if fast is not None else plain


def is_rewritten(rx: re.Pattern[str]) -> bool:
    """Whether ``rx`` came out of the rewrite (tests use it to keep the fast path from silently going away)."""
    return rx in _REWRITTEN


_REWRITTEN: weakref.WeakSet[re.Pattern[str]] = weakref.WeakSet()


def _rewritten(source: str, flags: int) -> re.Pattern[str] | None:
    tree = regex_tree.parse(source, flags)
    if tree is None:
        return None
    try:
        items = list(tree.data)
        if not items or not _is_one_char_lookbehind(items[0]):
            return None
        boundary = _late_boundary(tree.state, items[0])
        moved = _push(items[1:], boundary, tree.state)
        if _count_alternatives(moved) > MAX_ALTERNATIVES or not _engine_can_skip(moved):
            return None
        tree.data = moved
        tree.width = None
        compiled = _compile_keeping_source(tree, source, flags)
    except (_CannotMove, re.error, AttributeError, TypeError, ValueError, IndexError, RecursionError):
        return None
    _REWRITTEN.add(compiled)
    return compiled


def _compile_keeping_source(tree: Any, source: str, flags: int) -> re.Pattern[str]:
    """What ``re._compiler.compile`` does with a parse tree, except that ``.pattern`` stays the source text."""
    c = _sre_compiler
    code = c._code(tree, flags)
    groupindex = tree.state.groupdict
    indexgroup: list[str | None] = [None] * tree.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return c._sre.compile(source, flags | tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))


def _is_one_char_lookbehind(item: tuple) -> bool:
    op, av = item
    if op is not _sre_constants.ASSERT_NOT or av[0] != -1:
        return False
    low, high = av[1].getwidth()
    return low == high == 1


def _late_boundary(state: Any, lookbehind: tuple) -> tuple:
    """``(?<!X)`` asked one character later: ``(?<!X[\\s\\S])``."""
    c = _sre_constants
    _, (_, sub) = lookbehind
    any_char = (c.IN, [(c.CATEGORY, c.CATEGORY_SPACE), (c.CATEGORY, c.CATEGORY_NOT_SPACE)])
    return (c.ASSERT_NOT, (-1, _sre_parser.SubPattern(state, [*sub.data, any_char])))


def _push(items: list, boundary: tuple, state: Any) -> list:
    """``items`` with ``boundary`` placed right after the first character of every way they can begin."""
    c = _sre_constants
    if not items:
        raise _CannotMove("the pattern can match an empty string")
    (op, av), rest = items[0], items[1:]
    if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
        return [items[0], boundary, *rest]
    if op is c.BRANCH:
        alternatives: list = []
        for alternative in av[1]:
            pushed = _push([*_items(alternative), *rest], boundary, state)
            # Alternatives that themselves begin with alternatives are flattened, so every one begins with a
            # character the engine can look for.
            if len(pushed) == 1 and pushed[0][0] is c.BRANCH:
                alternatives.extend(pushed[0][1][1])
            else:
                alternatives.append(_sre_parser.SubPattern(state, pushed))
        return [(c.BRANCH, (None, alternatives))]
    if op is c.SUBPATTERN:
        group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _CannotMove("inline flags at the start")
        if _can_be_empty(sub):
            raise _CannotMove("a group that can be empty at the start")
        inner = _push(_items(sub), boundary, state)
        return [(c.SUBPATTERN, (group, add_flags, del_flags, _sre_parser.SubPattern(state, inner))), *rest]
    if op is c.MAX_REPEAT:
        low, high, sub = av
        if low == 0 and high == 1:  # x?R is xR|R, tried in that order
            either = [_sre_parser.SubPattern(state, list(sub.data)), _sre_parser.SubPattern(state, [])]
            return _push([(c.BRANCH, (None, either)), *rest], boundary, state)
        if low >= 1 and not _can_be_empty(sub):  # x{n,m}R is x x{n-1,m-1}R
            again = (c.MAX_REPEAT, (low - 1, high if high == c.MAXREPEAT else high - 1, sub))
            return _push([*_items(sub), again, *rest], boundary, state)
    raise _CannotMove(f"{op} at the start")


def _items(sub: Any) -> list:
    return list(sub.data) if hasattr(sub, "data") else list(sub)


def _can_be_empty(sub: Any) -> bool:
    return sub.getwidth()[0] == 0


def _engine_can_skip(items: list) -> bool:
    """Whether the engine will find a short list of first characters to scan for (what CPython's
    ``_get_charset_prefix`` and ``_get_literal_prefix`` look for). Without one, the rewritten pattern is tried at
    every position like the original, and with its look-behind no longer first it is slower, not faster; with
    many common letters among its first characters it is tried at most positions anyway."""
    first = _first_characters(items)
    return first is not None and len(first) <= MAX_FIRST_CHARACTERS


def _first_characters(items: list) -> set[int] | None:
    c = _sre_constants
    op, av = items[0]
    if op is c.LITERAL:
        return {av}
    if op is c.IN:
        if any(kind is not c.LITERAL for kind, _ in av):
            return None
        return {value for _, value in av}
    if op is c.SUBPATTERN:
        return None if av[1] or av[2] else _first_characters(_items(av[3]))
    if op is c.BRANCH:
        first: set[int] = set()
        for alternative in av[1]:
            head = _items(alternative)[:1]
            if not head or head[0][0] is not c.LITERAL:
                return None
            first.add(head[0][1])
        return first
    return None


def _count_alternatives(items: list) -> int:
    c = _sre_constants
    if items and items[0][0] is c.BRANCH:
        return len(items[0][1][1])
    return 1


class WordStartScan:
    """``(?<!B)X`` found by looking for the character before it instead: one character that is not ``B`` (the
    ``separator`` class), then ``X``; or ``X`` at the very start of the text.

    For patterns whose first characters are many (a list of prepositions, say) moving the look-behind does not pay,
    but separators are few: the engine skips to spaces and punctuation and tries ``X`` only there. ``finditer``
    yields ``(start, end, match)`` with the start of ``X`` (the match object's own span includes the separator),
    the same sequence as ``re.finditer`` on ``(?<!B)(?:X)``: leftmost first, each search resuming where the
    previous match ended. Patterns with few first characters use the ``word_start`` rewrite instead.
    """

    def __init__(self, body: str, *, before: str, separator: str, flags: int = 0) -> None:
        # Compiled on first use: a one-off `kpi-advisor check` never pays for the patterns it does not need.
        self._body, self._before, self._separator, self._flags = body, before, separator, flags
        self._scanners: tuple[re.Pattern[str] | None, ...] | None = None

    @cached_property
    def plain(self) -> re.Pattern[str]:
        """``(?<!B)(?:X)`` as written: the definition the scan must agree with."""
        return re.compile(f"(?<!{self._before})(?:{self._body})", self._flags)

    @property
    def _rewritten(self) -> re.Pattern[str] | None:
        return self._compiled()[0]

    def _compiled(self) -> tuple[re.Pattern[str] | None, ...]:
        """(the look-behind rewrite, or else: the pattern at the text's start, and after a separator)."""
        if self._scanners is None:
            if self.plain.fullmatch(""):
                raise ValueError("a word-start pattern must not match the empty string")
            rewritten = word_start(self.plain.pattern, self._flags)
            if is_rewritten(rewritten):
                self._scanners = (rewritten, None, None)
            else:
                at_start = re.compile(f"(?:{self._body})", self._flags)
                self._scanners = (None, at_start, re.compile(f"{self._separator}(?:{self._body})", self._flags))
        return self._scanners

    def search(self, text: str) -> tuple[int, int, re.Match[str]] | None:
        """The first of ``finditer``, or None."""
        return next(self.finditer(text), None)

    def finditer(self, text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
        rewritten, at_start, after = self._scanners or self._compiled()
        if rewritten is not None:
            for m in rewritten.finditer(text):
                yield m.start(), m.end(), m
            return
        assert at_start is not None and after is not None
        m = at_start.match(text)
        if m is not None:
            yield 0, m.end(), m
            pos = m.end()
        else:
            pos = 1
        length = len(text)
        while pos <= length:
            m = after.search(text, pos - 1)  # the separator may be the last character of the previous match
            if m is None:
                return
            start, end = m.start() + 1, m.end()
            yield start, end, m
            pos = end
