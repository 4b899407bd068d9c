"""Job runs: one replica at a time through the key-value lock, once per period, recorded in job_runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from jobs.context import Counts
from jobs.runner import JobRunner, JobSpec, UnknownJob
from jobs.scheduler import JobScheduler
from storage.database import Database
from storage.kv import InProcessStore, KeyValueStore, RedisStore
from storage.models import JobRun
from tests.jobs.support import FakeClock


class SlowJob:
    """Counts its runs and notices when two of them overlap."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.runs = 0
        self.active = 0
        self.overlaps = 0

    async def __call__(self) -> Counts:
        self.active += 1
        self.overlaps += self.active > 1
        await asyncio.sleep(self.seconds)
        self.active -= 1
        self.runs += 1
        return {"done": 1}


async def runs(db: Database) -> list[JobRun]:
    async with db.session() as session:
        return list((await session.exec(select(JobRun).order_by(JobRun.id))).all())  # type: ignore[arg-type]


def replicas(db: Database, kv: KeyValueStore, spec: JobSpec, clock: FakeClock, count: int = 2) -> list[JobRunner]:
    return [JobRunner(db, kv, {spec.name: spec}, owner=f"replica-{n}", clock=clock) for n in range(count)]


async def test_two_replicas_run_a_job_once(sqlite_db: Database, kv: InProcessStore, clock: FakeClock) -> None:
    job = SlowJob()
    spec = JobSpec("sync", "test", job, every_s=300)
    first, second = replicas(sqlite_db, kv, spec, clock)
    outcomes = await asyncio.gather(first.run("sync", scheduled=True), second.run("sync", scheduled=True))
    assert sorted(outcome.status for outcome in outcomes) == ["ok", "skipped"]
    assert job.runs == 1 and job.overlaps == 0
    # Later in the same five minutes, the slot is taken: a replica whose timer fires late does not run it again.
    clock.advance(seconds=100)
    assert (await second.run("sync", scheduled=True)).status == "skipped"
    clock.advance(seconds=300)
    assert (await second.run("sync", scheduled=True)).status == "ok"
    # A run asked for by hand ignores the slot but still takes the lock.
    assert (await first.run("sync")).status == "ok"
    recorded = await runs(sqlite_db)
    assert [run.status for run in recorded] == ["ok", "ok", "ok"]
    assert recorded[0].counts == {"done": 1} and recorded[0].finished_at is not None
    assert recorded[0].owner in {"replica-0", "replica-1"}


async def test_failures_are_recorded_and_idle_frequent_runs_are_not(
    sqlite_db: Database, kv: InProcessStore, clock: FakeClock
) -> None:
    async def broken() -> Counts:
        raise RuntimeError("issuer on fire")

    async def idle() -> Counts:
        return {"sent": 0}

    runner = JobRunner(
        sqlite_db,
        kv,
        {
            "broken": JobSpec("broken", "test", broken, every_s=60),
            "idle": JobSpec("idle", "test", idle, every_s=10, record_idle=False),
        },
        clock=clock,
    )
    outcome = await runner.run("broken")
    assert outcome.status == "failed" and outcome.error == "RuntimeError: issuer on fire"
    assert (await runner.run("idle")).status == "ok"
    assert [(run.job, run.status, run.error) for run in await runs(sqlite_db)] == [
        ("broken", "failed", "RuntimeError: issuer on fire")
    ]
    with pytest.raises(UnknownJob):
        await runner.run("nope")
    assert await kv.lock_owner("job:broken") is None  # released after the failure


async def test_a_long_run_keeps_its_lock(sqlite_db: Database, kv: InProcessStore, clock: FakeClock) -> None:
    job = SlowJob(seconds=0.5)
    spec = JobSpec("long", "test", job, every_s=60)
    first = JobRunner(sqlite_db, kv, {"long": spec}, lock_ttl_s=0.2, clock=clock)
    second = JobRunner(sqlite_db, kv, {"long": spec}, lock_ttl_s=0.2, clock=clock)
    running = asyncio.create_task(first.run("long"))
    await asyncio.sleep(0.35)  # past the lock's ttl: only the renewal keeps it
    assert (await second.run("long")).status == "skipped"
    assert (await running).status == "ok"
    assert job.overlaps == 0


@pytest.fixture
async def shared_redis(redis_server: str, redis_prefix: str) -> AsyncIterator[list[RedisStore]]:
    stores = [RedisStore.from_url(redis_server, redis_prefix) for _ in range(2)]
    yield stores
    for store in stores:
        await store.close()


@pytest.mark.redis
async def test_two_schedulers_over_redis_run_each_period_once(
    sqlite_db: Database, shared_redis: list[RedisStore]
) -> None:
    """Two replicas, each with its own APScheduler and Redis connection, firing every 0.4 s for about 2 s."""
    job = SlowJob(seconds=0.05)
    spec = JobSpec("tick", "test", job, every_s=0.4)
    schedulers = [
        JobScheduler(JobRunner(sqlite_db, store, {"tick": spec}, owner=f"replica-{n}"))
        for n, store in enumerate(shared_redis)
    ]
    for scheduler in schedulers:
        scheduler.start()
    await asyncio.sleep(2.1)
    for scheduler in schedulers:
        await scheduler.stop()
    # Both replicas fire at every period (about 5 in 2.1 s): without the lock and the slot it would run about 10 times.
    assert 2 <= job.runs <= 6
    recorded = await runs(sqlite_db)
    finished = [run for run in recorded if run.error != "cancelled"]
    assert len(finished) == job.runs
    # A run the stop cut short (a slow machine) is recorded too, as cancelled: at most one per replica.
    assert len(recorded) - len(finished) <= len(schedulers)
    assert job.overlaps == 0
