"""Recommender benchmark: ``Recommender.recommend`` over varied queries on the sample data in SQLite, with the
catalogue snapshot warm, and the cost of (re)loading the snapshot itself.

    uv run python -m bench.recommend_bench [--queries 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from bench.common import fresh_database, median, percentile, print_table
from dialogue.recommend.catalogue import Catalogue, load
from dialogue.recommend.personal import PersonalCache
from dialogue.recommend.recommender import Recommender
from dialogue.recommend.types import RecommendationQuery
from storage.database import Database
from storage.hours import SEOUL
from storage.models import ChannelIdentity, MealCard, Place
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings

KEY = b"bench-card-hash-key"
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=SEOUL)  # a Monday evening
MEAL_TIMES = (8 * 60, 12 * 60, 12 * 60 + 30, 15 * 60 + 30, 18 * 60, 20 * 60, 21 * 60, 23 * 60 + 30, 60)
FOODS = ("분식", "떡볶이", "김밥", "치킨", "햄버거", "국밥", "한식", "라면")
DIETARY = ("no_spicy", "no_pork", "vegetarian", "allergy:새우")


async def users_and_places(db: Database) -> tuple[list[tuple[int, int, int]], list[Place]]:
    """(user_id, balance, today's remaining) of every demo card holder, and the named places."""
    from sqlmodel import select

    async with db.session() as session:
        rows = await session.exec(
            select(ChannelIdentity.user_id, MealCard.balance, MealCard.daily_limit, MealCard.spent_today).join(
                MealCard,
                MealCard.user_id == ChannelIdentity.user_id,  # type: ignore[arg-type]
            )
        )
        users = [(user_id, balance, max(0, limit - spent)) for user_id, balance, limit, spent in rows.all()]
        places = list((await session.exec(select(Place))).all())
    return users, places


def make_queries(
    count: int, users: list[tuple[int, int, int]], places: list[Place], rng: random.Random
) -> list[tuple[str, RecommendationQuery]]:
    """(scenario, query): a point near a landmark or an area, a moment in the week, a child or nobody."""
    queries: list[tuple[str, RecommendationQuery]] = []
    for _ in range(count):
        day = rng.randrange(7)
        minute = rng.choice(MEAL_TIMES) + rng.randrange(-30, 31) if rng.random() < 0.7 else rng.randrange(1440)
        minute = min(max(minute, 0), 1439)  # stay inside the week whose closures the snapshot holds
        at = NOW.replace(hour=0, minute=0) + timedelta(days=day, minutes=minute)
        query = RecommendationQuery(at=at, budget=rng.choice([None, None, 4300, 6000, 9500, 15000]))
        if rng.random() < 0.8:
            spot = rng.choice(places)
            query = replace(
                query,
                latitude=spot.latitude + rng.uniform(-0.004, 0.004),
                longitude=spot.longitude + rng.uniform(-0.004, 0.004),
                radius_m=rng.choice([500.0, 1200.0, 1200.0, 2000.0]),
            )
            scenario = "point"
        else:
            query = replace(query, area=rng.choice(["seoul-gangnam", "seoul-mapo", "chuncheon"]))
            scenario = "area"
        if rng.random() < 0.75:
            user_id, balance, remaining = rng.choice(users)
            query = replace(query, user_id=user_id, balance=balance, daily_remaining=remaining)
        if rng.random() < 0.3:
            query = replace(query, food=(rng.choice(FOODS),))
        if rng.random() < 0.2:
            query = replace(query, dietary=(rng.choice(DIETARY),))
        if rng.random() < 0.2:
            query = replace(query, urgent=True)
        if rng.random() < 0.1:
            query = replace(query, pay_by_card=False, balance=None, daily_remaining=None)
        queries.append((scenario, query))
    return queries


async def run(recommender: Recommender, queries: list[tuple[str, RecommendationQuery]], *, cold_users: bool) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    found: dict[str, list[int]] = defaultdict(list)
    for scenario, query in queries:
        if cold_users and recommender.personal is not None:
            recommender.personal.forget()
        started = time.perf_counter()
        result = await recommender.recommend(query)
        elapsed = (time.perf_counter() - started) * 1000
        labels = ["all", scenario, "with user" if query.user_id else "anonymous"]
        labels.append("empty result" if not result.items else "with items")
        for label in labels:
            timings[label].append(elapsed)
            found[label].append(len(result.items))
    return {label: (timings[label], found[label]) for label in timings}


async def main(count: int) -> None:
    async with fresh_database("sqlite") as db:
        await load_sample_data(db, SampleDataSettings(), KEY, now=NOW)
        load_ms = []
        for _ in range(5):
            started = time.perf_counter()
            snapshot = await load(db, around=NOW, days_before=1, days_after=14)
            load_ms.append((time.perf_counter() - started) * 1000)
        users, places = await users_and_places(db)
        queries = make_queries(count, users, places, random.Random(7))
        catalogue = Catalogue(db, ttl_s=3600, days_before=1, days_after=14)
        recommender = Recommender(catalogue, PersonalCache(db, ttl_s=3600))
        await catalogue.get(NOW)  # closures known for the whole week from NOW
        await run(recommender, queries[:100], cold_users=False)  # warm the snapshot, the user cache and the code
        warm = await run(recommender, queries, cold_users=False)
        cold = await run(recommender, queries, cold_users=True)
        assert catalogue.reloads == 1, "the snapshot must stay warm during the benchmark"
    rows = []
    for label in ("all", "point", "area", "anonymous", "with user", "with items", "empty result"):
        if label in warm:
            latencies, found = warm[label]
            rows.append([label, len(latencies), percentile(latencies, 50), percentile(latencies, 95),
                         max(latencies), sum(found) / len(found)])  # fmt: skip
    cold_latencies, cold_found = cold["with user"]
    rows.append(["with user, cache cold", len(cold_latencies), percentile(cold_latencies, 50),
                 percentile(cold_latencies, 95), max(cold_latencies), sum(cold_found) / len(cold_found)])  # fmt: skip
    print_table(
        f"Recommender.recommend on the sample data (SQLite, {len(snapshot)} shops, snapshot warm)",
        ["queries", "n", "p50 ms", "p95 ms", "max ms", "mean items"],
        rows,
    )
    print_table(
        "Catalogue snapshot load (five queries and indexing)",
        ["backend", "rounds", "median ms", "max ms"],
        [["sqlite", len(load_ms), median(load_ms), max(load_ms)]],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=1000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.queries))
