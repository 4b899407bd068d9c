"""Repositories on SQLite and PostgreSQL: identities and cards, and the open-shops-near-a-point query."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlmodel import func, select

from storage.database import Database
from storage.models import (
    CardProgram,
    ChannelIdentity,
    MealCard,
    MenuItem,
    Shop,
    ShopClosure,
    ShopHours,
    User,
)
from storage.repositories import CardRepository, IdentityConflict, ShopRepository, UnknownCard, UserRepository
from storage.security import card_number_hash, mask_card_number
from tests.storage.test_hours import MONDAY, at

KEY = b"test-key"
GANGNAM = (37.4979, 127.0276)


async def add_card(db: Database, card_id: str, number: str, user_id: int | None = None) -> None:
    async with db.session() as session:
        if await session.get(CardProgram, "seoul-kkumnamu") is None:
            session.add(
                CardProgram(
                    code="seoul-kkumnamu",
                    name="서울 꿈나무카드",
                    region="서울특별시",
                    meal_amount=9500,
                    daily_limit=28500,
                )
            )
            await session.flush()
        session.add(
            MealCard(
                card_id=card_id,
                user_id=user_id,
                program_code="seoul-kkumnamu",
                number_masked=mask_card_number(number),
                number_hash=card_number_hash(number, KEY),
                balance=4300,
                daily_limit=28500,
                monthly_limit=285000,
                meal_amount=9500,
            )
        )


async def test_add_identity_is_idempotent(db: Database) -> None:
    async with db.session() as session:
        first = await UserRepository(session).add_identity("telegram", "555")
    async with db.session() as session:
        again = await UserRepository(session).add_identity("telegram", "555")
    assert first.created_user and first.created_identity
    assert not again.created_user and not again.created_identity
    assert again.user.id == first.user.id
    async with db.session() as session:
        assert (await session.exec(select(func.count()).select_from(User))).one() == 1


async def test_identities_of_one_person_meet_at_their_card(db: Database) -> None:
    await add_card(db, "KC-1", "9410 1234 5678 4321")
    async with db.session() as session:
        telegram = await UserRepository(session).add_identity("telegram", "555", card_id="KC-1")
    async with db.session() as session:
        kakao = await UserRepository(session).add_identity("kakao", "kakao-user-key", card_id="KC-1")
        identities = await UserRepository(session).identities(telegram.user.id or 0)
        found = await UserRepository(session).by_identity("kakao", "kakao-user-key")
    assert telegram.created_user and not kakao.created_user
    assert kakao.user.id == telegram.user.id
    assert [(i.channel, i.external_id) for i in identities] == [("telegram", "555"), ("kakao", "kakao-user-key")]
    assert found is not None and found.id == telegram.user.id
    async with db.session() as session:
        rows = await CardRepository(session).list_with_holders()
    assert rows[0].card.user_id == telegram.user.id
    assert rows[0].holder_identities == ["telegram:555", "kakao:kakao-user-key"]
    assert rows[0].card.number_masked == "9410-****-****-4321"


async def test_linking_to_another_holders_card_is_refused_and_writes_nothing(db: Database) -> None:
    await add_card(db, "KC-2", "9410000011112222")
    async with db.session() as session:
        await UserRepository(session).add_identity("console", "demo-a", card_id="KC-2")
        await UserRepository(session).add_identity("console", "demo-b")
    with pytest.raises(IdentityConflict):
        async with db.session() as session:
            await UserRepository(session).add_identity("console", "demo-b", card_id="KC-2")
    with pytest.raises(UnknownCard):
        async with db.session() as session:
            await UserRepository(session).add_identity("telegram", "777", card_id="KC-404")
    async with db.session() as session:
        assert (await session.exec(select(func.count()).select_from(ChannelIdentity))).one() == 2


async def add_shop(
    db: Database,
    name: str,
    offset_m: tuple[float, float],
    prices: list[int],
    *,
    acceptance: str = "Y",
    hours: tuple[int, int] = (9 * 60, 21 * 60),
    sold_out: bool = False,
    closed_on: list | None = None,
) -> int:
    lat = GANGNAM[0] + offset_m[0] / 111_000
    lon = GANGNAM[1] + offset_m[1] / 88_000
    async with db.session() as session:
        shop = Shop(
            name=name,
            category="분식",
            area="seoul-gangnam",
            address="서울특별시 강남구 테헤란로 1",
            latitude=lat,
            longitude=lon,
            card_acceptance=acceptance,
        )
        session.add(shop)
        await session.flush()
        assert shop.id is not None
        for weekday in range(7):
            session.add(ShopHours(shop_id=shop.id, weekday=weekday, opens_at=hours[0], closes_at=hours[1]))
        for index, price in enumerate(prices):
            session.add(MenuItem(shop_id=shop.id, name=f"메뉴{index}", price=price, sold_out=sold_out))
        for day in closed_on or []:
            session.add(ShopClosure(shop_id=shop.id, day=day))
        return shop.id


async def test_open_shops_with_a_menu_under_a_price_near_a_point(db: Database) -> None:
    near = await add_shop(db, "가까운 김밥", (100, 0), [3500, 8000])
    farther = await add_shop(db, "조금 먼 분식", (0, 600), [4000])
    await add_shop(db, "비싼 집", (50, 50), [12000])
    await add_shop(db, "품절 집", (60, 0), [3000], sold_out=True)
    await add_shop(db, "카드 안 받는 집", (70, 0), [3000], acceptance="N")
    await add_shop(db, "저녁 가게", (80, 0), [3000], hours=(17 * 60, 23 * 60))
    await add_shop(db, "너무 먼 집", (3000, 0), [3000])
    await add_shop(db, "오늘 쉬는 집", (90, 0), [3000], closed_on=[MONDAY])

    async with db.session() as session:
        matches = await ShopRepository(session).open_with_menu_under(
            latitude=GANGNAM[0], longitude=GANGNAM[1], radius_m=1000, max_price=4300, at=at(MONDAY, "12:30")
        )
    assert [m.shop.id for m in matches] == [near, farther]
    assert [m.cheapest_price for m in matches] == [3500, 4000]
    assert 90 < matches[0].distance_m < 110

    async with db.session() as session:
        with_cash = await ShopRepository(session).open_with_menu_under(
            latitude=GANGNAM[0],
            longitude=GANGNAM[1],
            radius_m=1000,
            max_price=4300,
            at=at(MONDAY, "18:00"),
            card_only=False,
        )
    assert {m.shop.name for m in with_cash} == {"가까운 김밥", "조금 먼 분식", "카드 안 받는 집", "저녁 가게"}


async def test_at_is_compared_in_seoul_time(db: Database) -> None:
    await add_shop(db, "점심 가게", (10, 10), [5000], hours=(11 * 60, 14 * 60))
    noon_in_utc = at(MONDAY, "12:00").astimezone(UTC)
    assert noon_in_utc.hour == 3
    async with db.session() as session:
        found = await ShopRepository(session).open_with_menu_under(
            latitude=GANGNAM[0], longitude=GANGNAM[1], radius_m=500, max_price=9500, at=noon_in_utc
        )
    assert [m.shop.name for m in found] == ["점심 가게"]
