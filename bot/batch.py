"""Verdicts as strict JSON, one line per goal: what `kpi-advisor check --jsonl` writes.

Every input line gets exactly one output line, in order. A line that cannot be graded gets an error object instead
of taking its neighbours down with it; the JSON is strict (no NaN or Infinity) and a verdict never contains a raw
character that some readers treat as a line break.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import date
from functools import lru_cache
from typing import Any

from .grading import Assessment, Finding, RuleSet, grade_goal

log = logging.getLogger(__name__)
# JSON allows these raw inside strings, but str.splitlines() and some log shippers break lines on them.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def to_json(obj: dict[str, Any], *, indent: int | None = None) -> str:
    """Strict JSON (ValueError on NaN or Infinity), line-break characters escaped."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=indent)
    if "\u2028" in text or "\u2029" in text or "\x85" in text:  # rare: translate() on every verdict costs more
        text = text.translate(_LINE_BREAKS)
    return text


@lru_cache(maxsize=4096)
def _finding_json(finding: Finding) -> str:
    """A finding's JSON: the same few findings come back goal after goal, each written once."""
    return to_json(finding.to_dict())


def verdict_json(a: Assessment) -> str:
    """The verdict as one line of strict JSON (its findings last)."""
    fields = a.to_dict()
    del fields["findings"]
    head = to_json(fields)
    return head[:-1] + ', "findings": [' + ", ".join(_finding_json(f) for f in a.findings) + "]}"


def verdict_line(text: str, *, language: str | None, today: date | None, rules: RuleSet) -> str:
    """One goal's verdict as a JSON line, or an error object when it cannot be graded."""
    try:
        return verdict_json(grade_goal(text, language=language, today=today, rules=rules))
    except Exception as error:
        log.debug("could not grade a line of %d characters", len(text), exc_info=True)
        return to_json({"text": text[:200], "error": f"could not grade this line ({type(error).__name__})"})


def verdict_lines(lines: Iterable[str], *, language: str | None, today: date | None, rules: RuleSet) -> Iterator[str]:
    for text in lines:
        yield verdict_line(text, language=language, today=today, rules=rules) + "\n"


# A batch this large is split over worker processes; smaller ones (a program that writes a goal and waits for its
# answer) are graded at once in this process.
PARALLEL_MIN_LINES = 256
_CHUNK_LINES = 128
_IN_FLIGHT = 4  # chunks per worker queued ahead, so no worker waits for this process
_settings: tuple[str | None, date | None, RuleSet] | None = None


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _grade_chunk(lines: list[str]) -> str:
    assert _settings is not None
    language, today, rules = _settings
    return "".join(verdict_lines(lines, language=language, today=today, rules=rules))


class BatchGrader:
    """Grades batches of lines in order, over ``jobs`` forked worker processes when a batch is large enough.

    Workers are forked after the rule set is loaded, so they start with it instead of loading it again. Where fork
    is not available, everything is graded in this process."""

    def __init__(self, *, language: str | None, today: date | None, rules: RuleSet, jobs: int) -> None:
        global _settings
        _settings = (language, today, rules)
        self.jobs = jobs if "fork" in multiprocessing.get_all_start_methods() else 1
        self._pool: Executor | None = None

    def grade(self, lines: list[str]) -> str:
        if self.jobs <= 1 or len(lines) < PARALLEL_MIN_LINES:
            return _grade_chunk(lines)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
        chunks = [lines[i : i + _CHUNK_LINES] for i in range(0, len(lines), _CHUNK_LINES)]
        return "".join(self._pool.map(_grade_chunk, chunks))

    def stream(self, batches: Iterable[list[str]]) -> Iterator[str]:
        """The verdicts of every batch, in order, as soon as they are ready. Large batches are split over the
        workers and several chunks are kept in flight, so the workers grade while this process reads the next lines
        and writes the last answers; a small batch with nothing in flight is answered at once."""
        pending: deque[Future[str]] = deque()
        for lines in batches:
            if self.jobs <= 1 or (not pending and len(lines) < PARALLEL_MIN_LINES):
                yield _grade_chunk(lines)
                continue
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
            for i in range(0, len(lines), _CHUNK_LINES):
                pending.append(self._pool.submit(_grade_chunk, lines[i : i + _CHUNK_LINES]))
            while pending and (pending[0].done() or len(pending) > _IN_FLIGHT * self.jobs):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
