"""The only door to the database: models, engine and sessions, migrations, and the repository functions."""

from bot.store.engine import database_writable, make_engine, make_sessionmaker, session_scope
from bot.store.errors import CheckinNotFound, ConversationNotFound, KpiNotFound, StoreError, WorkspaceNotFound
from bot.store.migrate import alembic_config, current_revision, head_revision, upgrade_database
from bot.store.types import INTEGER_MAX, is_row_number
from bot.store.urls import DEFAULT_DATABASE_URL, database_url_from_env, normalise_database_url

__all__ = [
    "DEFAULT_DATABASE_URL",
    "INTEGER_MAX",
    "CheckinNotFound",
    "ConversationNotFound",
    "KpiNotFound",
    "StoreError",
    "WorkspaceNotFound",
    "alembic_config",
    "current_revision",
    "database_url_from_env",
    "database_writable",
    "head_revision",
    "is_row_number",
    "make_engine",
    "make_sessionmaker",
    "normalise_database_url",
    "session_scope",
    "upgrade_database",
]
