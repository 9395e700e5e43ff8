"""Fixtures shared by the check-in tests."""

from __future__ import annotations

import pytest

from tests.support.fake_slack import FakeSlack


@pytest.fixture
def fake(fake_slack: FakeSlack) -> FakeSlack:
    """The fake Web API the check-in ticks post to (``fake_slack`` from tests/conftest.py)."""
    return fake_slack
