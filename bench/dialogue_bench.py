"""The dialogue engine on the offline path: ``handle`` latency over 1,000 varied messages on the sample data
(SQLite, in-process store), the same turns on the in-process store and on the SQLite key-value store side by side,
and the memory that 10,000 live sessions take.

    uv run python -m bench.dialogue_bench [--messages 1000] [--sessions 10000] [--burger-dir ../shared/data/burger]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import time
import tracemalloc
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from kiwipiepy import Kiwi

from bench.common import percentile, print_table
from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.messages import Final, IncomingMessage
from dialogue.nlu.understander import OfflineNLU
from dialogue.session import Session, SessionStore, Turn
from storage.database import Database
from storage.hours import SEOUL
from storage.kv import InProcessStore, KeyValueStore, SqliteStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings

KEY = b"bench-card-hash-key"
FOODS = ["떡볶이", "김밥", "치킨", "짜장면", "돈까스", "국밥", "햄버거", "라면", "피자", "분식", "한식", "중식"]
PLACES = ["강남역", "역삼역", "홍대입구역", "합정역", "망원역", "춘천역", "학교 앞", "근처"]
AMOUNTS = ["3천원", "4,300원", "5000원", "오천원", "7천원", "만원", "9500원", "6천 원"]
TEMPLATES = [
    "{amount}으로 뭐 먹지?",
    "배고픈데 {amount}밖에 없어",
    "{food} 먹고 싶어",
    "{place} 근처에 {food} 파는 데 있어?",
    "{place} 쪽에 먹을 데 알려줘",
    "지금 열린 곳 있어?",
    "너무 배고파 빨리 먹을 수 있는 거",
    "친구 3명이랑 {food} 먹을 데",
    "{food} 말고 다른 거",
    "그럼 {food}은?",
    "다른 데 보여줘",
    "매운 거 빼고 {amount}으로",
    "카드 잔액 얼마야?",
    "오늘 얼마 더 쓸 수 있어?",
    "쓸 수 있는 쿠폰 있어?",
    "안녕",
    "고마워",
    "내일 날씨 어때?",
    "점심에 {food} 먹을래",
    "저녁으로 {amount} 안에서 추천해줘",
]


def messages(count: int, seed: int) -> list[IncomingMessage]:
    rng = random.Random(seed)
    base = (time.time() // 60) * 60
    out = []
    for index in range(count):
        text = rng.choice(TEMPLATES).format(
            food=rng.choice(FOODS), place=rng.choice(PLACES), amount=rng.choice(AMOUNTS)
        )
        user = f"demo{rng.randint(1, 60):02d}"
        moment = (base + rng.randrange(7 * 1440) * 60) if rng.random() < 0.5 else base
        out.append(
            IncomingMessage(
                "console", user, text=text, received_at=datetime.fromtimestamp(moment, SEOUL), delivery_id=str(index)
            )
        )
    return out


async def handle_latencies(burger_dir: Path, count: int) -> tuple[list[float], dict[str, list[float]]]:
    with TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(burger_dir=burger_dir), KEY)
        kv = InProcessStore("bench:")
        services = Services(settings=Settings(data_dir=Path(folder)), db=db, kv=kv, card_hash_key=KEY)
        latencies: list[float] = []
        stages: dict[str, list[float]] = {}
        async with running_dialogue(services) as engine:
            gc.collect()
            gc.freeze()
            for message in messages(50, seed=1):  # warm caches, the classifier and the connection
                async for _ in engine.handle(message):
                    pass
            for message in messages(count, seed=2):
                started = time.perf_counter()
                async for event in engine.handle(message):
                    if isinstance(event, Final):
                        for name, value in event.meta.timings_ms.items():
                            stages.setdefault(name, []).append(value)
                latencies.append((time.perf_counter() - started) * 1000)
        await kv.close()
        await db.close()
    return latencies, stages


async def store_comparison(burger_dir: Path, count: int) -> dict[str, list[float]]:
    """``handle`` latency per key-value store: one engine on each, the same messages, taken in turns.

    Each engine has a database of its own, so both see the same conversations; they share the data dir (the knowledge
    index), Kiwi and the NLU. Which engine goes first alternates message by message, so neither gains from the other
    warming a cache.
    """
    with TemporaryDirectory() as folder:
        stores: dict[str, KeyValueStore] = {
            "in-process store": InProcessStore("bench:"),
            "SQLite store": SqliteStore(Path(folder) / "kv.sqlite3", "bench:"),
        }
        kiwi = await asyncio.to_thread(Kiwi)
        nlu = await asyncio.to_thread(OfflineNLU, kiwi=kiwi)
        engines: dict[str, DialogueEngine] = {}
        latencies: dict[str, list[float]] = {name: [] for name in stores}
        async with AsyncExitStack() as stack:
            for index, (name, kv) in enumerate(stores.items()):
                db = Database(f"sqlite+aiosqlite:///{Path(folder) / f'bench-{index}.db'}")
                stack.push_async_callback(db.close)
                stack.push_async_callback(kv.close)
                await upgrade(db.engine)
                await load_sample_data(db, SampleDataSettings(burger_dir=burger_dir), KEY)
                services = Services(settings=Settings(data_dir=Path(folder)), db=db, kv=kv, card_hash_key=KEY)
                engines[name] = await stack.enter_async_context(running_dialogue(services, nlu=nlu, kiwi=kiwi))
            gc.collect()
            gc.freeze()
            for message in messages(50, seed=1):  # warm caches, the classifier and the connections
                for engine in engines.values():
                    async for _ in engine.handle(message):
                        pass
            for position, message in enumerate(messages(count, seed=3)):
                order = list(engines.items())
                for name, engine in order if position % 2 == 0 else reversed(order):
                    started = time.perf_counter()
                    async for _ in engine.handle(message):
                        pass
                    latencies[name].append((time.perf_counter() - started) * 1000)
    return latencies


async def session_memory(count: int) -> tuple[float, int]:
    """Bytes held by ``count`` sessions of ten turns and a few slots in the in-process store."""
    store = SessionStore(InProcessStore("mem:"))
    turns = [
        Turn("user", "강남역 근처에 5천원으로 떡볶이 먹을 데 있어?", "food_request"),
        Turn("bot", "강남역 근처에서 5,000원으로 지금 갈 수 있는 곳이에요. " * 3),
    ]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for index in range(count):
        session = Session(key=SessionStore.key_for("telegram", str(100000 + index)), user_id=index)
        session.turns = [turns[i % 2] for i in range(10)]
        session.slots = {"budget": 5000, "food": "떡볶이", "food_category": "분식", "location": "강남역", "_at": 0.0}
        session.last_shops = [1, 2, 3, 4, 5]
        await store.save(session)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count, after - before


async def main(count: int, sessions: int, burger_dir: Path) -> None:
    latencies, stages = await handle_latencies(burger_dir, count)
    print_table(
        f"DialogueEngine.handle on the offline path ({count} varied messages, SQLite, in-process store)",
        ["measure", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        [
            [
                "handle (whole turn)",
                percentile(latencies, 50),
                percentile(latencies, 95),
                percentile(latencies, 99),
                max(latencies),
            ]
        ]
        + [
            [f"  stage: {name}", percentile(v, 50), percentile(v, 95), percentile(v, 99), max(v)]
            for name, v in stages.items()
        ],
    )
    compared = await store_comparison(burger_dir, count)
    memory, sqlite = compared["in-process store"], compared["SQLite store"]
    print_table(
        f"DialogueEngine.handle on the in-process store vs the SQLite store ({count} messages, taken in turns)",
        ["store", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        [[name, percentile(v, 50), percentile(v, 95), percentile(v, 99), max(v)] for name, v in compared.items()]
        + [
            [
                "ratio SQLite / in-process",
                percentile(sqlite, 50) / percentile(memory, 50),
                percentile(sqlite, 95) / percentile(memory, 95),
                percentile(sqlite, 99) / percentile(memory, 99),
                max(sqlite) / max(memory),
            ]
        ],
    )
    per_session, total = await session_memory(sessions)
    print_table(
        "Session memory in the in-process store",
        ["sessions", "bytes per session", "total MiB"],
        [[sessions, per_session, total / 2**20]],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--burger-dir", type=Path, default=Path("../shared/data/burger"))
    arguments = parser.parse_args()
    asyncio.run(main(arguments.messages, arguments.sessions, arguments.burger_dir))
