"""The scheduler at scale: an idle tick, planning a Monday-morning burst, and posting it with one and two replicas.

Run from the repository root (starts a throwaway PostgreSQL with scripts/postgres-for-tests, or uses
KPI_TEST_POSTGRES_URL):

    .venv/bin/python bench/scale.py --kpis 100000

Seeds N KPIs over N/100 workspaces (10 channels each, about 20 values of history and 3 answered check-ins per
scheduled KPI, one Slack installation per workspace: multi-workspace OAuth mode) with the project's migrations and
its own due-time arithmetic, written with COPY for speed. Cadences, weekdays, times and time zones are mixed so that
about 30 % of the KPIs fall due at Monday 09:00 UTC (the burst). Each measurement runs in a fresh process on a fresh
copy of the seeded database, all in this one run:

* idle tick — ``run_due`` (what `kpi-advisor checkins run-due` and the scheduler call) when nothing is due: wall
  time and the process's peak RSS;
* planning — claiming the whole burst in batches and reading the history of each batch, without posting;
* posting — ``run_due`` against a fake Web API (aiohttp, its own process) that allows one chat.postMessage per
  second per channel and answers 429 beyond it, by one replica, then by two started together; exactly once is
  checked from the fake's count of distinct check-in ids;
* EXPLAIN — every distinct statement those runs issued, planned on the seeded database: the plans are printed, and
  any sequential scan of kpis, kpi_values or checkins is named in ``seq_scans``.

``floor_s`` is Slack's per-channel floor for the burst: the busiest channel's check-ins at one a second.
``post_cpu_s_*`` and ``fake_cpu_s_*`` are the CPU seconds the replicas and the fake used: set against the wall time
and ``cores`` they say whether a run was bound by pacing or by CPU. The last line is one JSON object. Prints, never
fails.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench.scale_parts import child_env, fake_stats, seed, start_fake  # noqa: E402
from tests.support.explain import plan_text, seq_scans  # noqa: E402

POSTGRES = ROOT / "scripts" / "postgres-for-tests"
BURST_AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday, not the first of a quarter (no channel reviews)
SEED_AT = BURST_AT - timedelta(minutes=30)  # everything due before this was handled
IDLE_AT = SEED_AT + timedelta(minutes=1)  # nothing falls due in between


def admin(server_url: str, sql: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


def database(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def copy_of(server_url: str, template: str) -> str:
    name = f"scale_{uuid.uuid4().hex[:8]}"
    admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin(server_url, "CHECKPOINT")  # the copy's pages are written out now, not during the measurement
    return name


def child(mode: str, url: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, str(Path(__file__).with_name("scale_child.py")), mode, url, *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())


def finished(process: subprocess.Popen) -> dict:
    out, err = process.communicate()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({process.returncode}):\n{err[-3000:]}")
    result = json.loads(lines[-1])
    result["logged_errors"] = sum(1 for line in err.splitlines() if "ERROR" in line or "Traceback" in line)
    return result


def burst_floor(url: str) -> tuple[int, int, int]:
    """(check-ins due at the burst, the busiest channel's share of them, channels with KPIs)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            due = connection.execute(
                text(
                    "SELECT count(*), coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM kpis WHERE next_due_at <= :at"
                    " GROUP BY workspace_id, channel_id) AS per_channel"
                ),
                {"at": BURST_AT},
            ).one()
            total = connection.execute(
                text("SELECT count(*) FROM kpis WHERE next_due_at <= :at"), {"at": BURST_AT}
            ).scalar_one()
            channels = connection.execute(text("SELECT count(*) FROM review_schedules")).scalar_one()
        return total, due[1], channels
    finally:
        engine.dispose()


def machine_cpu() -> tuple[float, float]:
    """(busy seconds over all cores, total seconds) since boot, from /proc/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / tick, sum(fields) / tick


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving ``database`` (its title names it), by pid."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(") ", 1)
            title = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        if name.endswith("(postgres") and f" {database} " in title:
            values = rest.split()
            found[int(stat.parent.name)] = (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")
    return found


class PostgresMeter:
    """Samples the backends of one database four times a second: they come and go with the replicas' connections,
    so their CPU is summed from what each was last seen using."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.start, self.last, self.done = postgres_cpu(database), {}, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.25):
            self.last.update(postgres_cpu(self.database))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        self.last.update(postgres_cpu(self.database))
        return sum(used - self.start.get(pid, 0.0) for pid, used in self.last.items())


def post_burst(server_url: str, template: str, replicas: int, capture_dir: Path) -> dict:
    """Post the burst with ``replicas`` processes started together; time from the first start to the last end."""
    name = copy_of(server_url, template)
    fake, fake_url = start_fake()
    try:
        url = database(server_url, name)
        start_at = time.time() + 3.0 + replicas  # every replica imported and connected before the go
        runs = [
            child("post", url, BURST_AT.isoformat(), fake_url, str(start_at), str(capture_dir / f"post{replicas}-{i}"))
            for i in range(replicas)
        ]
        time.sleep(max(0.0, start_at - time.time()))
        before, meter = machine_cpu(), PostgresMeter(name)
        results = [finished(run) for run in runs]
        after, postgres = machine_cpu(), meter.stop()
        stats = fake_stats(fake_url)
        ticks = Path(f"/proc/{fake.pid}/stat").read_text().rsplit(")", 1)[1].split()
        stats["cpu_s"] = (int(ticks[11]) + int(ticks[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    finally:
        fake.terminate()
        fake.wait()
        admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    cpu, errors = sum(r["cpu_s"] for r in results), sum(r["logged_errors"] for r in results)
    summaries = [r["summary"] for r in results]
    busy = 100 * (after[0] - before[0]) / max(after[1] - before[1], 1e-9)
    return {
        "elapsed": elapsed,
        "cpu_s": cpu,
        "postgres_cpu_s": round(postgres, 1),
        "machine_busy_pct": round(busy, 1),
        "logged_errors": errors,
        "stats": stats,
        "summaries": summaries,
    }


def shape(sql: str) -> str:
    """A statement with its VALUES lists and numbered parameters folded: one per query the code writes, whatever
    the size of the batch it was sent with."""
    folded = re.sub(r"VALUES .*?(\) AS \w+|ON CONFLICT|$)", r"VALUES … \1", " ".join(sql.split()), flags=re.S)
    folded = re.sub(r"IN \((?:%\(\w+\)s(?:::\w+)?(?:, )?)+\)", "IN (…)", folded)
    return re.sub(r"_\d+|\d+", "N", folded)


def explain_all(url: str, capture_dir: Path) -> tuple[int, list[str], str]:
    """EXPLAIN every distinct statement the runs captured; (how many, the seq scans found, the printed plans)."""
    statements: dict[str, tuple[str, object]] = {}
    # The burst's parameters first: a claim planned for 09:00 finds 30k due rows, the idle tick's finds none.
    for path in sorted(capture_dir.iterdir(), key=lambda p: (p.name.startswith("idle"), p.name)):
        for sql, params in pickle.loads(path.read_bytes()):
            statements.setdefault(shape(sql), (sql, params))
    engine = create_engine(url, poolclass=NullPool)
    scans: list[str] = []
    printed = []
    try:
        with engine.connect() as connection:
            for sql, params in statements.values():
                found = seq_scans(connection, sql, params)
                scans += [f"{table}: {' '.join(sql.split())[:80]}" for table in found]
                printed.append(f"-- {' '.join(sql.split())[:200]}\n{plan_text(connection, sql, params)}")
                connection.rollback()
    finally:
        engine.dispose()
    return len(statements), scans, "\n\n".join(printed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=1000)
    parser.add_argument("--values", type=int, default=20, help="history values per KPI")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    workspaces = max(1, args.kpis // 100)
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {message}", flush=True)

    cluster = None
    server_url = os.environ.get("KPI_TEST_POSTGRES_URL", "").strip()
    if not server_url:
        cluster = tempfile.mkdtemp(prefix="kpi-scale-")
        os.rmdir(cluster)
        run = subprocess.run([str(POSTGRES), "start", "--dir", cluster], capture_output=True, text=True, check=True)
        server_url = run.stdout.strip().splitlines()[-1]
    template = f"scale_seed_{uuid.uuid4().hex[:8]}"
    try:
        admin(server_url, f'CREATE DATABASE "{template}"')
        seed_url = database(server_url, template)
        counts = seed(seed_url, args.kpis, workspaces, args.values, SEED_AT, random.Random(args.seed))
        due, busiest, channels = burst_floor(seed_url)
        say(
            f"seeded {args.kpis} KPIs in {workspaces} workspaces, {channels} channels: {counts}; {due} due at the burst"
        )
        with tempfile.TemporaryDirectory() as tmp:
            capture_dir = Path(tmp)
            results: dict[str, dict] = {}
            for mode, at in (("idle", IDLE_AT), ("plan", BURST_AT)):
                name = copy_of(server_url, template)
                try:
                    url = database(server_url, name)
                    results[mode] = finished(child(mode, url, at.isoformat(), str(capture_dir / mode)))
                finally:
                    admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                say(f"{mode}: {results[mode]}")
            posts = {}
            for replicas in (1, 2):
                posts[replicas] = post_burst(server_url, template, replicas, capture_dir)
                say(f"posting with {replicas} replica(s): {posts[replicas]}")
            explained, scans, plans = explain_all(seed_url, capture_dir)
        print(f"EXPLAIN of the {explained} distinct statements the runs issued (planned on the seeded database):")
        print(plans)
    finally:
        admin(server_url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        if cluster:
            subprocess.run([str(POSTGRES), "stop", cluster], capture_output=True, check=False)

    floor = float(busiest)
    one, two = posts[1]["elapsed"], posts[2]["elapsed"]
    summary = {
        "kpis": args.kpis,
        "workspaces": workspaces,
        "channels": channels,
        "values_per_kpi": args.values,
        "idle_tick_s": round(results["idle"]["tick_s"], 3),
        "idle_tick_rss_mb": round(results["idle"]["rss_mb"], 1),
        "burst_due": due,
        "burst_plan_s": round(results["plan"]["tick_s"], 3),
        "burst_plan_rss_mb": round(results["plan"]["rss_mb"], 1),
        "burst_post_s_1": round(one, 2),
        "burst_post_s_2": round(two, 2),
        "replica_ratio": round(two / one, 3) if one else None,
        "floor_s": floor,
        "post_1_over_floor": round(one / floor, 2) if floor else None,
        "post_2_over_floor": round(two / floor, 2) if floor else None,
        "post_cpu_s_1": round(posts[1]["cpu_s"], 1),
        "post_cpu_s_2": round(posts[2]["cpu_s"], 1),
        "fake_cpu_s_1": round(posts[1]["stats"]["cpu_s"], 1),
        "fake_cpu_s_2": round(posts[2]["stats"]["cpu_s"], 1),
        "postgres_cpu_s_1": posts[1]["postgres_cpu_s"],
        "postgres_cpu_s_2": posts[2]["postgres_cpu_s"],
        "machine_busy_pct_1": posts[1]["machine_busy_pct"],
        "machine_busy_pct_2": posts[2]["machine_busy_pct"],
        "logged_errors_1": posts[1]["logged_errors"],
        "logged_errors_2": posts[2]["logged_errors"],
        "posted_1": posts[1]["stats"]["distinct"],
        "posted_2": posts[2]["stats"]["distinct"],
        "duplicates_1": posts[1]["stats"]["duplicates"],
        "duplicates_2": posts[2]["stats"]["duplicates"],
        "rate_limited_1": posts[1]["stats"]["rate_limited"],
        "rate_limited_2": posts[2]["stats"]["rate_limited"],
        "explained_statements": explained,
        "seq_scans": scans,
        "cores": os.cpu_count(),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
