"""Any number of processes may start at once: the first migration runs once and every process comes up at head.

Real processes, released together: each one imports everything, says it is ready, and waits on its stdin; once all
are ready the test lets them go at the same moment, so they race on the empty database the way replicas do.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.migrate import MIGRATION_LOCK_KEY, current_revision, head_revision, migration_lock_path, upgrade
from tests.conftest import REPO_ROOT, postgres_schema

_CHILD = """
import asyncio, sys
from storage.database import Database
from storage.migrate import current_revision, upgrade

async def main(url: str) -> None:
    db = Database(url, pool_size=1)
    try:
        print("ready", flush=True)
        sys.stdin.readline()
        await upgrade(db.engine)
        print(await current_revision(db.engine), flush=True)
    finally:
        await db.close()

asyncio.run(main(sys.argv[1]))
"""


async def _start_together(url: str, processes: int) -> list[tuple[int, str, str]]:
    """Exit status, stdout and stderr of ``processes`` children that migrate ``url`` at the same moment."""
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _CHILD,
            url,
            cwd=REPO_ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write(b"go\n")
    results = await asyncio.wait_for(asyncio.gather(*(child.communicate() for child in children)), timeout=90)
    return [
        (child.returncode if child.returncode is not None else -1, out.decode(), err.decode())
        for child, (out, err) in zip(children, results, strict=True)
    ]


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b.*$", re.MULTILINE)


def _what_failed(stderr: str) -> str:
    """The last exception line of a child's traceback (SQLAlchemy ends its messages with a link, not the error)."""
    lines = _EXCEPTION_LINE.findall(stderr)
    return lines[-1][:300] if lines else stderr.strip()[-300:]


async def _assert_at_head_once(url: str, results: list[tuple[int, str, str]]) -> None:
    failed = [(code, _what_failed(err)) for code, _, err in results if code != 0]
    assert failed == [], f"{len(failed)} of {len(results)} processes failed: {failed}"
    assert [out.strip() for _, out, _ in results] == [head_revision()] * len(results)
    db = Database(url, pool_size=1)
    try:
        assert await current_revision(db.engine) == head_revision()
        async with db.engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert versions == [head_revision()]
    finally:
        await db.close()


@pytest.mark.parametrize("processes", [3, 5])
async def test_simultaneous_first_starts_on_sqlite_all_come_up(tmp_path: Path, processes: int) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}"
    await _assert_at_head_once(url, await _start_together(url, processes))


@pytest.mark.postgres
@pytest.mark.parametrize("processes", [3, 5])
async def test_simultaneous_first_starts_on_postgres_all_come_up(postgres_server: str, processes: int) -> None:
    async with postgres_schema(postgres_server) as url:
        await _assert_at_head_once(url, await _start_together(url, processes))


@contextmanager
def logged(text: str) -> Iterator[asyncio.Event]:
    """An event set once ``storage.migrate`` logs a message containing ``text`` (from any thread)."""
    loop = asyncio.get_running_loop()
    seen = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if text in record.getMessage():
                loop.call_soon_threadsafe(seen.set)

    migrate_logger = logging.getLogger("storage.migrate")
    handler, level = Watch(), migrate_logger.level
    migrate_logger.addHandler(handler)
    migrate_logger.setLevel(logging.INFO)
    try:
        yield seen
    finally:
        migrate_logger.removeHandler(handler)
        migrate_logger.setLevel(level)


async def test_sqlite_upgrade_waits_for_the_lock_file_beside_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}"
    lock_path = migration_lock_path(make_url(url))
    assert lock_path == tmp_path / "kkini.db.migrate.lock"
    caplog.set_level(logging.INFO, logger="storage.migrate")
    db = Database(url, pool_size=1)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process migrating
        with logged("waiting for it") as waiting:
            migrating = asyncio.create_task(upgrade(db.engine))
            await asyncio.wait_for(waiting.wait(), 30)  # the upgrade found the lock file held
        assert "kkini.db.migrate.lock is locked" in caplog.text
        assert not migrating.done()
        assert await current_revision(db.engine) is None
        fcntl.flock(fd, fcntl.LOCK_UN)
        await asyncio.wait_for(migrating, 30)
        assert await current_revision(db.engine) == head_revision()
    finally:
        os.close(fd)
        await db.close()


@pytest.mark.postgres
async def test_postgres_upgrade_waits_for_the_advisory_lock_and_releases_it(postgres_url: str) -> None:
    dsn = make_url(postgres_url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    holder = await asyncpg.connect(dsn)
    db = Database(postgres_url, pool_size=1)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)  # another process migrating
        with logged("waiting for it") as waiting:
            migrating = asyncio.create_task(upgrade(db.engine))
            await asyncio.wait_for(waiting.wait(), 30)  # the upgrade found the advisory lock taken
        assert not migrating.done()
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        await asyncio.wait_for(migrating, 30)
        assert await current_revision(db.engine) == head_revision()
        # The lock went with the migration's transaction: nobody holds it now.
        assert await holder.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATION_LOCK_KEY)
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
    finally:
        await holder.close()
        await db.close()
