"""Ordering: ``find_product`` latency over varied product names (exact, slang, typos, spacing, sizes, unclear, not
on the menu) on the sample burger shop, 든든버거 강남역점, and whole order turns through the engine on the offline path
(SQLite, in-process store): add a set, change its side and drink, look at the cart, one more, take it out, a topping,
check out.

    uv run python -m bench.ordering_bench [--lookups 5000] [--conversations 60]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import time
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.common import percentile, print_table
from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.messages import Final, IncomingMessage
from dialogue.ordering.catalogue import OrderCatalogue, ShopMenu
from storage.database import Database
from storage.hours import SEOUL
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings

KEY = b"bench-card-hash-key"
QUERIES = [
    "불고기버거 세트",
    "불고기 세트",
    "불고기벼거 세트",
    "불고기버거세트",
    "한우불고기버거 세트",
    "새우버거",
    "새우 세트",
    "치즈버거",
    "더블 치즈버거 세트",
    "데리버거",
    "매운치킨버거",
    "감튀",
    "감자튀김 라지",
    "감자튀김 (L)",
    "양념감자",
    "양념 감자 칠리",
    "양념감지",
    "콜라",
    "제로콜라",
    "사이다 라지",
    "치즈스틱",
    "치즈 스틱",
    "너겟",
    "오쥬",
    "치즈",
    "베이컨 토핑",
    "에그 머핀",
    "버거",
    "세트",
    "떡볶이",
]
CONVERSATION = [
    "불고기버거 세트 하나 주세요",
    "감자튀김 양념감자로 바꿔줘",
    "콜라 생수로",
    "장바구니 보여줘",
    "하나 더",
    "아까 그거 빼줘",
    "치즈버거 하나랑 치즈스틱 하나",
    "치즈 추가",
    "주문할게",
]
LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)


def find_latencies(menu: ShopMenu, count: int, seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    by_kind: dict[str, list[float]] = {"all": []}
    for _ in range(count):
        query = rng.choice(QUERIES)
        started = time.perf_counter()
        found = menu.find(query)
        elapsed = (time.perf_counter() - started) * 1000
        kind = "found" if found.item else "choices" if found.choices else "not found"
        by_kind["all"].append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
    return by_kind


async def run(lookups: int, conversations: int) -> None:
    with TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(), KEY)
        menus = await OrderCatalogue(db).menus()
        if not menus:
            raise SystemExit("no ordering shop in the sample data")
        menu = next(iter(menus.values()))
        gc.collect()
        gc.freeze()
        find_latencies(menu, 300, seed=1)  # warm up
        found = find_latencies(menu, lookups, seed=2)
        print_table(
            f"find_product on {menu.shop_name} ({len(menu.items)} items, {lookups:,} lookups of {len(QUERIES)} names)",
            ["lookups", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            [
                [kind, len(v), percentile(v, 50), percentile(v, 95), percentile(v, 99), max(v)]
                for kind, v in found.items()
            ],
        )

        kv = InProcessStore("bench:")
        services = Services(settings=Settings(data_dir=Path(folder)), db=db, kv=kv, card_hash_key=KEY)
        turns: dict[str, list[float]] = {}
        async with running_dialogue(services) as engine:
            for index in range(conversations + 2):
                user = f"demo{index % 30 + 7:02d}"
                for text in CONVERSATION:
                    message = IncomingMessage("console", user, text=text, received_at=LUNCH)
                    started = time.perf_counter()
                    intent = None
                    async for event in engine.handle(message):
                        if isinstance(event, Final):
                            intent = event.intent
                    elapsed = (time.perf_counter() - started) * 1000
                    if index >= 2:  # the first conversations warm caches and the connection
                        turns.setdefault("all order turns", []).append(elapsed)
                        turns.setdefault(f"  {text} ({intent})", []).append(elapsed)
        print_table(
            f"Order turns through DialogueEngine.handle ({conversations} conversations of {len(CONVERSATION)} turns)",
            ["turn", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            [[name, percentile(v, 50), percentile(v, 95), percentile(v, 99), max(v)] for name, v in turns.items()],
        )
        await kv.close()
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--conversations", type=int, default=60)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.lookups, arguments.conversations))
