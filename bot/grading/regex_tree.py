"""Reading CPython's parse tree of a regular expression: the one place that touches ``re``'s private modules.

Several speed-ups in the grader reason about patterns rather than run them: which characters a match can begin
with, which strings it cannot do without, where its word-start check can move. CPython's own parser gives the tree
(``re._parser``, private but stable since 3.11). Where it is missing, ``parse`` returns None and every caller falls
back to the plain, slower pattern.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _compiler as compiler
    from re import _constants as constants
    from re import _parser as parser
except ImportError:  # pragma: no cover - other Python implementations
    compiler = constants = parser = None  # type: ignore[assignment]


def parse(pattern: str, flags: int = 0) -> Any | None:
    """The parse tree of ``pattern`` (a ``SubPattern``), or None when it cannot be had."""
    if parser is None:
        return None
    try:
        return parser.parse(pattern, flags)
    except re.error:
        return None


def charset_chars(items: list, max_span: int) -> list[str] | None:
    """The characters a character class (an ``IN`` node's items) matches, or None when it is not a short list of
    literals and small ranges (a category such as ``\\w``, a negation, a range wider than ``max_span``)."""
    c = constants
    chars: list[str] = []
    for kind, value in items:
        if kind is c.LITERAL:
            chars.append(chr(value))
        elif kind is c.RANGE and value[1] - value[0] < max_span:
            chars.extend(chr(v) for v in range(value[0], value[1] + 1))
        else:
            return None
    return chars
