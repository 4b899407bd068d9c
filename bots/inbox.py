"""The durable inbox: a webhook delivery is stored before it is acknowledged, then worked off under a lease.

A channel adapter calls `Inbox.accept` with the delivery's id and whatever it needs to handle it later (the raw
update, the Slack envelope); the delivery is queued in the key-value store (the embedded file or Redis) in one
atomic step, and only then does the platform get its 200. A store that does not answer gets a 503 instead, so the
platform delivers again. Workers (`Inbox.run`, in every ``kkini serve``) claim due deliveries under a short lease,
renewed while the turn runs: a delivery whose process died is due again within `LEASE_S` and another worker takes
it. A delivery is finished (``done``) by recording its id for the channel's de-duplication window and taking it out
of the queue; a repeat of an id queued or done is acknowledged without work.

A reply is shown once: an attempt asks its `ReplyGate` before its first visible send, and marks the reply
delivered once the final answer has gone out. A delivery taken again after its first worker delivered the answer
(and died before finishing) shows nothing more; one taken again after a worker died mid-answer (a draft or part of a
stream shown, the final message not sent) answers in full, so a crash loses no reply. Only a death in the
milliseconds between the platform taking the final message and the mark can show it twice. A delivery that keeps
failing is given up after `MAX_CLAIMS` claims.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from storage.kv import Claimed, KeyValueStore, renewing

logger = logging.getLogger(__name__)

QUEUE = "inbox"
LEASE_S = 5.0
"""How long a claimed delivery stays with its worker without a renewal (renewed every third of it): a dead worker's
deliveries wait this long. ``KKINI_CHANNELS__LEASE_S``."""
POLL_S = 0.5
"""How often a worker looks for deliveries that others left (expired leases, other replicas' deliveries)."""
MAX_CLAIMS = 5
MAX_IN_FLIGHT = 1024
"""Deliveries one process works on at once; a turn mostly waits (on the model, on the platform)."""


class InboxUnavailable(RuntimeError):
    """The store did not take the delivery: answer the platform so that it delivers again (503)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: str
    delivery_id: str
    payload: dict[str, Any]
    received_at: float
    claims: int = 1

    @property
    def member(self) -> str:
        return f"{self.channel}:{self.delivery_id}"

    def to_json(self) -> str:
        return json.dumps(
            {"channel": self.channel, "id": self.delivery_id, "payload": self.payload, "at": self.received_at},
            ensure_ascii=False,
        )

    @classmethod
    def from_claim(cls, claimed: Claimed) -> Delivery:
        data = json.loads(claimed.value)
        return cls(data["channel"], data["id"], data["payload"], float(data["at"]), claimed.claims)


Handler = Callable[[Delivery], Awaitable[None]]
Observer = Callable[[str, str], None]
"""``(channel, outcome)``: accepted, duplicate, unavailable, done, retried, failed, given_up."""


class Inbox:
    """The deliveries of every channel of one deployment, in one lease queue of the key-value store.

    ``dedup_ttl`` gives each channel's de-duplication window in seconds (how long after it is done a repeat of an
    id is still recognised); ``observe`` counts what happens (the metrics).
    """

    def __init__(
        self,
        kv: KeyValueStore,
        dedup_ttl: Mapping[str, float],
        *,
        observe: Observer | None = None,
        clock: Callable[[], float] = time.time,
        lease_s: float = LEASE_S,
    ) -> None:
        self.kv = kv
        self.lease_s = lease_s
        self.dedup_ttl = dict(dedup_ttl)
        self.observe = observe or (lambda _channel, _outcome: None)
        self.clock = clock
        self.handlers: dict[str, Handler] = {}
        self.owner = uuid.uuid4().hex[:12]
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def handle(self, channel: str, handler: Handler) -> None:
        """Deliveries of ``channel`` that a worker claims go to ``handler``."""
        self.handlers[channel] = handler

    # -- accepting -----------------------------------------------------------------------------------------

    async def accept(
        self, channel: str, delivery_id: str, payload: dict[str, Any], *, hold: bool = False
    ) -> Delivery | None:
        """Queue a delivery before it is acknowledged; None when its id is queued or done already.

        ``hold``: the caller works on it at once (`process`), and it is leased to this process from the start; a
        worker takes it only if this process dies. `InboxUnavailable` when the store does not answer.
        """
        delivery = Delivery(channel, delivery_id, payload, self.clock())
        try:
            if await self.kv.exists(self._done_key(delivery)):
                added = False
            else:
                added = await self.kv.queue_add(
                    QUEUE, delivery.member, delivery.to_json(), self.lease_s if hold else 0.0
                )
        except Exception as error:
            self.observe(channel, "unavailable")
            logger.error("inbox: %s delivery %s not stored: %r", channel, delivery_id, error)
            raise InboxUnavailable(str(error)) from error
        if not added:
            self.observe(channel, "duplicate")
            logger.info("inbox: %s delivery %s seen before, acknowledged without work", channel, delivery_id)
            return None
        self.observe(channel, "accepted")
        if not hold:
            self._wake.set()
        return delivery

    async def replied(self, channel: str, delivery_id: str | None) -> bool:
        """Whether the final reply to this delivery went out already (an earlier attempt delivered it). A message
        that came through no inbox (no id) never counts as replied."""
        if not delivery_id:
            return False
        return await self.kv.exists(self._sent_key(channel, delivery_id))

    async def mark_replied(self, channel: str, delivery_id: str | None) -> None:
        """Remember that the final reply went out, for the channel's de-duplication window."""
        if delivery_id:
            ttl = self.dedup_ttl.get(channel, 3600.0)
            await self.kv.set(self._sent_key(channel, delivery_id), self.owner, ttl=ttl)

    def gate(self, channel: str, delivery_id: str | None) -> ReplyGate:
        """The gate every visible send of one delivery's reply passes (see `ReplyGate`)."""
        return ReplyGate(self, channel, delivery_id)

    # -- working -------------------------------------------------------------------------------------------

    async def process(self, delivery: Delivery, work: Callable[[], Awaitable[None]]) -> None:
        """Run ``work`` for ``delivery`` with its lease renewed, then finish the delivery (or leave it for another
        claim when it failed, until `MAX_CLAIMS`)."""
        extend = lambda: self.kv.queue_extend(QUEUE, delivery.member, self.lease_s)  # noqa: E731
        try:
            async with renewing(extend, self.lease_s / 3, f"inbox {delivery.member}"):
                await work()
        except asyncio.CancelledError:
            raise  # shutting down: the lease runs out and another worker (or the next start) takes it
        except Exception:
            logger.exception(
                "inbox: %s delivery %s failed (claim %d)", delivery.channel, delivery.delivery_id, delivery.claims
            )
            if delivery.claims < MAX_CLAIMS:
                self.observe(delivery.channel, "failed")
                return  # due again when its lease runs out
            self.observe(delivery.channel, "given_up")
            logger.error(
                "inbox: %s delivery %s given up after %d claims",
                delivery.channel,
                delivery.delivery_id,
                delivery.claims,
            )
        await self.finish(delivery)

    async def finish(self, delivery: Delivery) -> None:
        """Remember the id for the channel's window, then take the delivery out of the queue."""
        ttl = self.dedup_ttl.get(delivery.channel, 3600.0)
        await self.kv.set(self._done_key(delivery), "1", ttl=ttl)
        await self.kv.queue_remove(QUEUE, delivery.member)
        self.observe(delivery.channel, "done")

    async def run(self, ready: Callable[[], Awaitable[None]] | None = None) -> None:
        """Claim and work off due deliveries until cancelled: at once after an `accept` in this process, and every
        `POLL_S` for deliveries other processes left behind. ``ready`` is awaited first: deliveries left by a process
        that died wait for this one's assistants instead of being told "not ready yet"."""
        if ready is not None:
            await ready()
        while True:
            self._wake.clear()
            room = MAX_IN_FLIGHT - len(self._tasks)
            claimed: list[Claimed] = []
            if room > 0:
                try:
                    claimed = await self.kv.queue_claim(QUEUE, self.lease_s, min(room, 64))
                except Exception as error:
                    logger.warning("inbox: claiming deliveries failed: %r", error)
            for item in claimed:
                self._start(item)
            if len(claimed) == min(room, 64) and room > 0:
                continue  # more may be due
            try:
                await asyncio.wait_for(self._wake.wait(), min(POLL_S, self.lease_s / 2))
            except TimeoutError:
                pass

    def _start(self, item: Claimed) -> None:
        try:
            delivery = Delivery.from_claim(item)
        except (ValueError, KeyError, TypeError) as error:
            logger.error("inbox: unreadable delivery %s dropped: %r", item.member, error)
            task = asyncio.create_task(self._drop(item.member))
        else:
            if delivery.claims > 1:
                self.observe(delivery.channel, "retried")
                logger.warning(
                    "inbox: %s delivery %s taken again (claim %d)",
                    delivery.channel,
                    delivery.delivery_id,
                    delivery.claims,
                )
            task = asyncio.create_task(self._work(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _work(self, delivery: Delivery) -> None:
        handler = self.handlers.get(delivery.channel)
        if handler is None:
            # Another replica's channel, not configured here: leave it for a replica that has it.
            logger.warning("inbox: no %s channel here for delivery %s", delivery.channel, delivery.delivery_id)
            return
        await self.process(delivery, lambda: handler(delivery))

    async def _drop(self, member: str) -> None:
        await self.kv.queue_remove(QUEUE, member)

    async def stop(self) -> None:
        """Cancel the deliveries in flight; each stays queued and is taken again once its lease runs out."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def drain(self) -> None:
        """Wait for the deliveries this process is working on (tests; a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def depth(self) -> int:
        return await self.kv.queue_length(QUEUE)

    def _done_key(self, delivery: Delivery) -> str:
        return f"inbox-done:{delivery.member}"

    @staticmethod
    def _sent_key(channel: str, delivery_id: str) -> str:
        return f"inbox-sent:{channel}:{delivery_id}"


class ReplyGate:
    """Whether this attempt at a delivery may show its reply, asked before each visible send and remembered for the
    attempt; `delivered` marks the final answer sent, so later attempts show nothing."""

    def __init__(self, inbox: Inbox, channel: str, delivery_id: str | None) -> None:
        self.inbox = inbox
        self.channel = channel
        self.delivery_id = delivery_id
        self._open: bool | None = None

    async def opens(self) -> bool:
        if self._open is None:
            self._open = not await self.inbox.replied(self.channel, self.delivery_id)
            if not self._open:
                logger.info(
                    "inbox: the reply to %s delivery %s was sent before; not again", self.channel, self.delivery_id
                )
        return self._open

    async def delivered(self) -> None:
        await self.inbox.mark_replied(self.channel, self.delivery_id)
