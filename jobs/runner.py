"""Running one job: a lock in the key-value store so that one replica runs it, a row in job_runs for each run.

Several replicas schedule the same jobs. Each run first takes the job's lock (so two runs never overlap) and, when
it was started by the scheduler, the job's slot for the current period (so that replicas whose timers are a few
seconds apart still run it once per period). The lock is renewed while the job runs, and released at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from jobs.context import Clock, Counts
from storage.database import Database
from storage.kv import KeyValueStore, Lock
from storage.models import utcnow
from storage.repositories.job_runs import JobRunRepository

logger = logging.getLogger(__name__)

JobFunction = Callable[[], Awaitable[Counts]]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job as the scheduler knows it: what to call and when."""

    name: str
    description: str
    run: JobFunction
    every_s: float | None = None
    """Run every this many seconds (aligned to the epoch, so every replica's timer fires at the same moments)."""
    daily_at: str | None = None
    """Or once a day at HH:MM, Asia/Seoul."""
    record_idle: bool = True
    """False for frequent jobs: a run that did nothing leaves no job_runs row."""

    @property
    def period_s(self) -> float:
        return self.every_s if self.every_s is not None else 86400.0

    @property
    def schedule(self) -> str:
        if self.every_s is not None:
            return f"every {_duration(self.every_s)}"
        return f"daily at {self.daily_at} (Asia/Seoul)"


@dataclass(frozen=True, slots=True)
class RunOutcome:
    job: str
    status: str
    """ok, failed, or skipped (another replica holds the lock, or already ran in this period)."""
    counts: Counts = field(default_factory=dict)
    error: str | None = None
    run_id: int | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None


class UnknownJob(KeyError):
    """No job has that name."""


class JobRunner:
    def __init__(
        self,
        db: Database,
        kv: KeyValueStore,
        jobs: Mapping[str, JobSpec],
        *,
        lock_ttl_s: float = 120.0,
        owner: str | None = None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """``clock`` dates the runs and picks the period's slot; ``sleep`` paces the lock's renewal. Tests pass a fake
        clock's, to move time by hand."""
        self.db = db
        self.kv = kv
        self.jobs = dict(jobs)
        self.lock_ttl_s = lock_ttl_s
        self.owner = owner or f"worker-{uuid.uuid4().hex[:12]}"
        self.clock = clock
        self.sleep = sleep

    async def run(self, name: str, *, scheduled: bool = False) -> RunOutcome:
        """Run the job now unless another run holds its lock; ``scheduled`` runs also claim the period's slot."""
        spec = self.jobs.get(name)
        if spec is None:
            raise UnknownJob(name)
        lock = Lock(self.kv, f"job:{name}", ttl=self.lock_ttl_s, owner=f"{self.owner}:{uuid.uuid4().hex[:8]}")
        if not await lock.acquire():
            logger.debug("job %s skipped: another run holds the lock", name)
            return RunOutcome(name, "skipped", error="another run holds the lock")
        try:
            if scheduled and not await self._claim_slot(spec):
                return RunOutcome(name, "skipped", error="already ran in this period")
            return await self._run_locked(spec, lock)
        finally:
            await lock.release()

    async def _claim_slot(self, spec: JobSpec) -> bool:
        slot = int(self.clock().timestamp() // spec.period_s)
        return await self.kv.set_if_absent(f"job-slot:{spec.name}:{slot}", self.owner, ttl=spec.period_s * 2)

    async def _run_locked(self, spec: JobSpec, lock: Lock) -> RunOutcome:
        started = self.clock()
        async with self.db.session() as session:
            run_id = await JobRunRepository(session).start(spec.name, self.owner, started)
        keeper = asyncio.create_task(self._keep(lock))
        counts: Counts = {}
        error: str | None = None
        try:
            counts = await spec.run()
        except asyncio.CancelledError:
            # Shutting down mid-run: say so in job_runs, then let the cancellation go on.
            await self._stop_keeper(keeper)
            async with self.db.session() as session:
                await JobRunRepository(session).finish(run_id, "failed", {}, "cancelled", self.clock())
            raise
        except Exception as failure:
            error = f"{type(failure).__name__}: {failure}"
            logger.error("job %s failed: %s\n%s", spec.name, error, traceback.format_exc())
        await self._stop_keeper(keeper)
        finished = self.clock()
        status = "failed" if error else "ok"
        async with self.db.session() as session:
            runs = JobRunRepository(session)
            if error is None and not spec.record_idle and not any(counts.values()):
                await runs.forget(run_id)
                run_id = 0
            else:
                await runs.finish(run_id, status, counts, error, finished)
        if error is None:
            level = logging.INFO if any(counts.values()) else logging.DEBUG
            logger.log(level, "job %s done in %.1f s: %s", spec.name, (finished - started).total_seconds(), counts)
        return RunOutcome(spec.name, status, counts, error, run_id or None, started, finished)

    @staticmethod
    async def _stop_keeper(keeper: asyncio.Task[None]) -> None:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper

    async def _keep(self, lock: Lock) -> None:
        """Renew the lock while the job runs, so a long run is never taken over by another replica."""
        while True:
            await self.sleep(self.lock_ttl_s / 3)
            if not await lock.extend():
                logger.warning("lock %s was lost while its job ran", lock.name)
                return


def _duration(seconds: float) -> str:
    if seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} min"
    return f"{seconds:g} s"
