"""Engines and sessions, configured the same way for the bot, the CLI, migrations and tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.metrics import DATABASE_ERRORS
from bot.store.urls import normalise_database_url

SQLITE_BUSY_TIMEOUT_SECONDS = 15.0
HEALTH_PROBE_TEAM = "THEALTHPROBE"  # never a real team id: Slack's start with T and are shorter


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; for SQLite, turn on WAL, foreign keys and real transactions.

    SQLite ignores foreign keys unless asked on every connection, and WAL lets the scheduler read while a Slack
    handler writes. Python's sqlite3 driver does not emit BEGIN before SELECTs or SAVEPOINTs, so we take over
    transaction control and start each transaction with ``BEGIN IMMEDIATE``: writers queue on the busy timeout
    instead of failing with "database is locked" when a read transaction later tries to write.
    """
    url = normalise_database_url(url)
    # An error's text must not quote what people typed: it reaches the log.
    kwargs.setdefault("hide_parameters", True)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, make_url(url).database)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
    errors = DATABASE_ERRORS.labels(backend=backend)
    event.listen(engine, "handle_error", lambda _context: errors.inc())
    return engine


# SQLite errors after which a pooled connection is worth nothing: a handle opened while the file was read-only stays
# read-only after the permissions are restored, and one whose file was deleted writes into the deleted inode.
_STALE_SQLITE = ("readonly database", "unable to open database", "disk i/o error", "no such table", "malformed")


def _file_identity(path: str | None) -> tuple[int, int] | None:
    try:
        status = os.stat(path) if path else None
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if status else None


def _configure_sqlite(engine: Engine, path: str | None) -> None:
    on_disk = bool(path) and path != ":memory:" and not (path or "").startswith("file:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()
        record.info["file"] = _file_identity(path) if on_disk else None

    @event.listens_for(engine, "checkout")
    def _same_file(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        """A connection to a file that was deleted or replaced is dropped (the pool then opens a new one):
        otherwise a KPI is "saved" into a deleted file, or a restored backup is never seen."""
        if on_disk and record.info.get("file") != _file_identity(path):
            raise exc.DisconnectionError("the SQLite file was deleted or replaced")

    @event.listens_for(engine, "handle_error")
    def _recycle_after_fault(context: ExceptionContext) -> None:
        """Treat the errors in _STALE_SQLITE as a lost connection, so the pool discards its connections and the bot
        recovers by itself once the file is writable again."""
        if any(sign in str(context.original_exception).lower() for sign in _STALE_SQLITE):
            context.is_disconnect = True

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def database_writable(engine: Engine) -> bool:
    """True when the database takes a write: a workspace row inserted in a transaction that is rolled back.

    A read-only file or a deleted one still answers SELECT 1; `/healthz` must say what `/kpi add` will meet.
    """
    from bot.store.models import Workspace

    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.execute(Workspace.__table__.insert().values(team_id=HEALTH_PROBE_TEAM, name=""))
            finally:
                transaction.rollback()
        return True
    except exc.SQLAlchemyError:
        return False


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory the application uses: objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Run a unit of work: commit when the block succeeds, roll back when it raises, always close."""
    session = make_sessionmaker(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
