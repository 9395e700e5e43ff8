"""bench/scale.py's seeding and its fake Web API's process: kept apart so the bench reads as its measurements.

The seed writes the store's own tables with COPY (a 100k-KPI register with two million values would take an hour
through one ``create_kpi`` at a time) and computes every stored due time with the store's own functions
(``checkin_schedule``, ``next_due``, ``review_schedule``), as ``reschedule_kpi`` would after the last handled period.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

import psycopg
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.checkins.schedule import latest_due, next_due, review_schedule
from bot.store import upgrade_database
from bot.store.due import checkin_schedule
from bot.store.models import Kpi

CLIENT_ID = "CSCALEBENCH"
CHANNELS_PER_WORKSPACE = 10
PAST_CHECKINS = 3
# (cadence, weekday, time, zone) by slot of 20: slots 0-5 (30 %) fall due at Monday 09:00 UTC (London is UTC in
# December); 15 is off, 16 has no channel, 17 is archived.
SLOTS = (
    *[("weekly", 0, "09:00", "Europe/London")] * 6,
    ("daily", 0, "09:00", "Europe/Stockholm"),
    *[("weekly", 1, "10:00", "UTC")] * 2,
    *[("weekly", 2, "09:00", "America/New_York")] * 2,
    ("biweekly", 3, "13:00", "Europe/Oslo"),
    ("monthly", 1, "09:00", "UTC"),
    ("quarterly", 0, "11:00", "UTC"),
    ("daily", 0, "14:00", "UTC"),
    ("off", 0, "09:00", "UTC"),
    ("weekly", 0, "09:00", "UTC"),
    ("weekly", 0, "09:00", "UTC"),
    *[("weekly", 4, "09:00", "Asia/Tokyo")] * 2,
)


def _copy(connection: psycopg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(url: str, kpis: int, workspaces: int, values: int, seed_at: datetime, rng: Random) -> dict[str, int]:
    """Fill the database at ``url`` (migrated here) as it would stand at ``seed_at`` with every earlier check-in
    handled; returns the row counts."""
    upgrade_database(url)
    created = seed_at - timedelta(days=400)
    workspace_rows = [(w + 1, f"T{w:08d}", f"Workspace {w}", 101, created) for w in range(workspaces)]
    kpi_rows, value_rows, checkin_rows = [], [], []
    channel_first: dict[tuple[int, str], str] = {}
    for i in range(kpis):
        workspace, number = i % workspaces + 1, i // workspaces + 1
        slot = rng.randrange(20)
        cadence, weekday, at, zone_name = SLOTS[slot]
        channel = f"C{workspace:07d}{(number - 1) % CHANNELS_PER_WORKSPACE:02d}" if slot != 16 else None
        status = "archived" if slot == 17 else "active"
        kpi = Kpi(
            id=i + 1,
            status=status,
            channel_id=channel,
            cadence=cadence,
            checkin_weekday=weekday,
            checkin_time=at,
            timezone=zone_name,
            created_at=created,
        )
        schedule = checkin_schedule(kpi)
        next_due_at = next_due(schedule, seed_at).due_at if schedule else None
        level = 1 + i % 5
        current = 100.0
        for step in range(values):
            current += rng.uniform(-2.0, 5.0)
            value_rows.append((i + 1, round(current, 2), seed_at - timedelta(days=7 * (values - step)), "command"))
        kpi_rows.append(
            (i + 1, workspace, number, f"KPI {i}", f"Grow KPI {i} from 100 to 150 by June", "orders", level,
             "activate", "macro", "orders", 150.0, 100.0, round(current, 2), date(2027, 6, 30), f"U{i % 7919:06d}",
             f"U{i % 7919:06d}", channel, cadence, weekday, at, zone_name, "en", "B", 70.0, status, False, created,
             created, next_due_at)
        )  # fmt: skip
        if channel and status != "archived":
            channel_first.setdefault((workspace, channel), zone_name)
        when = seed_at
        for _ in range(PAST_CHECKINS if schedule else 0):
            due = latest_due(schedule, when, not_before=created)
            if due is None:
                break
            checkin_rows.append(
                (i + 1, due.period_key, due.due_at, due.due_at, "seed", due.due_at, channel,
                 f"{due.due_at.timestamp():.6f}", "answered", "U000001", due.due_at + timedelta(hours=2), "value")
            )  # fmt: skip
            when = due.due_at - timedelta(seconds=1)
    review_rows, reviewed_rows = [], []
    for (workspace, channel), zone_name in channel_first.items():
        schedule = review_schedule(zone_name)
        review_rows.append((workspace, channel, next_due(schedule, seed_at).due_at))
        last = latest_due(schedule, seed_at)
        if last is not None:
            reviewed_rows.append((workspace, channel, last.period_key, last.due_at, f"{last.due_at.timestamp():.6f}"))
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:
        _copy(connection, "workspaces", ("id", "team_id", "name", "next_kpi_number", "created_at"), workspace_rows)
        kpi_columns = [
            "id",
            "workspace_id",
            "number",
            "name",
            "goal_text",
            "metric",
            "level",
            "funnel_stage",
            "conversion",
            "unit",
            "target",
            "baseline",
            "current_value",
            "deadline",
            "owner_user_id",
            "creator_user_id",
            "channel_id",
            "cadence",
            "checkin_weekday",
            "checkin_time",
            "timezone",
            "language",
            "grade",
            "score",
            "status",
            "stale",
            "created_at",
            "updated_at",
            "next_due_at",
        ]
        _copy(connection, "kpis", tuple(kpi_columns), kpi_rows)
        _copy(connection, "kpi_values", ("kpi_id", "value", "recorded_at", "source"), value_rows)
        checkin_columns = [
            "kpi_id",
            "period_key",
            "due_at",
            "claimed_at",
            "claimed_by",
            "posted_at",
            "channel_id",
            "message_ts",
            "status",
            "answered_by",
            "answered_at",
            "answer",
        ]
        _copy(connection, "checkins", tuple(checkin_columns), checkin_rows)
        _copy(connection, "review_schedules", ("workspace_id", "channel_id", "next_due_at"), review_rows)
        reviewed = ("workspace_id", "channel_id", "period_key", "claimed_at", "message_ts")
        _copy(connection, "channel_reviews", reviewed, reviewed_rows)
        for table in ("workspaces", "kpis"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    engine = create_engine(url, poolclass=NullPool)
    try:
        store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
        store.create_tables()
        for _, team_id, *_ in workspace_rows:
            store.save(
                Installation(
                    app_id="ASCALE", team_id=team_id, user_id="U0ADMIN", bot_token=f"xoxb-{team_id}", bot_id="B1",
                    bot_user_id="UBOT", bot_scopes="chat:write,commands",
                )
            )  # fmt: skip
    finally:
        engine.dispose()
    # What autovacuum does on a live database: statistics for the planner, and the visibility map that lets an
    # index-only scan skip the table.
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return {
        "kpis": len(kpi_rows),
        "values": len(value_rows),
        "checkins": len(checkin_rows),
        "channels": len(review_rows),
    }


def child_env() -> dict[str, str]:
    """The environment of the measured processes: the repository importable, no Slack settings of this shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


def start_fake() -> tuple[subprocess.Popen, str]:
    """Start the fake Web API (``scale_child.py fake``) in its own process; (the process, its base URL)."""
    command = [sys.executable, str(Path(__file__).with_name("scale_child.py")), "fake"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=child_env())
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        raise RuntimeError("the fake Web API did not start")
    return process, url


def fake_stats(url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{url}stats", timeout=30) as response:
        return json.loads(response.read())
