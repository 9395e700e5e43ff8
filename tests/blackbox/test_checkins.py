"""Black box: `/kpi add` through a running `kpi-advisor serve`, then `kpi-advisor checkins run-due --now <later>`
as a separate process posts the check-in once; the same command again posts nothing."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.blackbox.test_serve import KPI_ADVISOR, Bot, _env, _free_port
from tests.support.fake_slack import FakeSlack


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Bot, FakeSlack, dict[str, str]]]:
    fake = FakeSlack().start()
    env = _env(fake, tmp_path / "kpi.db")
    port = _free_port()
    process = subprocess.Popen(
        [str(KPI_ADVISOR), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited {process.returncode}: {process.stdout.read()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("serve did not become healthy within 30 s")
            time.sleep(0.1)
        yield Bot(base, fake), fake, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        fake.stop()


def run_due(env: dict[str, str], now: datetime) -> subprocess.CompletedProcess:
    env = {k: v for k, v in env.items() if k != "SLACK_SIGNING_SECRET"}  # run-due receives nothing from Slack
    return subprocess.run(
        [str(KPI_ADVISOR), "checkins", "run-due", "--now", now.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def checkins(fake: FakeSlack) -> list[dict]:
    return [c.args for c in fake.of("chat.postMessage") if c.args.get("metadata")]


def test_add_then_run_due_posts_one_checkin_mentioning_the_owner_and_a_rerun_posts_none(served) -> None:
    bot, fake, env = served
    fake.timezones["U0ANN"] = "Europe/Oslo"
    added = bot.answer("add Grow online sales from 120 to 150 orders per month by 2027-06-30", channel_id="C0SALES")
    assert "#1" in added
    fake.wait_for("users.info")  # the owner's time zone is learned after the answer

    later = datetime.now(UTC) + timedelta(days=8)
    first = run_due(env, later)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith("posted 1, reconciled 0")
    [posted] = checkins(fake)
    shown = json.dumps(posted["blocks"], ensure_ascii=False)
    assert posted["channel"] == "C0SALES" and "<@U0ANN>" in shown and "#1" in shown
    assert posted["metadata"]["event_type"] == "kpi_checkin"

    again = run_due(env, later)
    assert again.returncode == 0 and again.stdout.strip().startswith("posted 0, reconciled 0")
    assert len(checkins(fake)) == 1


def test_run_due_without_a_token_stops_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'kpi.db'}"}
    done = run_due(env, datetime.now(UTC))
    assert done.returncode == 2 and "SLACK_BOT_TOKEN" in done.stderr and "Traceback" not in done.stderr
