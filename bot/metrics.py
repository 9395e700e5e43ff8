"""What the bot counts for an operator, in Prometheus's format at `GET /metrics` (the official client library).

One module owns the metrics so every part records into the same few series. With several HTTP worker processes the
client's multiprocess mode is used (PROMETHEUS_MULTIPROC_DIR, set by the supervisor), so a scrape of any worker
sees the whole bot. Labels stay few and fixed: a label taken from a request would let anyone grow the series.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The kind label of a request, from the type Slack gives it; anything else (and anything refused) is "other".
REQUEST_KINDS = {
    "command": "command",
    "event_callback": "event",
    "url_verification": "event",
    "app_rate_limited": "event",
    "block_actions": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "shortcut": "shortcut",
    "message_action": "shortcut",
}

REQUESTS = Counter("kpi_requests", "Slack requests, by kind and HTTP status answered", ["kind", "status"])
ACK_SECONDS = Histogram(
    "kpi_ack_seconds",
    "Time from a Slack request's arrival to the answer (Slack waits 3 s)",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
GRADE_SECONDS = Histogram(
    "kpi_grade_seconds", "Time to grade one goal", buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)
)
# posted; failed (left for a later tick, or refused by Slack); retried (a dead claimer's check-in taken over);
# skipped (no token for the workspace any more)
CHECKINS = Counter("kpi_checkins", "Check-ins, by what happened to them", ["outcome"])
DATABASE_ERRORS = Counter("kpi_database_errors", "Errors the database raised, by backend", ["backend"])

P = ParamSpec("P")
R = TypeVar("R")


def request_kind(slack_type: str | None) -> str:
    return REQUEST_KINDS.get(slack_type or "", "other")


@contextmanager
def timed(histogram: Histogram, **labels: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        (histogram.labels(**labels) if labels else histogram).observe(time.perf_counter() - started)


def timing(histogram: Histogram) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A function that records how long each call takes (for the grader, whose own code stays free of metrics)."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        def timed_call(*args: P.args, **kwargs: P.kwargs) -> R:
            with timed(histogram):
                return function(*args, **kwargs)

        return timed_call

    return wrap


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus's text format, and its content type; all workers' when there are several."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
