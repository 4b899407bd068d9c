"""Low-balance notices: written with the low state, once per 24 hours, re-armed, held through quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from jobs.notices.low_balance import LowBalanceNotices
from jobs.settings import NotifySettings
from storage.database import Database
from storage.hours import SEOUL
from storage.models import MealCard, Notification
from tests.fakes.clock import FakeClock
from tests.jobs.support import build_world


async def set_card(db: Database, card_id: str, **values: object) -> None:
    async with db.session() as session:
        card = await session.get(MealCard, card_id)
        assert card is not None
        for name, value in values.items():
            setattr(card, name, value)
        session.add(card)


async def notices(db: Database) -> list[Notification]:
    async with db.session() as session:
        return list((await session.exec(select(Notification).order_by(Notification.id))).all())  # type: ignore[arg-type]


async def card(db: Database, card_id: str) -> MealCard:
    async with db.session() as session:
        found = await session.get(MealCard, card_id)
    assert found is not None
    return found


async def test_the_notice_says_what_is_left_what_it_buys_and_the_next_top_up(db: Database, clock: FakeClock) -> None:
    await build_world(db, balance=4_300)
    counts = await LowBalanceNotices(db, NotifySettings(), clock.utc).sweep()
    assert counts == {"rearmed": 0, "marked_low": 1, "low_notices": 1}
    [notice] = await notices(db)
    assert notice.text == (
        "학생1님, 서울 꿈나무카드 잔액이 4,300원 남았어요. "
        "지금 이 금액으로 갈 수 있는 곳: 김밥천국 역삼점 참치김밥 3,500원. 다음 충전일은 12월 1일이에요."
    )
    assert notice.kind == "low_balance" and notice.not_before == clock.utc()
    assert notice.payload["buttons"] == [["4,300원으로 먹을 곳", "4,300원으로 뭐 먹지?"], ["알림 끄기", "알림 꺼줘"]]
    stored = await card(db, "KC-T0001")
    assert (
        stored.low_balance and stored.low_balance_since == clock.utc() and stored.low_balance_notified_at == clock.utc()
    )


async def test_todays_limit_caps_what_it_buys(db: Database, clock: FakeClock) -> None:
    await build_world(db, balance=4_900)
    await set_card(
        db, "KC-T0001", daily_limit=28_500, spent_today=26_000, spent_on=clock.utc().astimezone(SEOUL).date()
    )
    await LowBalanceNotices(db, NotifySettings(), clock.utc).sweep()
    [notice] = await notices(db)
    assert "오늘은 2,500원까지 쓸 수 있어요." in notice.text
    assert "갈 수 있는 곳" not in notice.text  # nothing at the shop costs 2,500 won or less but a drink


async def test_an_empty_card(db: Database, clock: FakeClock) -> None:
    await build_world(db, balance=0)
    await LowBalanceNotices(db, NotifySettings(), clock.utc).sweep()
    [notice] = await notices(db)
    assert notice.text == "학생1님, 서울 꿈나무카드 잔액을 모두 사용했어요. 다음 충전일은 12월 1일이에요."
    assert notice.payload["buttons"] == [["알림 끄기", "알림 꺼줘"]]


async def test_one_notice_per_card_per_day_and_rearmed_over_the_threshold(db: Database, clock: FakeClock) -> None:
    await build_world(db, balance=3_000)
    job = LowBalanceNotices(db, NotifySettings(), clock.utc)
    await job.sweep()
    assert (await job.sweep())["marked_low"] == 0  # still low: nothing new
    clock.advance(hours=2)
    await set_card(db, "KC-T0001", balance=20_000)  # topped up
    assert (await job.sweep())["rearmed"] == 1
    assert not (await card(db, "KC-T0001")).low_balance
    clock.advance(hours=2)
    await set_card(db, "KC-T0001", balance=2_000)  # low again within 24 hours: marked, not notified
    assert await job.sweep() == {"rearmed": 0, "marked_low": 1, "low_notices": 0}
    await set_card(db, "KC-T0001", balance=20_000)
    await job.sweep()
    clock.advance(hours=21)  # 25 hours after the first notice
    await set_card(db, "KC-T0001", balance=1_000)
    assert (await job.sweep())["low_notices"] == 1
    assert len(await notices(db)) == 2


async def test_quiet_hours_hold_the_notice_until_the_morning(db: Database, clock: FakeClock) -> None:
    await build_world(db, balance=4_000)
    clock.set(datetime(2026, 11, 24, 22, 30, tzinfo=SEOUL))
    await LowBalanceNotices(db, NotifySettings(quiet_hours="21:00-08:00"), clock.utc).sweep()
    [notice] = await notices(db)
    assert notice.not_before == datetime(2026, 11, 25, 8, 0, tzinfo=SEOUL)
    assert notice.created_at == clock.utc()


async def test_no_notice_without_a_wish_a_push_channel_or_an_active_card(db: Database, clock: FakeClock) -> None:
    await build_world(db, holders=3, balance=2_000)
    async with db.session() as session:
        from storage.models import ChannelIdentity, User

        first = await session.get(User, 1)
        assert first is not None
        first.notify_low_balance = False
        session.add(first)
        for identity in (await session.exec(select(ChannelIdentity).where(ChannelIdentity.user_id == 2))).all():
            if identity.channel == "telegram":
                await session.delete(identity)
    await set_card(db, "KC-T0003", status="SUSPENDED")
    counts = await LowBalanceNotices(db, NotifySettings(), clock.utc).sweep()
    assert counts == {"rearmed": 0, "marked_low": 2, "low_notices": 0}
    assert not (await card(db, "KC-T0003")).low_balance
    assert (await card(db, "KC-T0001")).low_balance_notified_at is None


async def test_a_second_sweep_the_same_day_cannot_write_the_notice_twice(db: Database, clock: FakeClock) -> None:
    await build_world(db, balance=3_000)
    job = LowBalanceNotices(db, NotifySettings(), clock.utc)
    await job.sweep()
    # As if a second replica had read the card before the first one marked it: the dedup key keeps one notice.
    await set_card(db, "KC-T0001", low_balance=False, low_balance_notified_at=None)
    assert (await job.sweep())["low_notices"] == 0
    assert len(await notices(db)) == 1


def test_release_time_and_windows() -> None:
    from jobs.notices.quiet import in_quiet_hours, release_time

    window = NotifySettings(quiet_hours="21:00-08:00").quiet_window()
    afternoon = datetime(2026, 11, 24, 15, 0, tzinfo=SEOUL)
    assert release_time(afternoon, window) == afternoon
    assert release_time(datetime(2026, 11, 25, 6, 0, tzinfo=SEOUL), window) == datetime(
        2026, 11, 25, 8, 0, tzinfo=SEOUL
    )
    assert in_quiet_hours(datetime(2026, 11, 24, 21, 0, tzinfo=SEOUL), window)
    assert not in_quiet_hours(datetime(2026, 11, 24, 8, 0, tzinfo=SEOUL), window)
    lunch = NotifySettings(quiet_hours="12:00-13:00").quiet_window()
    assert release_time(datetime(2026, 11, 24, 12, 30, tzinfo=SEOUL), lunch) == datetime(
        2026, 11, 24, 13, 0, tzinfo=SEOUL
    )
    assert NotifySettings(quiet_hours="").quiet_window() is None
    assert release_time(afternoon + timedelta(hours=8), None) == afternoon + timedelta(hours=8)
