"""Configuration → URL: the default, the override, and hosting-style PostgreSQL URLs."""

import pytest

from bot.store import DEFAULT_DATABASE_URL, database_url_from_env, normalise_database_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/kpi", "postgresql+psycopg://u:p@db:5432/kpi"),
        ("postgresql://u:p@db/kpi?sslmode=require", "postgresql+psycopg://u:p@db/kpi?sslmode=require"),
        ("postgresql+psycopg://u@db/kpi", "postgresql+psycopg://u@db/kpi"),
        ("  postgres://db/kpi \n", "postgresql+psycopg://db/kpi"),
        ("sqlite:///kpi-advisor.db", "sqlite:///kpi-advisor.db"),
        ("sqlite:////var/lib/kpi/kpi.db", "sqlite:////var/lib/kpi/kpi.db"),
    ],
)
def test_postgres_urls_use_psycopg3_and_others_are_kept(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_default_is_a_sqlite_file_in_the_working_directory() -> None:
    assert database_url_from_env({}) == DEFAULT_DATABASE_URL == "sqlite:///kpi-advisor.db"
    assert database_url_from_env({"DATABASE_URL": "   "}) == "sqlite:///kpi-advisor.db"


def test_database_url_overrides_the_default() -> None:
    assert database_url_from_env({"DATABASE_URL": "postgres://bot@db/kpi"}) == "postgresql+psycopg://bot@db/kpi"


def test_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    assert database_url_from_env() == "sqlite:////tmp/elsewhere.db"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url_from_env() == "sqlite:///kpi-advisor.db"
