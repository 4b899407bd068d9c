"""The jobs put together from a context: the card-issuer client (when configured), the registry and the runner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jobs.context import JobContext
from jobs.issuer.client import CardIssuerClient
from jobs.registry import build_jobs
from jobs.runner import JobRunner


@asynccontextmanager
async def running_jobs(ctx: JobContext, *, owner: str | None = None) -> AsyncIterator[JobRunner]:
    """A runner over every registered job; the card-issuer client it opens is closed on exit."""
    issuer = CardIssuerClient(ctx.config.card_issuer) if ctx.config.card_issuer.enabled else None
    try:
        yield JobRunner(
            ctx.db,
            ctx.kv,
            build_jobs(ctx, issuer),
            lock_ttl_s=ctx.config.jobs.lock_ttl_s,
            owner=owner,
            clock=ctx.clock,
        )
    finally:
        if issuer is not None:
            await issuer.close()
