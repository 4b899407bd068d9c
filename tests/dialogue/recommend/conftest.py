"""The sample data in a real database, loaded once per test module (SQLite, and PostgreSQL where asked for)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio

from storage.database import Database
from storage.hours import SEOUL
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.conftest import postgres_schema
from tests.storage.conftest import migrated

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=SEOUL)
"""The sample data is generated around Monday 2026-11-23 20:00 in Seoul."""
KEY = b"recommend-test-key"


@asynccontextmanager
async def sample_database(url: str, shared_dir: Path) -> AsyncIterator[Database]:
    async with migrated(url) as db:
        await load_sample_data(db, SampleDataSettings(), KEY, now=NOW)
        yield db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sample_sqlite(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> AsyncIterator[Database]:
    path = tmp_path_factory.mktemp("recommend") / "kkini.db"
    async with sample_database(f"sqlite+aiosqlite:///{path}", shared_dir) as db:
        yield db


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def sample_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path
) -> AsyncIterator[Database]:
    """The sample data on SQLite and on PostgreSQL, once per module each."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("recommend") / "kkini.db"
        async with sample_database(f"sqlite+aiosqlite:///{path}", shared_dir) as db:
            yield db
        return
    server = request.getfixturevalue("postgres_server")
    async with postgres_schema(server) as url, sample_database(url, shared_dir) as db:
        yield db
