"""APScheduler 3 (AsyncIOScheduler) driving the job runner inside ``kkini serve`` and ``kkini worker``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.runner import JobRunner, JobSpec
from jobs.settings import clock_time
from storage.hours import SEOUL

logger = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Interval timers count from here, so every replica's timer fires at the same moments."""


def trigger_for(spec: JobSpec) -> BaseTrigger:
    if spec.every_s is not None:
        return IntervalTrigger(seconds=spec.every_s, start_date=EPOCH, timezone=UTC)
    assert spec.daily_at is not None
    at = clock_time(spec.daily_at)
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=SEOUL)


class JobScheduler:
    """Fires each job on its trigger; a fire that finds the previous run still going is skipped (coalesced)."""

    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[object]] = set()

    def start(self) -> None:
        for spec in self.runner.jobs.values():
            self.scheduler.add_job(
                self._fire,
                trigger_for(spec),
                args=[spec.name],
                id=spec.name,
                name=spec.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(min(spec.period_s, 3600) / 2)),
            )
        self.scheduler.start()
        logger.info("scheduler started: %s", ", ".join(f"{s.name} ({s.schedule})" for s in self.runner.jobs.values()))

    def next_runs(self) -> dict[str, datetime | None]:
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}

    async def stop(self) -> None:
        """Stop firing, cancel runs in progress (they record themselves as cancelled) and wait for them."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _fire(self, name: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            outcome = await self.runner.run(name, scheduled=True)
            if outcome.status == "failed":
                logger.warning("scheduled job %s failed: %s", name, outcome.error)
        except Exception:
            logger.exception("scheduled job %s crashed", name)
        finally:
            if task is not None:
                self._running.discard(task)


@asynccontextmanager
async def running_scheduler(runner: JobRunner) -> AsyncIterator[JobScheduler]:
    scheduler = JobScheduler(runner)
    scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.stop()
