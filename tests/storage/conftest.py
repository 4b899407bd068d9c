"""Databases for storage tests: a fresh SQLite file and a fresh PostgreSQL schema, both migrated to head."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from storage.database import Database
from storage.migrate import upgrade
from tests.conftest import postgres_schema


@asynccontextmanager
async def migrated(url: str) -> AsyncIterator[Database]:
    db = Database(url, pool_size=2)
    try:
        await upgrade(db.engine)
        yield db
    finally:
        await db.close()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}") as db:
        yield db


@pytest.fixture
async def postgres_db(postgres_url: str) -> AsyncIterator[Database]:
    async with migrated(postgres_url) as db:
        yield db


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}") as database:
            yield database
        return
    server = request.getfixturevalue("postgres_server")
    async with postgres_schema(server) as url, migrated(url) as database:
        yield database
