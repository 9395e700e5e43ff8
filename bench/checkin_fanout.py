"""A large check-in fan-out against Slack's per-channel rate limit, with and without a crash in the middle.

Run from the repository root:

    .venv/bin/python bench/checkin_fanout.py                  # 2,000 KPIs in 100 channels, all due at once
    .venv/bin/python bench/checkin_fanout.py --kill-halfway   # SIGKILL run-due halfway, rerun until done
    .venv/bin/python bench/checkin_fanout.py --replicas 2     # two run-due processes at once

The fake Web API allows one chat.postMessage per second per channel and answers 429 with Retry-After beyond it,
so 20 check-ins per channel need at least ~20 s however clever the client: that is the floor the elapsed time is
compared with (target ≤ 1.3 ×). `kpi-advisor checkins run-due` runs as a real subprocess on a temporary SQLite
database. Exactly-once is checked from the fake's log: every KPI's check-in posted, none twice. Prints, never fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.store import make_engine, session_scope, upgrade_database  # noqa: E402
from bot.store import repository as repo  # noqa: E402
from bot.store.types import utcnow  # noqa: E402
from tests.support.fake_slack import HOME_TEAM, FakeSlack  # noqa: E402

KPI_ADVISOR = Path(sys.executable).with_name("kpi-advisor")


def seed(url: str, kpis: int, channels: int) -> None:
    """Create ``kpis`` weekly KPIs spread evenly over ``channels`` channels in the fake's home team."""
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            repo.get_or_create_workspace(session, HOME_TEAM)
            for index in range(kpis):
                repo.create_kpi(
                    session,
                    HOME_TEAM,
                    name=f"KPI {index}",
                    owner_user_id=f"U{index % 37:04d}",
                    channel_id=f"C{index % channels:05d}",
                    cadence="weekly",
                    target=100.0,
                )
    finally:
        engine.dispose()


def run_due(env: dict[str, str], now: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(KPI_ADVISOR), "checkins", "run-due", "--now", now, *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outstanding(url: str) -> int:
    """Check-ins the database does not yet record as posted: unclaimed KPIs plus claims with no message."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            kpis = connection.execute(text("SELECT count(*) FROM kpis")).scalar_one()
            done = connection.execute(text("SELECT count(*) FROM checkins WHERE message_ts IS NOT NULL")).scalar_one()
            return kpis - done
    finally:
        engine.dispose()


def posted_ids(fake: FakeSlack) -> list[int]:
    return [c.args["metadata"]["event_payload"]["checkin_id"] for c in fake.of("chat.postMessage")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--kill-halfway", action="store_true", help="SIGKILL the run at half the posts, then rerun")
    parser.add_argument("--lease", type=float, default=2.0, help="--lease for the reruns after the kill (seconds)")
    parser.add_argument("--replicas", type=int, default=1, help="start this many run-due processes at once")
    args = parser.parse_args()

    per_channel = -(-args.kpis // args.channels)
    floor = float(per_channel)  # one post per second per channel: the last of N goes out after about N seconds
    fake = FakeSlack().start()
    fake.post_interval = 1.0
    fake.server.handle_error = lambda *_: None  # connections reset by the killed process are expected
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed(url, args.kpis, args.channels)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=fake.url, DATABASE_URL=url)
        now = (utcnow() + timedelta(days=8)).isoformat()

        started = time.monotonic()
        runs = 1
        process = run_due(env, now)
        if args.kill_halfway:
            while len(fake.of("chat.postMessage")) < args.kpis // 2 and process.poll() is None:
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            posts = len(fake.of("chat.postMessage"))
            print(f"killed run-due (SIGKILL) after {posts} posts at {time.monotonic() - started:.1f} s")
            while True:
                process = run_due(env, now, "--lease", str(args.lease))
                out, err = process.communicate()
                runs += 1
                print(f"rerun {runs - 1} done at {time.monotonic() - started:.1f} s: {out.strip() or err.strip()}")
                if outstanding(url) == 0 or runs > 10:
                    break
                time.sleep(args.lease)
        else:
            others = [run_due(env, now) for _ in range(args.replicas - 1)]
            for each in (process, *others):
                out, err = each.communicate()
                print(out.strip() or err.strip())
        elapsed = time.monotonic() - started
    fake.stop()

    ids = posted_ids(fake)
    counts = Counter(ids)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    numbers = {c.args["metadata"]["event_payload"]["kpi_number"] for c in fake.of("chat.postMessage")}
    limited = len(fake.of("rate_limited"))
    print(
        f"{args.kpis} KPIs in {args.channels} channels{' (killed halfway)' if args.kill_halfway else ''}: "
        f"posted {len(counts)} distinct check-ins for {len(numbers)} KPIs, {duplicates} duplicate(s), "
        f"{limited} 429 answer(s), {runs} run(s)"
    )
    print(f"elapsed {elapsed:.1f} s vs floor {floor:.0f} s: ratio {elapsed / floor:.2f} (target ≤ 1.30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
