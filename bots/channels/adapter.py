"""What every channel adapter is: the `ChannelAdapter` protocol, and the one runner for the work it does not wait for.

An adapter translates, nothing more. A delivery passes the same four steps on every platform:

1. ``parse``: the raw body (read with `bots.http.bodies.read_bounded`) into the platform's request type, or
   ``ValueError`` when it is not one;
2. ``identity``: who says what, as kkini's `IncomingMessage` (the channel's user, conversation and delivery id);
   the middleware (`bots.channels.middleware.Turns`) then de-duplicates, limits and runs the engine;
3. ``render``: the gathered reply into the platform's shape (a keyboard, a skill template, blocks, JSON);
4. ``send``: that shape to the platform, by its API, or as the HTTP answer to the request.

Business rules never live here: a shop's staff actions go to `dialogue.ordering.admin.ShopAdmin`, and no adapter
writes the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from aiohttp import web

from bots.channels.replies import Gathered
from dialogue.messages import IncomingMessage

logger = logging.getLogger(__name__)

RequestT = TypeVar("RequestT")
ReplyT = TypeVar("ReplyT")

SHUTDOWN_GRACE_S = 5.0
"""How long a stopping adapter lets its background work finish (a callback post, a reply) before cancelling it."""


class ChannelAdapter(Protocol[RequestT, ReplyT]):
    """One messenger platform behind kkini's routes."""

    channel: str
    """The channel's name in messages, metrics and the inbox (``telegram``, ``kakao``, ``slack``, ``web``)."""

    def register(self, router: web.UrlDispatcher) -> None:
        """Add the platform's routes."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Let background work finish (within `SHUTDOWN_GRACE_S`), then close the platform's connections."""
        ...

    def parse(self, raw: bytes) -> RequestT:
        """The platform's request from a body; ``ValueError`` when the body is not one."""
        ...

    async def identity(self, request: RequestT) -> IncomingMessage | None:
        """The message kkini answers, with the channel's identity of its sender; None when there is none to answer."""
        ...

    async def render(self, gathered: Gathered) -> ReplyT:
        """The reply in the platform's shape, within the platform's limits."""
        ...

    async def send(self, request: RequestT, reply: ReplyT) -> web.StreamResponse | None:
        """Deliver the rendered reply: through the platform's API (None), or as the HTTP answer to ``request``."""
        ...


class BackgroundTasks:
    """The work an adapter starts and does not wait for (a Kakao callback post, learning the Slack bot's identity),
    kept so that none is garbage-collected mid-way, failures are logged, tests can `drain` it and a stop lets it
    finish.

    ``spawn`` starts work that ends by itself; `drain` waits for all of it, including work spawned while it waits.
    ``serve`` starts a loop that runs until stopped (the inbox's workers): never waited for, cancelled by `close`.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._work: set[asyncio.Task[Any]] = set()
        self._services: set[asyncio.Task[Any]] = set()
        self._awaited: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], *, awaited: bool = False) -> asyncio.Task[Any]:
        """Start ``work``. ``awaited``: the caller awaits the task and handles its failure, so it is not logged here."""
        task = asyncio.create_task(work)
        self._work.add(task)
        if awaited:
            self._awaited.add(task)
        task.add_done_callback(self._finished)
        return task

    def serve(self, loop: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(loop)
        self._services.add(task)
        task.add_done_callback(self._finished)
        return task

    def __len__(self) -> int:
        """Work still running (services not counted)."""
        return len(self._work)

    async def drain(self) -> None:
        """Until no spawned work is left running. Cancelling the wait leaves the work running."""
        while self._work:
            await asyncio.wait(list(self._work))

    async def close(self, grace_s: float = SHUTDOWN_GRACE_S) -> None:
        """Cancel the services, give the work ``grace_s`` seconds to finish, then cancel what is left."""
        await _cancel(self._services)
        try:
            await asyncio.wait_for(self.drain(), grace_s)
        except TimeoutError:
            logger.warning("%s: %d background task(s) cancelled at stop", self.name, len(self._work))
        await _cancel(self._work)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._work.discard(task)
        self._services.discard(task)
        if task in self._awaited:
            self._awaited.discard(task)
        elif not task.cancelled() and task.exception() is not None:
            logger.error("%s: background task failed", self.name, exc_info=task.exception())


async def _cancel(tasks: set[asyncio.Task[Any]]) -> None:
    pending = list(tasks)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
