"""5,000 generated hostile requests through the real ASGI app (gate, Bolt, listeners, store) against the fake Slack:
no 5xx, no ERROR record or traceback in the log, and no request body in it.

The mix and the seed are fixed (tests/support/hostile.py), so a failure names a request that can be replayed.
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest

from scenario.conftest import SECRET, Harness
from tests.support.hostile import MARKER, HostileRequests

REQUESTS = 5_000
SEED = 14
KINDS = (
    "slash_command",
    "slash_command_bent",
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "block_suggestion",
    "event_callback",
    "url_verification",
    "unsigned",
    "signed_junk",
    "oversized",
)


@pytest.fixture
def backend() -> str:
    """SQLite: the database-specific refusals (PostgreSQL's INTEGER, NUL) are in test_malformed_payloads."""
    return "sqlite"


def test_hostile_requests_get_no_5xx_no_traceback_and_never_reach_the_log(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    generator = HostileRequests(SECRET, SEED, slack.fake.response_url())
    statuses: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []
    for index, request in enumerate(generator.requests(REQUESTS)):
        response = slack.http.post("/slack/events", content=request.body, headers=request.headers)
        statuses[request.kind, response.status_code] += 1
        if response.status_code >= 500:
            failures.append(f"#{index} {request.kind} {response.status_code}: {request.body[:300]!r}")
    slack.fake.settle(1.0)  # the work after the acks
    kinds = Counter(kind for kind, _ in statuses.elements())
    print("hostile requests by kind and status:", dict(sorted(statuses.items())))
    assert sum(kinds.values()) == REQUESTS
    assert failures == []
    assert all(kinds[kind] > 0 for kind in KINDS), kinds
    assert all(status < 300 for (kind, status) in statuses if kind == "slash_command")
    assert all(status in (400, 401, 413, 415) for (kind, status) in statuses if kind in ("unsigned", "oversized"))
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [f"{r.name}: {r.getMessage()[:300]}" for r in bad] == []
    assert MARKER not in caplog.text
    assert max((len(r.getMessage()) for r in caplog.records), default=0) < 2_000
