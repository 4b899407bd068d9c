"""Key-value store operations, one at a time as a turn issues them, on the in-process dict, the SQLite file and Redis
side by side in one run: p50 and p95 in microseconds.

    uv run python -m bench.kv_bench [--ops 3000] [--redis-url redis://127.0.0.1:6379/0]

The SQLite store runs its statements on a thread of its own; the "SQLite statement alone" columns time the same
work on that thread without the hop from the event loop, so the difference is what the thread costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import redis.asyncio

from bench.common import percentile, print_table
from storage.kv import InProcessStore, KeyValueStore, RedisStore, SqliteStore
from storage.kv.sqlite_file import STRING
from storage.kv.sqlite_keyspace import UPSERT, Keyspace

REDIS_URL = os.environ.get("KKINI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
WARMUP = 200
SESSION = json.dumps(
    {
        "turns": [
            {"role": "user" if i % 2 else "bot", "text": "강남역 근처에 5천원으로 떡볶이 먹을 데 있어?"}
            for i in range(12)
        ],
        "slots": {"budget": 5000, "food": "떡볶이", "location": "강남역"},
    },
    ensure_ascii=False,
)  # about 2 KB in UTF-8, like a session of a dozen turns

Operation = Callable[[KeyValueStore, int], Awaitable[object]]


async def _session_turn(store: KeyValueStore, i: int) -> None:
    key = f"session:console:demo{i % 60:02d}"
    await store.get(key)
    await store.set(key, SESSION, ttl=86_400)


async def _lock_turn(store: KeyValueStore, i: int) -> None:
    owner = f"w{i}"
    await store.acquire_lock(f"turn:demo{i % 60:02d}", owner, ttl=30)
    await store.release_lock(f"turn:demo{i % 60:02d}", owner)


OPERATIONS: dict[str, Operation] = {
    "get": lambda store, i: store.get(f"session:console:demo{i % 60:02d}"),
    "set (ttl)": lambda store, i: store.set(f"tg-button:{i % 500}", "order:add:42", ttl=3600),
    "set_if_absent": lambda store, i: store.set_if_absent(f"dedup:telegram:{uuid.uuid4().hex}", "1", ttl=86_400),
    "incr": lambda store, i: store.incr(f"rate:telegram:user{i % 60}", ttl=60),
    "lock acquire+release": _lock_turn,
    "session get+set (2 KB JSON)": _session_turn,
}


async def latencies(store: KeyValueStore, operation: Operation, count: int) -> list[float]:
    for i in range(WARMUP):
        await operation(store, i)
    out: list[float] = []
    for i in range(count):
        started = time.perf_counter()
        await operation(store, i)
        out.append((time.perf_counter() - started) * 1e6)
    return out


def statement_latencies(space: Keyspace, count: int) -> dict[str, list[float]]:
    """The SQLite work of `get`, `set` and the session turn without the thread hop (run on the store's thread)."""
    out: dict[str, list[float]] = {"get": [], "set (ttl)": [], "session get+set (2 KB JSON)": []}

    def write(key: str, value: str, ttl: float) -> None:
        space.conn.execute(UPSERT, {"key": key, "kind": STRING, "value": value, "expires_at": space.expiry(ttl)})
        space.wrote()

    for i in range(WARMUP + count):
        key = f"bench:session:console:demo{i % 60:02d}"
        started = time.perf_counter()
        space.row(key)
        get = time.perf_counter()
        write(f"bench:tg-button:{i % 500}", "order:add:42", 3600)
        put = time.perf_counter()
        space.row(key)
        write(key, SESSION, 86_400)
        done = time.perf_counter()
        if i >= WARMUP:
            out["get"].append((get - started) * 1e6)
            out["set (ttl)"].append((put - get) * 1e6)
            out["session get+set (2 KB JSON)"].append((done - put) * 1e6)
    return out


async def redis_store(url: str) -> RedisStore | None:
    client = redis.asyncio.Redis.from_url(url, decode_responses=True, socket_connect_timeout=2)
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        return None
    return RedisStore(client, f"kkini-bench:{uuid.uuid4().hex[:8]}:")


async def clear_redis(store: RedisStore, url: str) -> None:
    client = redis.asyncio.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=store.prefix + "*", count=1000)]
        for start in range(0, len(keys), 1000):
            await client.delete(*keys[start : start + 1000])
    finally:
        await client.aclose()


async def main(count: int, redis_url: str) -> None:
    results: dict[str, dict[str, list[float]]] = {}
    with TemporaryDirectory() as folder:
        stores: dict[str, KeyValueStore] = {
            "in-process": InProcessStore("bench:"),
            "SQLite": SqliteStore(Path(folder) / "kv.sqlite3", "bench:"),
        }
        remote = await redis_store(redis_url)
        if remote is not None:
            stores["Redis"] = remote
        for backend, store in stores.items():
            results[backend] = {name: await latencies(store, op, count) for name, op in OPERATIONS.items()}
        sqlite = stores["SQLite"]
        assert isinstance(sqlite, SqliteStore)
        results["SQLite statement alone"] = await sqlite._run(lambda space: statement_latencies(space, count))
        for store in stores.values():
            await store.close()
        if remote is not None:
            await clear_redis(remote, redis_url)
    backends = list(results)
    rows: list[list[object]] = []
    for name in OPERATIONS:
        row: list[object] = [name]
        for backend in backends:
            values = results[backend].get(name)
            row += ["-", "-"] if values is None else [percentile(values, 50), percentile(values, 95)]
        rows.append(row)
    print_table(
        f"Key-value operations, one at a time ({count:,} each after {WARMUP} to warm up), microseconds",
        ["operation", *[f"{backend} {q}" for backend in backends for q in ("p50 µs", "p95 µs")]],
        rows,
    )
    if remote is None:
        print(f"\nRedis at {redis_url} was unreachable: its columns were left out.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=3000, help="timed operations per measure")
    parser.add_argument("--redis-url", default=REDIS_URL)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.ops, arguments.redis_url))
