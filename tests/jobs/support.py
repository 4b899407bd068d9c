"""Small worlds for the job tests: a card holder near an open shop, recording notifiers, the evening they run at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jobs.notifier import DeliveryError, Push
from storage.database import Database
from storage.hours import SEOUL
from storage.models import (
    CardAcceptance,
    CardProgram,
    ChannelIdentity,
    MealCard,
    MenuItem,
    MenuKind,
    Place,
    Shop,
    ShopHours,
    User,
)

# A Tuesday at 18:00 in Seoul: outside the default quiet hours (21:00-08:00), dinner time.
EVENING = datetime(2026, 11, 24, 18, 0, tzinfo=SEOUL)
YEOKSAM = (37.5006, 127.0364)


@dataclass(slots=True)
class World:
    user_ids: list[int] = field(default_factory=list)
    card_ids: list[str] = field(default_factory=list)
    shop_id: int = 0


async def build_world(
    db: Database,
    *,
    holders: int = 1,
    balance: int = 20_000,
    telegram: bool = True,
    notify: bool = True,
    updated_at: datetime = EVENING - timedelta(hours=1),
) -> World:
    """A programme, 역삼역, an always-open card shop near it selling 참치김밥 3,500원 and 돈까스 8,000원, and
    ``holders`` users (home area seoul-gangnam, Telegram chat 9001, 9002 ...) each holding card KC-T0001 ..."""
    world = World()
    async with db.session() as session:
        session.add(
            CardProgram(
                code="seoul-kkumnamu",
                name="서울 꿈나무카드",
                region="서울특별시",
                meal_amount=9500,
                daily_limit=28500,
                monthly_top_up_day=1,
            )
        )
        session.add(
            Place(name="역삼역", area="seoul-gangnam", kind="station", latitude=YEOKSAM[0], longitude=YEOKSAM[1])
        )
        shop = Shop(
            name="김밥천국 역삼점",
            category="분식",
            area="seoul-gangnam",
            address="서울특별시 강남구 테헤란로 1",
            latitude=YEOKSAM[0] + 0.001,
            longitude=YEOKSAM[1],
            card_acceptance=CardAcceptance.YES,
        )
        session.add(shop)
        await session.flush()
        assert shop.id is not None
        world.shop_id = shop.id
        for weekday in range(7):
            session.add(ShopHours(shop_id=shop.id, weekday=weekday, opens_at=0, closes_at=1440))
        session.add(MenuItem(shop_id=shop.id, name="참치김밥", price=3500, kind=MenuKind.MAIN))
        session.add(MenuItem(shop_id=shop.id, name="돈까스", price=8000, kind=MenuKind.MAIN))
        session.add(MenuItem(shop_id=shop.id, name="콜라", price=1500, kind=MenuKind.DRINK))
        for number in range(1, holders + 1):
            user = User(
                display_name=f"학생{number}", preferences={"home_area": "seoul-gangnam"}, notify_low_balance=notify
            )
            session.add(user)
            await session.flush()
            assert user.id is not None
            world.user_ids.append(user.id)
            if telegram:
                session.add(ChannelIdentity(user_id=user.id, channel="telegram", external_id=str(9000 + number)))
            session.add(ChannelIdentity(user_id=user.id, channel="console", external_id=f"student{number}"))
            card_id = f"KC-T{number:04d}"
            world.card_ids.append(card_id)
            session.add(
                MealCard(
                    card_id=card_id,
                    user_id=user.id,
                    program_code="seoul-kkumnamu",
                    number_masked="9410-****-****-0000",
                    number_hash=f"hash-{number}",
                    balance=balance,
                    daily_limit=28500,
                    monthly_limit=294500,
                    meal_amount=9500,
                    issuer_updated_at=updated_at,
                )
            )
    return world


class RecordingNotifier:
    """A `Notifier` that keeps what it was asked to send; ``failures`` are raised, in order, before sending."""

    def __init__(self, channel: str = "telegram") -> None:
        self.channel = channel
        self.sent: list[Push] = []
        self.failures: list[DeliveryError] = []

    async def send(self, push: Push) -> str | None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(push)
        return str(len(self.sent))
