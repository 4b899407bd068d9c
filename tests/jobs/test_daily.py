"""The daily jobs: coupon reminders (once, three days ahead), popularity, retention by data class."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from jobs.daily import CouponRemindersJob, PopularityJob, RetentionJob
from jobs.settings import JobsSettings, NotifySettings
from storage.database import Database
from storage.models import (
    Conversation,
    Coupon,
    JobRun,
    Notification,
    Order,
    RecommendationLog,
    Shop,
    UserCoupon,
)
from tests.fakes.clock import FakeClock
from tests.jobs.support import build_world


async def add_coupon(
    db: Database, user_id: int, code: str, ends_in: timedelta, clock: FakeClock, **extra: object
) -> int:
    async with db.session() as session:
        coupon = Coupon(
            code=code,
            title=f"{code} 천원 할인",
            discount_type="FIXED",
            amount=1000,
            valid_from=clock.utc() - timedelta(days=10),
            valid_until=clock.utc() + ends_in,
        )
        session.add(coupon)
        await session.flush()
        assert coupon.id is not None
        wallet = UserCoupon(user_id=user_id, coupon_id=coupon.id, **extra)
        session.add(wallet)
        await session.flush()
        assert wallet.id is not None
        return wallet.id


async def test_coupon_reminders_go_once_three_days_ahead(db: Database, clock: FakeClock) -> None:
    world = await build_world(db, holders=2)
    user, quiet_user = world.user_ids
    soon = await add_coupon(db, user, "SOON", timedelta(days=2, hours=20), clock)
    await add_coupon(db, user, "LATER", timedelta(days=5), clock)
    await add_coupon(db, user, "USED", timedelta(days=1), clock, used_at=clock.utc() - timedelta(days=1))
    await add_coupon(db, user, "GONE", timedelta(hours=-1), clock)
    async with db.session() as session:
        from storage.models import User

        other = await session.get(User, quiet_user)
        assert other is not None
        other.notify_low_balance = False
        session.add(other)
    await add_coupon(db, quiet_user, "MUTED", timedelta(days=1), clock)
    job = CouponRemindersJob(db, NotifySettings(), clock.utc)
    assert await job() == {"coupon_notices": 1}
    assert await job() == {"coupon_notices": 0}
    async with db.session() as session:
        [notice] = (await session.exec(select(Notification))).all()
        reminded = await session.get(UserCoupon, soon)
    assert notice.user_id == user and notice.dedup_key == f"coupon-expiry:{soon}"
    assert notice.text == "학생1님, 'SOON 천원 할인' 쿠폰이 11월 27일에 끝나요. 잊지 말고 써 보세요!"
    assert reminded is not None and reminded.expiry_reminded_at == clock.utc()


async def test_popularity_follows_selections_and_orders(sqlite_db: Database, clock: FakeClock) -> None:
    world = await build_world(sqlite_db)
    async with sqlite_db.session() as session:
        quiet = Shop(name="조용한 식당", category="한식", area="seoul-gangnam", address="강남구 2", popularity=50.0)
        session.add(quiet)
        busy = await session.get(Shop, world.shop_id)
        assert busy is not None
        busy.popularity = 10.0
        session.add(busy)
        await session.flush()
        for n in range(4):
            session.add(
                RecommendationLog(
                    turn_id=f"t{n}",
                    user_id=world.user_ids[0],
                    shop_id=world.shop_id,
                    rank=1,
                    score=1.0,
                    shown_at=clock.utc() - timedelta(days=1),
                    selected_at=clock.utc() - timedelta(days=1) if n < 3 else None,
                )
            )
        session.add(
            Order(user_id=world.user_ids[0], shop_id=world.shop_id, channel="telegram", subtotal=3500, total=3500)
        )
        session.add(
            Order(
                user_id=world.user_ids[0],
                shop_id=world.shop_id,
                channel="telegram",
                subtotal=3500,
                total=3500,
                status="rejected",
            )
        )
    counts = await PopularityJob(sqlite_db, JobsSettings(), clock.utc)()
    assert counts == {"shops_active": 1, "shops_updated": 2}
    async with sqlite_db.session() as session:
        values = {shop.name: shop.popularity for shop in (await session.exec(select(Shop))).all()}
    assert values["김밥천국 역삼점"] == 37.0  # 0.7 * 10 + 0.3 * 100: the busiest shop observes 100
    assert values["조용한 식당"] == 35.0  # 0.7 * 50 + 0.3 * 0


async def test_popularity_without_any_activity_changes_nothing(sqlite_db: Database, clock: FakeClock) -> None:
    await build_world(sqlite_db)
    assert await PopularityJob(sqlite_db, JobsSettings(), clock.utc)() == {"shops_active": 0, "shops_updated": 0}


async def test_retention_deletes_each_data_class_after_its_time(db: Database, clock: FakeClock) -> None:
    world = await build_world(db)
    user = world.user_ids[0]
    now = clock.utc()
    async with db.session() as session:
        for days in (10, 100, 400):
            session.add(
                Conversation(
                    turn_id=f"turn-{days}",
                    user_id=user,
                    channel="telegram",
                    input_text="배고파",
                    reply_text="뭐 먹을까요?",
                    timings_ms={"total": 12.5},
                    created_at=now - timedelta(days=days),
                )
            )
            session.add(
                RecommendationLog(
                    turn_id=f"turn-{days}",
                    user_id=user,
                    shop_id=world.shop_id,
                    rank=1,
                    score=1.0,
                    shown_at=now - timedelta(days=days),
                )
            )
            session.add(JobRun(job="balance-sync", owner="w", status="ok", started_at=now - timedelta(days=days)))
            for status in ("sent", "pending"):
                session.add(
                    Notification(
                        user_id=user,
                        kind="test",
                        dedup_key=f"{status}-{days}",
                        text="알림",
                        status=status,
                        created_at=now - timedelta(days=days),
                    )
                )
    counts = await RetentionJob(db, JobsSettings(), clock.utc)()
    assert counts == {
        "conversations_deleted": 1,
        "timings_cleared": 1,
        "recommendations_deleted": 2,
        "job_runs_deleted": 2,
        "notices_deleted": 2,
    }
    async with db.session() as session:
        turns = {turn.turn_id: turn.timings_ms for turn in (await session.exec(select(Conversation))).all()}
        pending = (await session.exec(select(Notification))).all()
    assert turns == {"turn-10": {"total": 12.5}, "turn-100": {}}
    assert sorted(n.dedup_key for n in pending) == ["pending-10", "pending-100", "pending-400", "sent-10"]
    # The next day's run clears only the turns that crossed the line since.
    clock.advance(days=1)
    assert (await RetentionJob(db, JobsSettings(), clock.utc)())["timings_cleared"] == 0
