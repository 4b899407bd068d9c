"""``notify-deliver``: push the due notices of the outbox through the channel notifiers.

The delivery guarantee, step by step for one notice:

1. **Claim** a batch (a lease in ``claimed_by`` / ``claimed_until``; PostgreSQL picks rows ``FOR UPDATE SKIP
   LOCKED``). Two workers never hold the same notice; a dead worker's claims lapse when the lease ends.
2. **Mark ``sending``** (one more attempt, the lease renewed) and commit, *before* the push leaves.
3. **Send** through the channel's notifier with the notice's idempotency key. The notifier records the key with the
   platform's message id in the key-value store as soon as the platform answers, and answers a key it has already
   sent with that first message id instead of posting again.
4. **Mark ``sent``**.

A worker that dies after 3 and before 4 leaves the notice in ``sending``; when the lease ends another worker claims
it and sends it again with the same key, which the notifier resolves to the recorded message: nothing goes out twice.
A worker that dies after 2 and before the request leaves is resolved the same way: nothing recorded, so it is sent,
once. The one window no outbox can close against an API without idempotency (Telegram, Kakao, Slack) is a death
while the request itself is in flight, between the platform accepting the message and the notifier recording it:
that notice is sent again when the lease ends (at least once, never lost). Failures are retried with exponential
backoff (or the platform's Retry-After); a permanent failure, or ``max_attempts`` failures, moves the notice to the
dead letter (status ``dead`` with its last error). A user who switched notices off, or has no push channel left, has
their pending notices dropped to the dead letter instead of sent; a notice whose channels this worker has no
notifier for waits for one that has (no attempt spent). Nothing goes out during quiet hours.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from jobs.context import Clock, Counts
from jobs.notices.quiet import in_quiet_hours, release_time
from jobs.notifier import DeliveryError, Notifier, Push
from jobs.settings import NotifySettings
from storage.database import Database
from storage.kv import KeyValueStore
from storage.models import Notification, NotificationStatus
from storage.repositories.outbox import OutboxRepository, PushTarget

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class ChannelRateLimit:
    """Pushes per second per channel, shared by every worker through the key-value store.

    The second is cut into up to ten equal windows with an equal part of the limit each, so 30 a second go out as
    3 every 100 ms rather than in one burst of 30 that Telegram may refuse anyway.
    """

    def __init__(
        self,
        kv: KeyValueStore,
        settings: NotifySettings,
        *,
        sleep: Sleep = asyncio.sleep,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.kv = kv
        self.settings = settings
        self.sleep = sleep
        self.wall = wall

    def windows(self, channel: str) -> tuple[int, int]:
        """(windows per second, pushes allowed in one window): the most windows, up to ten, that split the limit."""
        rate = self.settings.per_second(channel)
        count = max(d for d in range(1, 11) if rate % d == 0)
        return count, rate // count

    async def acquire(self, channel: str) -> None:
        """Wait until ``channel`` has room in the current window, then take one push of it."""
        count, allowed = self.windows(channel)
        while True:
            now = self.wall()
            window = int(now * count)
            used = await self.kv.incr(f"rate:push:{channel}:{count}:{window}", ttl=2 / count + 1)
            if used <= allowed:
                return
            await self.sleep(max(0.001, (window + 1) / count - now))


class NotifyDeliverJob:
    def __init__(
        self,
        db: Database,
        kv: KeyValueStore,
        notifiers: Mapping[str, Notifier],
        settings: NotifySettings,
        *,
        clock: Clock,
        budget_s: float = 50.0,
        worker: str | None = None,
        rate_limit: ChannelRateLimit | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.notifiers = notifiers
        self.settings = settings
        self.clock = clock
        self.budget_s = budget_s
        self.worker = worker or f"deliver-{uuid.uuid4().hex[:12]}"
        self.rate_limit = rate_limit or ChannelRateLimit(kv, settings)
        self.monotonic = monotonic

    async def __call__(self) -> Counts:
        """Deliver due notices until none are left or the run's time budget is spent."""
        counts: Counter[str] = Counter()
        deadline = self.monotonic() + self.budget_s
        window = self.settings.quiet_window()
        while self.monotonic() < deadline and not in_quiet_hours(self.clock(), window):
            batch, targets, token = await self._claim()
            if not batch:
                break
            for notice in batch:
                await self.deliver(notice, targets.get(notice.user_id), token, counts)
        return dict(counts)

    async def _claim(self) -> tuple[list[Notification], dict[int, PushTarget], str]:
        token = f"{self.worker}:{uuid.uuid4().hex[:12]}"
        now = self.clock()
        async with self.db.session() as session:
            outbox = OutboxRepository(session)
            batch = await outbox.claim_due(token, now, self._lease(now), self.settings.batch_size)
            targets = await outbox.push_targets({notice.user_id for notice in batch})
        return batch, targets, token

    async def deliver(self, notice: Notification, target: PushTarget | None, token: str, counts: Counter[str]) -> None:
        """Send one claimed notice and record the outcome; see the module docstring for the guarantee."""
        assert notice.id is not None
        if notice.status == NotificationStatus.SENDING:
            counts["recovered"] += 1
        route = self._route(target)
        now = self.clock()
        if route is None:
            # The user's channels are not configured in this process (a worker without the Telegram token, say):
            # a deployment problem, not the notice's. Wait for a worker that has them, without spending an attempt.
            due = now + timedelta(seconds=self.settings.retry_max_s)
            error = "no notifier here for the user's channels"
            await self._finish(notice.id, token, lambda outbox: outbox.reschedule(notice.id or 0, token, due, error))
            counts["no_notifier"] += 1
            return
        if isinstance(route, str):
            await self._finish(notice.id, token, lambda outbox: outbox.mark_dead(notice.id or 0, token, route))
            counts["dropped"] += 1
            return
        notifier, external_id = route
        window = self.settings.quiet_window()
        if in_quiet_hours(now, window):  # the batch ran into the quiet hours: wait, without spending an attempt
            due = release_time(now, window)
            await self._finish(notice.id, token, lambda outbox: outbox.reschedule(notice.id or 0, token, due, None))
            counts["held"] += 1
            return
        async with self.db.session() as session:
            if not await OutboxRepository(session).mark_sending(notice.id, token, self._lease(now)):
                counts["claim_lost"] += 1
                return
        attempt = notice.attempts + 1
        push = Push(
            channel=notifier.channel,
            external_id=external_id,
            text=notice.text,
            idempotency_key=f"notice-{notice.id}",
            buttons=_buttons(notice.payload.get("buttons")),
        )
        await self.rate_limit.acquire(notifier.channel)
        try:
            await notifier.send(push)
        except DeliveryError as error:
            await self._failed(notice.id, token, attempt, error, counts)
            return
        except Exception as error:  # a notifier bug or an unexpected network error: retry like a transient failure
            logger.exception("the %s notifier raised outside its contract", notifier.channel)
            await self._failed(notice.id, token, attempt, DeliveryError(repr(error)), counts)
            return
        sent_at = self.clock()
        await self._finish(notice.id, token, lambda outbox: outbox.mark_sent(notice.id or 0, token, sent_at))
        counts["sent"] += 1

    def _route(self, target: PushTarget | None) -> tuple[Notifier, str] | str | None:
        """The notifier and identity to push through; why the notice cannot go anywhere (it is dropped); or None
        when the user has push identities but this process has no notifier for any of them."""
        if target is None:
            return "the user no longer exists"
        if not target.wants_notices:
            return "the user switched notices off"
        if not target.identities:
            return "the user has no Telegram, Kakao or Slack identity"
        for channel, external_id in target.identities:
            notifier = self.notifiers.get(channel)
            if notifier is not None:
                return notifier, external_id
        return None

    async def _failed(
        self, notice_id: int, token: str, attempt: int, error: DeliveryError, counts: Counter[str]
    ) -> None:
        message = str(error) or type(error).__name__
        if error.permanent or attempt >= self.settings.max_attempts:
            reason = "permanent" if error.permanent else f"{attempt} attempts"
            logger.warning("notice %s moved to the dead letter (%s): %s", notice_id, reason, message)
            await self._finish(notice_id, token, lambda outbox: outbox.mark_dead(notice_id, token, message))
            counts["dead"] += 1
            return
        delay = self._backoff(attempt, error.retry_after)
        due = release_time(self.clock() + timedelta(seconds=delay), self.settings.quiet_window())
        await self._finish(notice_id, token, lambda outbox: outbox.reschedule(notice_id, token, due, message))
        counts["retried"] += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        step = min(self.settings.retry_max_s, self.settings.retry_base_s * 2 ** (attempt - 1))
        jittered = step / 2 + random.random() * step / 2
        return max(jittered, retry_after or 0.0)

    def _lease(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.settings.lease_s)

    async def _finish(self, notice_id: int, token: str, change: Callable[[OutboxRepository], Awaitable[bool]]) -> None:
        async with self.db.session() as session:
            if not await change(OutboxRepository(session)):
                logger.warning("notice %s: the claim %s was lost before its outcome was recorded", notice_id, token)


def _buttons(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple((str(pair[0]), str(pair[1])) for pair in value if isinstance(pair, list | tuple) and len(pair) == 2)
