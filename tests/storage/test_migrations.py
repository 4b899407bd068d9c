"""Migrations take an empty database to head and back, and the result matches the models exactly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.database import Database
from storage.migrate import alembic_config, current_revision, head_revision, upgrade


async def test_empty_database_reaches_head(db: Database) -> None:
    assert await current_revision(db.engine) == head_revision()
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert set(SQLModel.metadata.tables) <= tables


async def test_models_and_migrations_agree(db: Database) -> None:
    def diff(sync_connection: object) -> list[object]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, SQLModel.metadata))

    async with db.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_upgrade_twice_is_harmless(db: Database) -> None:
    await upgrade(db.engine)
    assert await current_revision(db.engine) == head_revision()


async def test_downgrade_to_base_drops_every_table_and_upgrade_rebuilds_the_same_schema(db: Database) -> None:
    def tables_of(sync: Connection) -> dict[str, list[tuple[str, str, bool]]]:
        inspector = inspect(sync)
        return {
            table: [
                (column["name"], str(column["type"]), column["nullable"]) for column in inspector.get_columns(table)
            ]
            for table in inspector.get_table_names()
        }

    def migrate(sync: Connection, action: str, revision: str) -> None:
        config = alembic_config(db.engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = sync
        getattr(command, action)(config, revision)

    async with db.engine.begin() as connection:
        at_head = await connection.run_sync(tables_of)
        await connection.run_sync(migrate, "downgrade", "base")
        assert set(await connection.run_sync(tables_of)) == {"alembic_version"}
        await connection.run_sync(migrate, "upgrade", "head")
        assert await connection.run_sync(tables_of) == at_head
    assert await current_revision(db.engine) == head_revision()
