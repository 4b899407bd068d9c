"""The card issuer for tests: the development issuer's routes on a random loopback port, with injected failures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web

from jobs.issuer.devserver import IssuerApp, IssuerBook
from tests.fakes.server import FakeServer

API_KEY = "test-issuer-key"


class FakeIssuer(FakeServer):
    """Calls are recorded as ``balances`` or ``card`` with their query parameters; `fail` answers the next calls of
    one of them (or ``*``) with an injected status, body and headers instead."""

    def __init__(self, book: IssuerBook | None = None, *, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.book = book or IssuerBook()
        self.issuer = IssuerApp(self.book, API_KEY, **({"clock": clock} if clock else {}))
        self.failing_calls: dict[int, int] = {}
        """Balances call number (1-based) -> the status to answer it with, for failures in the middle of a pass."""

    def routes(self, app: web.Application) -> None:
        app.middlewares.append(self._faults)
        self.issuer.register(app)

    @web.middleware
    async def _faults(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        method = "balances" if request.path.endswith("/balances") else "card"
        await self.record(method, dict(request.query), request)
        if method == "balances" and (status := self.failing_calls.get(len(self.calls_to("balances")))):
            return web.json_response({"error": "injected"}, status=status)
        failure = self.failure_for(method)
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        return await handler(request)
