"""Verdicts as strict JSON, one line per goal: what `kpi-advisor check --jsonl` writes.

Every input line gets exactly one output line, in order. A line that cannot be graded gets an error object instead
of taking its neighbours down with it; the JSON is strict (no NaN or Infinity) and a verdict never contains a raw
character that some readers treat as a line break.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from .grader import grade_goal
from .ruleset import RuleSet

log = logging.getLogger(__name__)
# JSON allows these raw inside strings, but str.splitlines() and some log shippers break lines on them.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def to_json(obj: dict[str, Any], *, indent: int | None = None) -> str:
    """Strict JSON (ValueError on NaN or Infinity), line-break characters escaped."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=indent).translate(_LINE_BREAKS)


def verdict_line(text: str, *, language: str | None, today: date | None, rules: RuleSet) -> str:
    """One goal's verdict as a JSON line, or an error object when it cannot be graded."""
    try:
        return to_json(grade_goal(text, language=language, today=today, rules=rules).to_dict())
    except Exception as error:
        log.debug("could not grade a line of %d characters", len(text), exc_info=True)
        return to_json({"text": text[:200], "error": f"could not grade this line ({type(error).__name__})"})


def verdict_lines(lines: Iterable[str], *, language: str | None, today: date | None, rules: RuleSet) -> Iterator[str]:
    for text in lines:
        yield verdict_line(text, language=language, today=today, rules=rules) + "\n"
