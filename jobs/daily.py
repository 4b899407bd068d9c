"""The daily jobs: coupon-expiry reminders, shop popularity, and retention clean-up by data class."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from jobs.context import Clock, Counts
from jobs.notices.quiet import release_time
from jobs.notices.text import OFF_BUTTON, coupon_reminder_text
from jobs.settings import JobsSettings, NotifySettings
from storage.database import Database
from storage.repositories.job_runs import SyncStateRepository
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.outbox import NewNotice, OutboxRepository

COUPON_KIND = "coupon_expiry"
POPULARITY_WEIGHT = 0.3
"""Each day's observation moves a shop's popularity this far, so one quiet or busy day does not swing it."""
ORDER_WEIGHT = 3
"""An order says more about a shop than picking it from a list."""
TIMINGS_CLEARED = "retention:timings-cleared-before"


class CouponRemindersJob:
    """Once per coupon, ``coupon_reminder_days`` before it expires: a notice, and the coupon marked reminded, in one
    transaction."""

    def __init__(self, db: Database, settings: NotifySettings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def __call__(self) -> Counts:
        now = self.clock()
        send_at = release_time(now, self.settings.quiet_window())
        async with self.db.session() as session:
            maintenance = MaintenanceRepository(session)
            due = await maintenance.expiring_coupons(now, now + timedelta(days=self.settings.coupon_reminder_days))
            notices = [
                NewNotice(
                    user_id=coupon.user_id,
                    kind=COUPON_KIND,
                    dedup_key=f"coupon-expiry:{coupon.user_coupon_id}",
                    text=coupon_reminder_text(
                        name=coupon.display_name, title=coupon.title, valid_until=coupon.valid_until, where=coupon.where
                    ),
                    not_before=send_at,
                    payload={
                        "user_coupon_id": coupon.user_coupon_id,
                        "buttons": [["쿠폰 쓸 수 있는 곳", "쿠폰 쓸 수 있는 곳 추천해줘"], list(OFF_BUTTON)],
                    },
                )
                for coupon in due
            ]
            written = await OutboxRepository(session).enqueue(notices, now)
            await maintenance.mark_reminded([coupon.user_coupon_id for coupon in due], now)
        return {"coupon_notices": written}


class PopularityJob:
    """Shop popularity (0-100) from the last ``popularity_days`` of selections and orders.

    The day's observation is log-scaled against the busiest shop and blended into the stored value, so the
    sample data's starting values fade out gradually as real activity comes in. A window with no activity at
    all changes nothing.
    """

    def __init__(self, db: Database, settings: JobsSettings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def __call__(self) -> Counts:
        since = self.clock() - timedelta(days=self.settings.popularity_days)
        async with self.db.session() as session:
            maintenance = MaintenanceRepository(session)
            activity = await maintenance.shop_activity(since)
            scores = {shop_id: picked + ORDER_WEIGHT * ordered for shop_id, (picked, ordered) in activity.items()}
            busiest = max(scores.values(), default=0)
            if busiest == 0:
                return {"shops_active": 0, "shops_updated": 0}
            current = await maintenance.popularity()
            updated: dict[int, float] = {}
            for shop_id, old in current.items():
                observed = 100 * math.log1p(scores.get(shop_id, 0)) / math.log1p(busiest)
                value = round((1 - POPULARITY_WEIGHT) * old + POPULARITY_WEIGHT * observed, 2)
                if abs(value - old) >= 0.01:
                    updated[shop_id] = value
            await maintenance.set_popularity(updated)
        return {"shops_active": len(scores), "shops_updated": len(updated)}


class RetentionJob:
    """Deletes what has outlived its data class.

    - conversations (turns with the masked input and the reply): ``conversation_days``;
    - performance logs: ``performance_days`` for the turns' stage timings (cleared, the turn stays), the
      recommendations shown with their scores, job runs, and notices already sent or dead;
    - session contexts live only in the key-value store and expire 24 hours after the last message (the session
      store's TTL), well inside their 7-day class, so there is nothing of theirs to delete here.
    """

    def __init__(self, db: Database, settings: JobsSettings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def __call__(self) -> Counts:
        now = self.clock()
        conversations_before = now - timedelta(days=self.settings.conversation_days)
        performance_before = now - timedelta(days=self.settings.performance_days)
        async with self.db.session() as session:
            maintenance = MaintenanceRepository(session)
            states = SyncStateRepository(session)
            cleared_before = await states.get(TIMINGS_CLEARED)
            since = datetime.fromisoformat(cleared_before) if cleared_before else None
            counts = {
                "conversations_deleted": await maintenance.delete_conversations(conversations_before),
                "timings_cleared": await maintenance.clear_turn_timings(since, performance_before),
                "recommendations_deleted": await maintenance.delete_recommendations(performance_before),
                "job_runs_deleted": await maintenance.delete_job_runs(performance_before),
                "notices_deleted": await maintenance.delete_finished_notices(performance_before),
            }
            await states.put(TIMINGS_CLEARED, performance_before.isoformat(), now)
        return counts
