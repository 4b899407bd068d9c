"""Prometheus metrics of ``kkini serve``, served at ``/metrics``: requests and latency per channel and stage,
language-model calls with their outcome, tokens and cost, and (read from the database at each scrape, so every
replica reports the same) the outbox depth and the job runs.

Each application gets its own registry, so two servers in one process (tests) never share counters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from dialogue.messages import ModelMeta
from storage.database import Database
from storage.repositories.job_runs import JobRunRepository
from storage.repositories.outbox import OutboxRepository

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
logger = logging.getLogger(__name__)


class InboxDepth(Protocol):
    async def depth(self) -> int: ...


LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
ROUTE_CHANNELS = {
    "/telegram/webhook": "telegram",
    "/kakao/skill": "kakao",
    "/slack/events": "slack",
    "/api/chat": "web",
    "/api/chat/stream": "web",
}


class Metrics:
    def __init__(self, db: Database | None = None) -> None:
        self.db = db
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kkini_requests",
            "Webhook and API requests by channel and HTTP status",
            ["channel", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "kkini_stage_seconds",
            "Seconds spent per channel and stage: ack (request to response), turn (engine), send (platform API), "
            "and the engine's own stages (guard, session, nlu, handler, store)",
            ["channel", "stage"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.events = Counter(
            "kkini_channel_events",
            "Deliveries by channel and outcome: duplicate, rate_limited, answered, failed",
            ["channel", "outcome"],
            registry=self.registry,
        )

        self.provider_calls = Counter(
            "kkini_provider_calls",
            "Language-model provider attempts by outcome: ok, cached, a failure kind (rate_limit, server, timeout, "
            "auth ...) or skipped:breaker / skipped:cap",
            ["provider", "outcome"],
            registry=self.registry,
        )
        self.provider_tokens = Counter(
            "kkini_provider_tokens", "Tokens used per provider", ["provider", "direction"], registry=self.registry
        )
        self.provider_cost = Counter(
            "kkini_provider_cost_usd",
            "Estimated spend per provider in US dollars",
            ["provider"],
            registry=self.registry,
        )
        self.outbox = Gauge(
            "kkini_outbox_notifications",
            "Notifications in the outbox by status (pending, sending, sent, dead)",
            ["status"],
            registry=self.registry,
        )
        self.job_runs = Gauge(
            "kkini_job_runs", "Job runs kept in job_runs by job and status", ["job", "status"], registry=self.registry
        )
        self.inbox_events = Counter(
            "kkini_inbox_events",
            "Webhook deliveries through the durable inbox by channel and outcome: accepted, duplicate, unavailable "
            "(the store did not answer: 503), done, retried (taken again after a worker died), failed, given_up",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.inbox_depth = Gauge(
            "kkini_inbox_deliveries",
            "Deliveries in the durable inbox (waiting or being worked on), read at each scrape",
            registry=self.registry,
        )
        self.kv_errors = Counter(
            "kkini_kv_errors",
            "Key-value store operations that failed, by operation",
            ["operation"],
            registry=self.registry,
        )
        self.kv_pool_wait = Histogram(
            "kkini_kv_pool_wait_seconds",
            "Seconds a Redis command waited for a free pooled connection",
            buckets=(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.inbox: InboxDepth | None = None
        self.job_finished = Gauge(
            "kkini_job_last_finished_timestamp_seconds",
            "When a job's last run with this status finished (Unix time)",
            ["job", "status"],
            registry=self.registry,
        )

    def register(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        app.router.add_get("/metrics", self.serve)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        channel = ROUTE_CHANNELS.get(request.path)
        if channel is None:
            return await handler(request)
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            self.requests.labels(channel, str(status)).inc()
            self.latency.labels(channel, "ack").observe(time.perf_counter() - started)

    async def serve(self, _request: web.Request) -> web.Response:
        if self.db is not None:
            await self._read_database(self.db)
        if self.inbox is not None:
            try:
                self.inbox_depth.set(await self.inbox.depth())
            except Exception as error:  # a store that does not answer is what the other metrics then show
                logger.warning("metrics: reading the inbox depth failed: %r", error)
        response = web.Response(body=generate_latest(self.registry))
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return response

    @contextmanager
    def timed(self, channel: str, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.latency.labels(channel, stage).observe(time.perf_counter() - started)

    def count(self, channel: str, outcome: str) -> None:
        self.events.labels(channel, outcome).inc()

    def inbox_event(self, channel: str, outcome: str) -> None:
        self.inbox_events.labels(channel, outcome).inc()

    def kv_error(self, operation: str) -> None:
        self.kv_errors.labels(operation).inc()

    def pool_wait(self, seconds: float) -> None:
        self.kv_pool_wait.observe(seconds)

    def engine_stages(self, channel: str, timings_ms: Mapping[str, float]) -> None:
        """Record the engine's per-stage timings from a turn's ``Final.meta``."""
        for stage, ms in timings_ms.items():
            if stage != "total":
                self.latency.labels(channel, f"engine_{stage}").observe(ms / 1000)

    def model_usage(self, model: ModelMeta | None) -> None:
        """Record a turn's model path from ``Final.meta.model``: every provider tried, tokens and cost."""
        if model is None:
            return
        for provider, outcome in model.attempts:
            self.provider_calls.labels(provider, outcome).inc()
        if model.provider and not model.cached:
            self.provider_tokens.labels(model.provider, "in").inc(model.tokens_in)
            self.provider_tokens.labels(model.provider, "out").inc(model.tokens_out)
            self.provider_cost.labels(model.provider).inc(model.cost_usd)

    async def _read_database(self, db: Database) -> None:
        async with db.session() as session:
            outbox = await OutboxRepository(session).counts()
            runs = await JobRunRepository(session).totals()
        self.outbox.clear()
        for status, count in outbox.items():
            self.outbox.labels(status).set(count)
        self.job_runs.clear()
        self.job_finished.clear()
        for job, status, count, finished in runs:
            self.job_runs.labels(job, status).set(count)
            if finished is not None:
                self.job_finished.labels(job, status).set(finished.timestamp())
