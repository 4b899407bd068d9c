"""Alembic, driven from code: the migrations live in ``storage/migrations`` and need no alembic.ini.

Any number of processes may start at once (replicas, a CLI command beside the server): ``upgrade`` holds a lock
while it migrates, so one process runs each step and the others find the schema at head once they get the lock.
PostgreSQL takes an advisory lock inside the migration's own transaction; SQLite takes a file lock beside the
database file.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

MIGRATION_LOCK_KEY = 0x6B6B696E69_0001
"""The PostgreSQL advisory lock key of a migration ("kkini" in hex, then 1); one per database, whatever the schema."""
_FILE_LOCK_POLL_S = 0.05


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def migration_lock_path(url: URL) -> Path | None:
    """The file a SQLite database's migration locks: ``<db>.migrate.lock``; None for an in-memory database."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):  # a URI filename; its query is not part of the path
        return Path(url.database.removeprefix("file:").partition("?")[0] + ".migrate.lock")
    return Path(url.database + ".migrate.lock")


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` over one of its own connections, under the migration
    lock: when several processes call it at once, each waits for the one before it and none fails."""
    async with _file_lock(migration_lock_path(engine.url)), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await _advisory_lock(connection)
        await connection.run_sync(_run_upgrade, engine.url.render_as_string(hide_password=False), revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def _advisory_lock(connection: AsyncConnection) -> None:
    """Hold the migration lock until this transaction ends: taken on the connection alembic migrates over, it is
    released by the same commit that makes the new schema visible, and by the server if this process dies."""
    got = (
        await connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    ).scalar()
    if not got:
        logger.info("another process is migrating the database; waiting for it")
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


@asynccontextmanager
async def _file_lock(path: Path | None) -> AsyncIterator[None]:
    """Hold an exclusive flock on ``path`` (created if missing, never removed: removing it would let two processes
    lock two different files). The kernel releases it if this process dies."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    logger.info("another process is migrating the database (%s is locked); waiting for it", path)
                    waiting = True
                # Polled, not a blocking flock in a thread: the event loop keeps running and a cancelled wait
                # leaves no thread behind that would take the lock later.
                await asyncio.sleep(_FILE_LOCK_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _run_upgrade(connection: object, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
