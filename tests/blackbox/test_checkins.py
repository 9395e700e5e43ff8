"""Black box: `/kpi add` through a running `kpi-advisor serve`, then `kpi-advisor checkins run-due --now <later>`
as a separate process posts the check-in once; the same command again posts nothing."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.blackbox.test_serve import Bot, _env
from tests.support.fake_slack import FakeSlack
from tests.support.serving import KPI_ADVISOR, serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Bot, FakeSlack, dict[str, str]]]:
    fake = FakeSlack().start()
    env = _env(fake, tmp_path / "kpi.db")
    try:
        with serving(env) as served:
            yield Bot(served.base, fake), fake, env
    finally:
        fake.stop()
    assert "check-in tick failed" not in served.output  # the scheduler inside serve ran its tick without an error


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
    fake.wait_for("auth.test", 2)  # serve's own token check, then the first tick of its check-in scheduler
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


def test_run_due_killed_midway_and_run_again_posts_every_checkin_exactly_once(tmp_path: Path) -> None:
    """The benchmark's --kill-halfway at a small scale, for correctness only (no timing is asserted)."""
    import os
    import signal

    from bot.store import make_engine, session_scope, upgrade_database
    from bot.store import repository as repo

    fake = FakeSlack().start()
    fake.post_interval = 1.0  # one post per second per channel: the run takes a few seconds, time to kill it
    fake.server.handle_error = lambda *_: None  # the killed process resets its connections
    try:
        env = _env(fake, tmp_path / "kpi.db")
        url = env["DATABASE_URL"]
        upgrade_database(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            repo.get_or_create_workspace(session, "T0AAA")
            for index in range(12):
                repo.create_kpi(
                    session, "T0AAA", name=f"KPI {index}", channel_id=f"C0CH{index % 3}", owner_user_id="U0ANN"
                )
        engine.dispose()
        later = (datetime.now(UTC) + timedelta(days=8)).isoformat()
        command = [str(KPI_ADVISOR), "checkins", "run-due", "--now", later]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(checkins(fake)) < 6 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert 0 < len(checkins(fake)) < 12
        for _ in range(5):
            time.sleep(1.0)
            rerun = subprocess.run([*command, "--lease", "0.5"], env=env, capture_output=True, text=True, timeout=120)
            assert rerun.returncode == 0, rerun.stderr
            if rerun.stdout.startswith("posted 0, reconciled 0"):
                break
        numbers = [c["metadata"]["event_payload"]["kpi_number"] for c in checkins(fake)]
        assert sorted(numbers) == list(range(1, 13))
    finally:
        fake.stop()
