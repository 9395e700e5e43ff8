"""Database faults the operator can see and the bot survives: `/healthz` reports a database that cannot be written,
nothing is answered as saved that was not, and the bot recovers by itself when the fault is gone."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from scenario.conftest import Harness, rendered

RECOVERY_TRIES = 100


def _sqlite_path(slack: Harness) -> Path:
    return Path(make_url(str(slack.engine.url)).database or "")


def _add(slack: Harness, goal: str = "Get 40 enquiries a month by June") -> str:
    return rendered(slack.command_json(f"add {goal}"))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_deleted_sqlite_file_is_reported_and_a_restored_one_is_used_again(slack: Harness, tmp_path: Path) -> None:
    assert "Saved as *#1*" in _add(slack)
    path = _sqlite_path(slack)
    backup = tmp_path / "backup.db"
    with sqlite3.connect(path) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    answer = _add(slack)
    assert "Saved" not in answer and "nothing was changed" in answer
    assert slack.http.get("/healthz").status_code == 503

    for suffix in ("", "-wal", "-shm"):  # the operator puts the backup back in place
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, path)
    assert slack.http.get("/healthz").status_code == 200
    assert "Saved as *#2*" in _add(slack)


@contextmanager
def _opened_read_only(engine: Engine) -> Iterator[None]:
    """Every connection opened inside the block is read-only for good, as one opened while the file's permissions
    were read-only is (chmod itself cannot be used: the suite runs as root, which ignores it)."""

    def read_only(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA query_only=ON")

    event.listen(engine, "connect", read_only)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "connect", read_only)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_read_only_connections_are_recycled_once_the_file_is_writable(slack: Harness) -> None:
    assert "Saved as *#1*" in _add(slack)
    with _opened_read_only(slack.engine):
        assert slack.http.get("/healthz").status_code == 503
        answer = _add(slack)
        assert "Saved" not in answer and "nothing was changed" in answer
        with slack.engine.connect():  # the pool now holds a read-only connection
            pass
    # The permissions are back: the read-only connection in the pool must not outlive its first failure.
    assert "Saved as *#2*" in _add(slack) or "Saved as *#2*" in _add(slack)
    assert slack.http.get("/healthz").status_code == 200


def _postgres_processes(engine: Engine) -> list[int]:
    """The postmaster and every backend of this test's database: pausing them pauses the database for the app."""
    admin = create_engine(engine.url, poolclass=NullPool)  # its own backend is the one not to pause
    with admin.connect() as connection:
        backends = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).scalars()
        pids = list(backends)
        data_directory = connection.execute(text("SHOW data_directory")).scalar_one()
    admin.dispose()
    postmaster = int((Path(data_directory) / "postmaster.pid").read_text().splitlines()[0])
    return [postmaster, *pids]


@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.postgresql
def test_a_paused_postgresql_is_reported_and_the_bot_carries_on_when_it_resumes(slack: Harness) -> None:
    assert "Saved as *#1*" in _add(slack)
    assert slack.http.get("/healthz").status_code == 200
    paused = _postgres_processes(slack.engine)
    try:
        for pid in paused:
            os.kill(pid, signal.SIGSTOP)
        assert slack.http.get("/healthz").status_code == 503
        assert slack.http.get("/healthz").status_code == 503  # the hung probe is not started twice
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
    for _ in range(RECOVERY_TRIES):
        if slack.http.get("/healthz").status_code == 200:
            break
        time.sleep(0.1)
    assert slack.http.get("/healthz").status_code == 200
    assert "Saved as *#2*" in _add(slack)
