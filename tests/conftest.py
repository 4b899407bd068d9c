"""Suite-wide fixtures: the loopback guard, real PostgreSQL and Redis servers, isolated per test."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests import netguard
from tests.fakes.clock import FakeClock

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("KKINI_TEST_SHARED_DIR", REPO_ROOT.parent / "shared"))
POSTGRES_URL = os.environ.get("KKINI_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KKINI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"

_uninstall_guard = netguard.install()

# Settings are read from the environment; keep the developer's own KKINI_* values out of the suite.
for _name in [name for name in os.environ if name.startswith("KKINI_") and not name.startswith("KKINI_TEST_")]:
    del os.environ[_name]


def _unavailable(what: str, error: BaseException) -> None:
    """Fail under CI=true, skip elsewhere: CI must never pass by skipping the real servers."""
    message = f"{what} is unreachable: {error!r}"
    if IN_CI:
        pytest.fail(message + " (CI=true requires it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.fail(f"../shared is missing at {SHARED_DIR}; set KKINI_TEST_SHARED_DIR", pytrace=False)
    return SHARED_DIR


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL URL after checking once that the server answers."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
        await conn.close()

    try:
        # Its own loop in its own thread: this fixture may be first requested from inside a running loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, probe()).result()
    except Exception as error:
        _unavailable("PostgreSQL at " + POSTGRES_URL, error)
    return POSTGRES_URL


@asynccontextmanager
async def postgres_schema(server_url: str) -> AsyncIterator[str]:
    """A URL whose connections use a schema of their own, dropped when the block ends."""
    import asyncpg

    schema = "t_" + uuid.uuid4().hex[:12]
    conn = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        conn = await asyncpg.connect(_asyncpg_dsn(server_url))
        try:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await conn.close()


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A PostgreSQL URL with a schema of this test's own."""
    async with postgres_schema(postgres_server) as url:
        yield url


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The Redis URL after checking once that the server answers."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
        client.ping()
        client.close()
    except Exception as error:
        _unavailable("Redis at " + REDIS_URL, error)
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_server: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"kkini-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_server)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
def clock() -> FakeClock:
    """The suite's one fake clock, at 1000 s (the job tests start theirs on a Tuesday evening)."""
    return FakeClock()
