"""Where the database is: one place that turns configuration into a SQLAlchemy URL."""

from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "sqlite:///kpi-advisor.db"

_PSYCOPG_PREFIXES = ("postgres://", "postgresql://")


def normalise_database_url(url: str) -> str:
    """Return ``url`` with PostgreSQL URLs pointed at the psycopg 3 driver.

    Hosting platforms hand out ``postgres://`` (which SQLAlchemy rejects) or bare ``postgresql://`` (which SQLAlchemy
    maps to psycopg2, a driver we do not install). Both mean "PostgreSQL", so both become ``postgresql+psycopg://``.
    URLs that already name a driver are left alone.
    """
    url = url.strip()
    for prefix in _PSYCOPG_PREFIXES:
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url_from_env(environ: dict[str, str] | None = None) -> str:
    """Return the database URL from ``DATABASE_URL``, or a SQLite file in the working directory when it is unset."""
    env = os.environ if environ is None else environ
    configured = env.get("DATABASE_URL", "").strip()
    return normalise_database_url(configured or DEFAULT_DATABASE_URL)
