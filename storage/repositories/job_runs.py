"""Job bookkeeping: one row per run (start, end, counts, error) and named positions kept between runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobRun, SyncState


class JobRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, job: str, owner: str, at: datetime) -> int:
        run = JobRun(job=job, owner=owner[:64], status="running", started_at=at)
        self.session.add(run)
        await self.session.flush()
        assert run.id is not None
        return run.id

    async def finish(self, run_id: int, status: str, counts: dict[str, int], error: str | None, at: datetime) -> None:
        connection = await self.session.connection()
        await connection.execute(
            update(JobRun)
            .where(col(JobRun.id) == run_id)
            .values(status=status, counts=counts, error=error[:1000] if error else None, finished_at=at)
        )

    async def latest(self, job: str | None = None, limit: int = 20) -> list[JobRun]:
        statement = select(JobRun).order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc()).limit(limit)
        if job is not None:
            statement = statement.where(JobRun.job == job)
        return list((await self.session.exec(statement)).all())

    async def totals(self) -> list[tuple[str, str, int, datetime | None]]:
        """(job, status, runs kept, when the last of them finished) for every job and status, for metrics."""
        rows = await self.session.exec(
            select(JobRun.job, JobRun.status, func.count(), func.max(JobRun.finished_at))
            .group_by(col(JobRun.job), col(JobRun.status))
            .order_by(col(JobRun.job), col(JobRun.status))
        )
        return [(job, status, int(count), finished) for job, status, count, finished in rows.all()]

    async def forget(self, run_id: int) -> None:
        """Drop a run's row (a frequent job's idle runs are not worth keeping)."""
        connection = await self.session.connection()
        await connection.execute(delete(JobRun).where(col(JobRun.id) == run_id))


class SyncStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, name: str) -> str | None:
        state = await self.session.get(SyncState, name)
        return state.value if state is not None else None

    async def put(self, name: str, value: str, at: datetime) -> None:
        state = await self.session.get(SyncState, name)
        if state is None:
            self.session.add(SyncState(name=name, value=value, updated_at=at))
        else:
            state.value = value
            state.updated_at = at
            self.session.add(state)
        await self.session.flush()

    async def delete(self, name: str) -> None:
        state = await self.session.get(SyncState, name)
        if state is not None:
            await self.session.delete(state)
            await self.session.flush()
