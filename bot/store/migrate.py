"""Alembic, driven from code: the migrations ship inside the package, so no alembic.ini is needed at run time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from bot.store.urls import normalise_database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Return an Alembic config for our migrations, aimed at ``url`` or an already open ``connection``.

    The URL travels in ``Config.attributes`` rather than ``sqlalchemy.url`` so passwords containing ``%`` survive
    ConfigParser interpolation. With neither given, ``env.py`` falls back to ``DATABASE_URL``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    if url is not None:
        config.attributes["database_url"] = normalise_database_url(url)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (the newest by default); safe to run on every start."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """Return the newest migration's revision id, as shipped with this version of the bot."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """Return the revision the connected database is at, or None if it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()
