"""What every channel runs a message through before and around the engine.

- de-duplication by the channel's delivery id, remembered in the key-value store for longer than the channel's
  retry window (a set of seen ids, never a high-water mark, so a late or out-of-order delivery is still answered);
- a per-user rate limit (a fixed window counter) with one polite reply when it trips and silence after;
- one turn at a time per conversation (a lock in the store, so replicas agree), which keeps a session's turns in
  order and makes a retried delivery wait for the first instead of racing it; the lock is a lease of
  ``KKINI_CHANNELS__LEASE_S`` (5 s), renewed while the turn runs, so a process that dies mid-turn holds up the conversation's next
  message for seconds, not for the turn timeout;
- ``/link`` codes, then the engine, timed, with failures turned into a polite reply instead of silence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import Enum

from bots.channels.dialogue import AssistantState, DialogueSlot
from bots.channels.links import LinkCodes, link_command
from bots.channels.replies import ASSISTANT_BROKEN, NOT_INSTALLED, NOT_READY, RATE_LIMITED, SORRY, TOO_SLOW
from bots.http.metrics import Metrics
from bots.inbox import Inbox
from bots.settings import ChannelsSettings
from dialogue.messages import Final, FinalMeta, IncomingMessage, ReplyEvent, Text
from storage.kv import KeyValueStore, LockNotAcquired, lock

logger = logging.getLogger(__name__)

ORIGIN_FACTOR = 10
"""Messages one source address may send per window, in multiples of the per-user limit (a school shares one)."""


class Admission(Enum):
    ANSWER = "answer"
    NOTIFY_LIMITED = "notify_limited"
    """Over the limit for the first time in this window: say so once."""
    SILENT = "silent"


@dataclass(slots=True)
class Turns:
    """The shared middleware and the engine behind it; each channel adapter holds one."""

    slot: DialogueSlot
    kv: KeyValueStore
    settings: ChannelsSettings
    links: LinkCodes
    metrics: Metrics
    inbox: Inbox

    async def first_delivery(self, channel: str, delivery_id: str, ttl_s: float) -> bool:
        """True for the first delivery of this id; False for every repeat within ``ttl_s`` seconds."""
        first = await self.kv.set_if_absent(f"dedup:{channel}:{delivery_id}", "1", ttl_s)
        if not first:
            self.metrics.count(channel, "duplicate")
        return first

    async def forget_delivery(self, channel: str, delivery_id: str) -> None:
        """Let a redelivery through after all (the first attempt was refused before any work was done)."""
        await self.kv.delete(f"dedup:{channel}:{delivery_id}")

    async def admit(self, channel: str, user: str, origin: str | None = None) -> Admission:
        """Within the per-user limit, and (where the channel knows where a message came from, the web chat, whose
        identities cost nothing to make) within `ORIGIN_FACTOR` times that per source address."""
        window, limit = self.settings.rate_limit_window_s, self.settings.rate_limit_count
        count = await self.kv.incr(f"rate:{channel}:{user}", ttl=window)
        if origin is not None and count <= limit:
            from_origin = await self.kv.incr(f"rate-origin:{channel}:{origin}", ttl=window)
            if from_origin > limit * ORIGIN_FACTOR:
                self.metrics.count(channel, "rate_limited")
                return Admission.NOTIFY_LIMITED if from_origin == limit * ORIGIN_FACTOR + 1 else Admission.SILENT
        if count <= limit:
            return Admission.ANSWER
        self.metrics.count(channel, "rate_limited")
        return Admission.NOTIFY_LIMITED if count == limit + 1 else Admission.SILENT

    async def events(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]:
        """The reply events for one admitted message; always ends with `Final` unless the user is silenced."""
        admission = await self.admit(message.channel, message.user, message.origin)
        if admission is Admission.SILENT:
            return
        if admission is Admission.NOTIFY_LIMITED:
            for event in said(RATE_LIMITED, "rate_limited"):
                yield event
            return
        is_link, code = link_command(message.text)
        if is_link:
            answer = await self.links.answer(message.channel, message.user, code, message.origin)
            for event in said(answer, "link"):
                yield event
            return
        engine = self.slot.engine_for(message.assistant)
        if engine is None:
            for event in unavailable(self.slot.state(message.assistant), message.assistant):
                yield event
            return
        name = f"turn:{message.channel}:{message.conversation or message.user}"
        timeout = self.settings.turn_timeout_s
        try:
            lease = self.settings.lease_s
            async with lock(self.kv, name, ttl=lease, wait=timeout, renew_every=lease / 3):
                with self.metrics.timed(message.channel, "turn"):
                    async for event in _within(engine.handle(message), timeout):
                        if isinstance(event, Final):
                            self.metrics.engine_stages(message.channel, event.meta.timings_ms)
                            self.metrics.model_usage(event.meta.model)
                            self.metrics.count(message.channel, "answered")
                        yield event
        except LockNotAcquired:
            for event in said(TOO_SLOW, "busy"):
                yield event
        except TimeoutError:
            logger.warning("turn on %s took longer than %.0f s", message.channel, timeout)
            self.metrics.count(message.channel, "failed")
            for event in said(TOO_SLOW, "timeout"):
                yield event
        except Exception:
            logger.exception("turn on %s failed", message.channel)
            self.metrics.count(message.channel, "failed")
            for event in said(SORRY, "error"):
                yield event


async def _within(events: AsyncIterator[ReplyEvent], seconds: float) -> AsyncIterator[ReplyEvent]:
    """The events, as long as the whole stream (not counting the consumer's time) fits in ``seconds``.

    Each step is awaited with its own timeout rather than wrapping the loop in ``asyncio.timeout``: a timeout
    around a ``yield`` would fire while the consumer is busy and cancel the consumer's own work.
    """
    loop = asyncio.get_running_loop()
    budget = seconds
    iterator = aiter(events)
    try:
        while True:
            started = loop.time()
            try:
                event = await asyncio.wait_for(anext(iterator), max(budget, 0.001))
            except StopAsyncIteration:
                return
            budget -= loop.time() - started
            yield event
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()


def unavailable(state: AssistantState, assistant: str) -> tuple[ReplyEvent, ...]:
    """What a message to an assistant that does not answer (yet) is told, by the assistant's state."""
    if state is AssistantState.LOADING:
        return said(NOT_READY, "not_ready")
    if state is AssistantState.NOT_INSTALLED:
        return said(NOT_INSTALLED.get(assistant, ASSISTANT_BROKEN), "not_installed")
    return said(ASSISTANT_BROKEN, "assistant_failed")


def said(text: str, kind: str) -> tuple[ReplyEvent, ...]:
    """A reply the channel layer gives itself (``kind`` says why), as the engine's events would carry it."""
    return Text(text), Final(text, meta=FinalMeta(provider=f"channel:{kind}"))
