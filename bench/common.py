"""Helpers for benchmarks: percentiles, a printed table, and databases to run against."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import asyncpg

from storage.database import Database
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("KKINI_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


RECORD_ENV = "KKINI_BENCH_RECORD"
"""When set, every printed table is also appended to this file as one JSON line (``python -m bench`` reads it)."""


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(cell) for cell in header], *[[_fmt(cell) for cell in row] for row in rows]]
    record = os.environ.get(RECORD_ENV)
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.write(json.dumps({"title": title, "header": cells[0], "rows": cells[1:]}, ensure_ascii=False) + "\n")
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[Database]:
    """An empty database migrated to head: a temporary SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        with TemporaryDirectory() as folder:
            db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
            try:
                await upgrade(db.engine)
                yield db
            finally:
                await db.close()
        return
    schema = "bench_" + uuid.uuid4().hex[:10]
    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    db = Database(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", pool_size=4)
    try:
        await upgrade(db.engine)
        yield db
    finally:
        await db.close()
        conn = await asyncpg.connect(dsn)
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


async def postgres_available() -> bool:
    try:
        conn = await asyncio.wait_for(asyncpg.connect(POSTGRES_URL.replace("+asyncpg", "")), 5)
    except Exception:
        return False
    await conn.close()
    return True
