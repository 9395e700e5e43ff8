"""Migrations build the schema from nothing on both backends, and stay in step with the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect

from bot.store import current_revision, head_revision, make_engine, upgrade_database
from bot.store.models import Base

EXPECTED_TABLES = {
    "workspaces",
    "kpis",
    "kpi_values",
    "kpi_changes",
    "checkins",
    "conversations",
    "conversation_turns",
    "processed_events",
    "channel_reviews",
    "review_schedules",
}


def _drift(engine: Engine, metadata: MetaData) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, metadata)


def _name_of(entry: tuple) -> str:
    return entry[1].name if entry[0] == "add_table" else entry[3].name


def test_upgrade_builds_every_table_on_an_empty_database(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        assert set(inspect(engine).get_table_names()) == set()
        upgrade_database(empty_db_url)
        assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES | {"alembic_version"}
        with engine.connect() as connection:
            assert current_revision(connection) == head_revision() is not None
    finally:
        engine.dispose()


def test_models_and_migrations_are_in_step(empty_db_url: str) -> None:
    upgrade_database(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        assert _drift(engine, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_drift_check_notices_a_model_change_without_a_migration(engine: Engine) -> None:
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    Table("unmigrated", changed, Column("id", Integer, primary_key=True))
    changed.tables["kpis"].append_column(Column("unmigrated_column", Integer))

    drift = _drift(engine, changed)

    assert sorted((entry[0], _name_of(entry)) for entry in drift) == [
        ("add_column", "unmigrated_column"),
        ("add_table", "unmigrated"),
    ]


def test_upgrading_again_changes_nothing(db_url: str) -> None:
    upgrade_database(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            assert current_revision(connection) == head_revision()
        assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES | {"alembic_version"}
    finally:
        engine.dispose()
