"""The async database: one engine per process, sessions handed to repositories."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

logger = logging.getLogger(__name__)


class Database:
    """Owns the engine and makes sessions. Repositories receive a session; nothing else touches the engine."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        self.engine: AsyncEngine = _create_engine(url, echo=echo, pool_size=pool_size)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends and rolls back when it raises."""
        async with self._sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self.engine.dispose()


def _create_engine(url: str, *, echo: bool, pool_size: int) -> AsyncEngine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        parsed, server_settings = _split_libpq_options(parsed)
        if server_settings:
            kwargs["connect_args"] = {"server_settings": server_settings}
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _split_libpq_options(url: URL) -> tuple[URL, dict[str, str]]:
    """Turn libpq's ``options=-csearch_path=app`` into asyncpg server settings, which asyncpg takes instead."""
    options = url.query.get("options")
    if not options:
        return url, {}
    text = options if isinstance(options, str) else " ".join(options)
    settings: dict[str, str] = {}
    for part in text.replace("-c ", "-c").split():
        if not part.startswith("-c") or "=" not in part:
            raise ValueError(f"unsupported PostgreSQL option {part!r}: expected -cname=value")
        name, _, value = part[2:].partition("=")
        settings[name] = value
    return url.difference_update_query(["options"]), settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while a writer holds the lock; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
