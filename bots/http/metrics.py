"""Prometheus metrics of ``kkini serve``: requests and latency per channel and stage, served at ``/metrics``.

Each application gets its own registry, so two servers in one process (tests) never share counters.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
ROUTE_CHANNELS = {
    "/telegram/webhook": "telegram",
    "/kakao/skill": "kakao",
    "/slack/events": "slack",
    "/api/chat": "web",
    "/api/chat/stream": "web",
}


class Metrics:
    def __init__(self) -> None:
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

    def engine_stages(self, channel: str, timings_ms: object) -> None:
        """Record the engine's per-stage timings from a turn's ``Final.meta``."""
        if isinstance(timings_ms, dict):
            for stage, ms in timings_ms.items():
                if stage != "total" and isinstance(ms, int | float):
                    self.latency.labels(channel, f"engine_{stage}").observe(ms / 1000)
