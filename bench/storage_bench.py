"""Storage benchmarks: bulk load of the sample data, and the "open shops with a menu under N won near a point"
query, on SQLite and PostgreSQL side by side in one run.

    uv run python -m bench.storage_bench [--rounds 3] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import datetime, timedelta

from bench.common import fresh_database, median, percentile, postgres_available, print_table
from storage.database import Database
from storage.hours import SEOUL
from storage.repositories import ShopRepository
from storage.sample import SampleData, generate_sample_data, insert_sample_data
from storage.settings import SampleDataSettings

KEY = b"bench-card-hash-key"
RADIUS_M = 1000.0


async def bulk_load(backend: str, data: SampleData, rounds: int) -> tuple[int, list[float]]:
    seconds: list[float] = []
    rows = 0
    for _ in range(rounds):
        async with fresh_database(backend) as db:
            started = time.perf_counter()
            inserted = await insert_sample_data(db, data)
            seconds.append(time.perf_counter() - started)
            rows = sum(inserted.values())
    return rows, seconds


async def query_latencies(db: Database, data: SampleData, queries: int, seed: int) -> tuple[list[float], list[int]]:
    rng = random.Random(seed)
    points = [(row["latitude"], row["longitude"]) for row in data.places]
    monday = datetime(2026, 11, 23, tzinfo=SEOUL)
    latencies: list[float] = []
    found: list[int] = []
    async with db.session() as session:
        repository = ShopRepository(session)
        for _ in range(queries):
            lat, lon = rng.choice(points)
            lat += rng.uniform(-0.003, 0.003)
            lon += rng.uniform(-0.003, 0.003)
            at = monday + timedelta(minutes=rng.randrange(7 * 1440))
            max_price = rng.choice([3000, 4300, 5000, 7000, 9500, 12000])
            started = time.perf_counter()
            matches = await repository.open_with_menu_under(
                latitude=lat, longitude=lon, radius_m=RADIUS_M, max_price=max_price, at=at
            )
            latencies.append((time.perf_counter() - started) * 1000)
            found.append(len(matches))
    return latencies, found


async def main(rounds: int, queries: int) -> None:
    data = generate_sample_data(SampleDataSettings(), KEY)
    backends = ["sqlite"] + (["postgres"] if await postgres_available() else [])
    load_rows = []
    query_rows = []
    for backend in backends:
        rows, seconds = await bulk_load(backend, data, rounds)
        best = median(seconds)
        load_rows.append([backend, rows, rounds, best, rows / best])
        async with fresh_database(backend) as db:
            await insert_sample_data(db, data)
            await query_latencies(db, data, 20, seed=1)  # warm the pool and caches
            latencies, found = await query_latencies(db, data, queries, seed=2)
        query_rows.append(
            [backend, queries, percentile(latencies, 50), percentile(latencies, 95), max(latencies), median(found)]
        )
    print_table(
        "Bulk load of the sample data (one transaction)",
        ["backend", "rows", "rounds", "median s", "rows/s"],
        load_rows,
    )
    print_table(
        f"Open shops with a menu under N won within {RADIUS_M:.0f} m (random point, time, N)",
        ["backend", "queries", "p50 ms", "p95 ms", "max ms", "median shops found"],
        query_rows,
    )
    if "postgres" not in backends:
        print("\nPostgreSQL was unreachable: only SQLite was measured.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.queries))
