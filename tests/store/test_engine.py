"""How the engine is set up: SQLite gets WAL and foreign keys, sessions commit or roll back as a unit."""

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from bot.store import make_engine, session_scope
from bot.store import repository as repo
from bot.store.models import KpiValue
from bot.store.types import utcnow


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_connections_use_wal_and_enforce_foreign_keys(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgres_urls_get_the_psycopg_driver() -> None:
    engine = make_engine("postgres://bot:secret@127.0.0.1:1/kpi")
    try:
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    finally:
        engine.dispose()


def test_session_scope_commits_on_success_and_rolls_back_on_error(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0KEPT")
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        repo.get_or_create_workspace(session, "T0LOST")
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert repo.get_workspace(session, "T0KEPT") is not None
        assert repo.get_workspace(session, "T0LOST") is None


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(KpiValue(kpi_id=424242, value=1.0, recorded_at=utcnow(), source="command"))
