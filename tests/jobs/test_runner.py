"""Job runs: one replica at a time through the key-value lock, once per period, recorded in job_runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from jobs.context import Counts
from jobs.runner import JobRunner, JobSpec, UnknownJob
from jobs.scheduler import JobScheduler
from storage.database import Database
from storage.kv import InProcessStore, KeyValueStore, RedisStore
from storage.models import JobRun
from tests.fakes.clock import FakeClock


class GatedJob:
    """Counts its runs and notices when two of them overlap; a closed gate holds each run until the test opens it."""

    def __init__(self, *, open_: bool = True) -> None:
        self.gate = asyncio.Event()
        if open_:
            self.gate.set()
        self.started = asyncio.Event()
        self.runs = 0
        self.active = 0
        self.overlaps = 0

    async def __call__(self) -> Counts:
        self.active += 1
        self.overlaps += self.active > 1
        self.started.set()
        try:
            await self.gate.wait()
        finally:
            self.active -= 1
        self.runs += 1
        return {"done": 1}


async def runs(db: Database) -> list[JobRun]:
    async with db.session() as session:
        return list((await session.exec(select(JobRun).order_by(JobRun.id))).all())  # type: ignore[arg-type]


def replicas(
    db: Database,
    kv: KeyValueStore | list[RedisStore],
    spec: JobSpec,
    clock: FakeClock,
    count: int = 2,
    **options: float,
) -> list[JobRunner]:
    """``count`` replicas of a runner of ``spec`` on the fake clock, sharing ``kv`` or each with its own store."""
    stores = kv if isinstance(kv, list) else [kv] * count
    return [
        JobRunner(db, store, {spec.name: spec}, owner=f"replica-{n}", clock=clock.utc, sleep=clock.sleep, **options)
        for n, store in enumerate(stores)
    ]


async def test_two_replicas_run_a_job_once(sqlite_db: Database, kv: InProcessStore, clock: FakeClock) -> None:
    job = GatedJob(open_=False)
    spec = JobSpec("sync", "test", job, every_s=300)
    first, second = replicas(sqlite_db, kv, spec, clock)
    running = asyncio.create_task(first.run("sync", scheduled=True))
    await job.started.wait()
    assert (await second.run("sync", scheduled=True)).status == "skipped"  # the first one holds the lock
    job.gate.set()
    assert (await running).status == "ok"
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
    assert recorded[0].owner == "replica-0"


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
        clock=clock.utc,
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


async def test_a_long_run_keeps_its_lock(sqlite_db: Database, clock: FakeClock) -> None:
    kv = InProcessStore("test:", clock=clock)  # the lock's ttl runs on the same fake clock
    job = GatedJob(open_=False)
    spec = JobSpec("long", "test", job, every_s=60)
    first, second = replicas(sqlite_db, kv, spec, clock, lock_ttl_s=30)
    running = asyncio.create_task(first.run("long"))
    await job.started.wait()
    for _ in range(6):  # 60 s, twice the lock's ttl: only the renewal, every third of it, keeps the lock
        await clock.sleeping()
        clock.advance(seconds=10)
    await clock.sleeping()
    assert clock.slept == [10.0] * 7
    owner = await kv.lock_owner("job:long")
    assert owner is not None and owner.startswith("replica-0:")
    assert (await second.run("long")).status == "skipped"
    job.gate.set()
    assert (await running).status == "ok"
    assert job.overlaps == 0 and await kv.lock_owner("job:long") is None
    assert clock.sleepers == 0  # the renewal stopped with the run


@pytest.fixture
async def shared_redis(redis_server: str, redis_prefix: str) -> AsyncIterator[list[RedisStore]]:
    stores = [RedisStore.from_url(redis_server, redis_prefix) for _ in range(2)]
    yield stores
    for store in stores:
        await store.close()


@pytest.mark.redis
async def test_two_schedulers_over_redis_run_each_period_once(
    sqlite_db: Database, shared_redis: list[RedisStore], clock: FakeClock
) -> None:
    """Two replicas, each with its own APScheduler and Redis connection, their timers firing at every period."""
    job = GatedJob()
    spec = JobSpec("tick", "test", job, every_s=300)
    schedulers = [JobScheduler(runner) for runner in replicas(sqlite_db, shared_redis, spec, clock)]
    for scheduler in schedulers:
        scheduler.start()
        scheduler.scheduler.pause()  # the test fires the timers, on the fake clock
    try:
        # Interval timers count from one epoch: every replica's timer fires at the same moments.
        first, second = (scheduler.next_runs()["tick"] for scheduler in schedulers)
        assert first is not None and first == second and first.timestamp() % 300 == 0
        timers = [scheduler.scheduler.get_job("tick") for scheduler in schedulers]
        for _ in range(5):
            # Both timers fire at once, then the second one again a few seconds late (a slow replica).
            await asyncio.gather(*(timer.func(*timer.args) for timer in timers))
            clock.advance(seconds=3)
            await timers[1].func(*timers[1].args)
            clock.advance(seconds=297)
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
    # Without the lock and the slot it would have run 15 times.
    assert job.runs == 5 and job.overlaps == 0
    assert [run.status for run in await runs(sqlite_db)] == ["ok"] * 5


async def test_the_scheduler_fires_and_stop_cancels_a_run_in_progress(
    sqlite_db: Database, kv: InProcessStore, clock: FakeClock
) -> None:
    job = GatedJob(open_=False)
    [runner] = replicas(sqlite_db, kv, JobSpec("tick", "test", job, every_s=3600), clock, count=1)
    scheduler = JobScheduler(runner)
    scheduler.start()
    try:
        # Due now rather than at the top of the hour: APScheduler's own timer fires it.
        scheduler.scheduler.modify_job("tick", next_run_time=datetime.now(UTC))
        await asyncio.wait_for(job.started.wait(), timeout=30)
    finally:
        await scheduler.stop()
    assert job.runs == 0
    [run] = await runs(sqlite_db)
    assert (run.status, run.error) == ("failed", "cancelled")
    assert await kv.lock_owner("job:tick") is None
