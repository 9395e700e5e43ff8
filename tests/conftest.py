"""Fixtures for the store: every store test runs on SQLite and on a real PostgreSQL, each in a fresh database.

PostgreSQL comes from ``KPI_TEST_POSTGRES_URL`` (a server where the tests may create and drop databases) or is
started for the session by ``scripts/postgres-for-tests``. When it cannot be had, the PostgreSQL half of the suite
is skipped with the reason, unless ``KPI_REQUIRE_POSTGRES=1`` (as in CI), which turns that into a failure.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bot.store import make_engine, normalise_database_url, upgrade_database
from tests.support.fake_slack import FakeSlack

POSTGRES_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres-for-tests"
POSTGRES_START_TIMEOUT_SECONDS = 900  # the first run may install Debian's postgresql package
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against a real PostgreSQL server")


def _postgres_unavailable(reason: str) -> None:
    message = f"PostgreSQL for tests is unavailable: {reason}"
    if os.environ.get("KPI_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message}\n(KPI_REQUIRE_POSTGRES=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server (``postgres`` database) on which tests create and drop their own databases."""
    configured = os.environ.get("KPI_TEST_POSTGRES_URL", "").strip()
    if configured:
        url = normalise_database_url(configured)
        _check_reachable(url)
        yield url
        return
    cluster_dir = tempfile.mkdtemp(prefix="kpi-postgres-")
    try:
        started = subprocess.run(
            [str(POSTGRES_SCRIPT), "start", "--dir", cluster_dir],
            capture_output=True,
            text=True,
            timeout=POSTGRES_START_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(cluster_dir, ignore_errors=True)
        _postgres_unavailable(f"{POSTGRES_SCRIPT.name} could not run: {error}")
    if started.returncode != 0 or not started.stdout.strip():
        shutil.rmtree(cluster_dir, ignore_errors=True)
        _postgres_unavailable(f"{POSTGRES_SCRIPT.name} exited {started.returncode}:\n{started.stderr[-4000:]}")
    try:
        url = started.stdout.strip().splitlines()[-1]
        _check_reachable(url)
        yield url
    finally:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", cluster_dir], capture_output=True, check=False, timeout=120)


def _check_reachable(server_url: str) -> None:
    try:
        _run_admin(server_url, "SELECT 1")
    except OperationalError as error:
        _postgres_unavailable(f"cannot connect to {make_url(server_url)!r}: {error}")


def _url_for_database(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _run_admin(server_url: str, sql: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(sql))
    finally:
        admin.dispose()


@functools.cache
def _server_version(server_url: str) -> int:
    admin = create_engine(server_url, poolclass=NullPool)
    try:
        with admin.connect() as connection:
            return int(connection.execute(text("SHOW server_version_num")).scalar_one())
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: str) -> Iterator[str]:
    """Name of a database migrated to head once per session; tests get copies of it (``CREATE DATABASE … TEMPLATE``)."""
    name = f"kpi_template_{uuid.uuid4().hex[:8]}"
    _run_admin(postgres_server_url, f'CREATE DATABASE "{name}"')
    try:
        upgrade_database(_url_for_database(postgres_server_url, name))
        yield name
    finally:
        _run_admin(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: ``sqlite`` or ``postgresql``."""
    return request.param


def _fresh_postgres_database(request: pytest.FixtureRequest, template: str | None) -> str:
    server_url = request.getfixturevalue("postgres_server_url")
    name = f"kpi_test_{uuid.uuid4().hex[:12]}"
    template_clause = f' TEMPLATE "{template}"' if template else ""
    # FILE_COPY (PostgreSQL 15+) copies a small template faster than the default WAL_LOG strategy.
    strategy_clause = " STRATEGY FILE_COPY" if _server_version(server_url) >= 150000 else ""
    _run_admin(server_url, f'CREATE DATABASE "{name}"{template_clause}{strategy_clause}')
    request.addfinalizer(lambda: _run_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return _url_for_database(server_url, name)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'kpi-advisor.db'}"
    return _fresh_postgres_database(request, template=None)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh database migrated to head, private to this test."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kpi-advisor.db'}"
        upgrade_database(url)
        return url
    return _fresh_postgres_database(request, template=request.getfixturevalue("postgres_template"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine made the way the bot makes it (WAL and foreign keys on SQLite) on this test's database."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on this test's database; whatever the test leaves uncommitted is rolled back."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on a free port, stopped after the test."""
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
