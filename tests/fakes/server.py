"""What every HTTP fake shares: an aiohttp server on a random loopback port, a record of calls, injected failures.

A fake is an async context manager (``async with FakeTelegram() as telegram:``); `wait_for` lets a test await a
call made by background work instead of sleeping.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web


def free_port() -> int:
    """A loopback port free at the moment of asking, for a server started in another process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received: the API method (or path), its decoded parameters and headers."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True, slots=True)
class Failure:
    """An answer to give instead of the normal one."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeServer:
    """Base of the fakes: subclasses add their routes in `routes` and answer through `record`/`failure_for`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, list[Failure]] = defaultdict(list)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> Self:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def fail(
        self,
        method: str,
        status: int,
        body: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (``*`` for any method) with this failure."""
        self._failures[method].extend([Failure(status, body, headers or {})] * times)

    def failure_for(self, method: str) -> Failure | None:
        for key in (method, "*"):
            if self._failures.get(key):
                return self._failures[key].pop(0)
        return None

    async def record(self, method: str, params: dict[str, Any], request: web.Request) -> Call:
        call = Call(method, params, {name.lower(): value for name, value in request.headers.items()})
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        return call

    def calls_to(self, *methods: str) -> list[Call]:
        return [call for call in self.calls if call.method in methods]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """The calls of ``method`` once there are at least ``count`` of them; TimeoutError after ``within`` s."""

        async def enough() -> list[Call]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
            return self.calls_to(method)

        return await asyncio.wait_for(enough(), within)


async def request_params(request: web.Request) -> dict[str, Any]:
    """The request's parameters from a JSON body, a form body or the query string."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if isinstance(body, dict):
            params.update(body)
    elif request.can_read_body:
        params.update((await request.post()).items())
    return params
