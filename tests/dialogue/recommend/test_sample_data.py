"""The recommender on the real sample data, on SQLite and PostgreSQL: loading, the hungry child at 20:00, an empty
card, sold-out marks with ``invalidate()``, personal history and used coupons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, delete, func, select, update

from dialogue.recommend.catalogue import Catalogue, load
from dialogue.recommend.personal import PersonalCache
from dialogue.recommend.recommender import Recommender
from dialogue.recommend.types import RecommendationQuery
from storage.database import Database
from storage.models import (
    ChannelIdentity,
    Coupon,
    MealCard,
    MenuItem,
    Order,
    Place,
    RecommendationLog,
    Shop,
    ShopHours,
    UserCoupon,
)
from tests.dialogue.recommend.conftest import NOW

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def demo_user(db: Database, number: int) -> tuple[int, MealCard]:
    async with db.session() as session:
        identity = (
            await session.exec(select(ChannelIdentity).where(ChannelIdentity.external_id == f"demo{number:02d}"))
        ).one()
        card = (await session.exec(select(MealCard).where(MealCard.user_id == identity.user_id))).one()
        return identity.user_id, card


async def place(db: Database, name: str) -> tuple[float, float]:
    async with db.session() as session:
        found = (await session.exec(select(Place).where(Place.name == name))).one()
        return found.latitude, found.longitude


def recommender(db: Database) -> Recommender:
    return Recommender(Catalogue(db), PersonalCache(db))


async def test_the_snapshot_holds_the_whole_catalogue(sample_db: Database) -> None:
    snapshot = await load(sample_db, around=NOW)
    async with sample_db.session() as session:
        shops = (await session.exec(select(func.count()).select_from(Shop))).one()
        hours = (await session.exec(select(func.count()).select_from(ShopHours))).one()
        available = (
            await session.exec(select(func.count()).select_from(MenuItem).where(col(MenuItem.sold_out).is_(False)))
        ).one()
        active = (await session.exec(select(func.count()).select_from(Coupon).where(col(Coupon.active)))).one()
    assert len(snapshot) == shops == 451
    assert sum(len(shop.hours) for shop in snapshot.shops.values()) == hours
    assert sum(len(shop.items) for shop in snapshot.shops.values()) == available
    assert 0 < len(snapshot.coupons) <= active
    assert set(snapshot.by_area) == {"seoul-gangnam", "seoul-mapo", "chuncheon"}
    assert any("spicy" in item.tags for shop in snapshot.shops.values() for item in shop.items)
    assert all(
        shop.override_until.tzinfo is not None for shop in snapshot.shops.values() if shop.override_until is not None
    )
    assert all(coupon.valid_until.tzinfo is not None for coupon in snapshot.coupons.values())


async def test_the_hungry_child_with_4300_won_at_eight(sample_db: Database) -> None:
    user_id, card = await demo_user(sample_db, 3)
    assert card.balance == 4300
    lat, lon = await place(sample_db, "강남역")
    query = RecommendationQuery(
        at=NOW, user_id=user_id, balance=card.balance, daily_remaining=28500, latitude=lat, longitude=lon
    )
    result = await recommender(sample_db).recommend(query)
    assert 3 <= len(result.items) <= 5
    assert result.spendable == 4300
    assert len({item.category for item in result.items}) >= 3
    async with sample_db.session() as session:
        wallet = {
            entry.id
            for entry in (
                await session.exec(
                    select(UserCoupon).where(UserCoupon.user_id == user_id, col(UserCoupon.used_at).is_(None))
                )
            ).all()
        }
    for item in result.items:
        assert item.final_price <= 4300
        assert 2 <= len(item.reasons) <= 4
        assert item.distance_m is not None and item.distance_m <= query.radius_m
        if item.coupon is not None:
            assert item.coupon.user_coupon_id in wallet
            assert item.final_price == item.price - item.coupon.discount


async def test_an_empty_card_gets_a_reason(sample_db: Database) -> None:
    user_id, card = await demo_user(sample_db, 2)
    assert card.balance == 0
    lat, lon = await place(sample_db, "강남역")
    query = RecommendationQuery(at=NOW, user_id=user_id, balance=0, latitude=lat, longitude=lon)
    result = await recommender(sample_db).recommend(query)
    assert result.items == ()
    assert result.empty_reason == "잔액이 0원이라 카드로 결제할 수 있는 곳이 없어요"


async def test_a_sold_out_item_disappears_after_invalidate(sample_db: Database) -> None:
    lat, lon = await place(sample_db, "홍대입구역")
    query = RecommendationQuery(at=NOW, balance=9500, latitude=lat, longitude=lon)
    engine = recommender(sample_db)
    first = (await engine.recommend(query)).items[0]
    async with sample_db.session() as session:
        await session.exec(update(MenuItem).where(col(MenuItem.id) == first.item_id).values(sold_out=True))
    try:
        assert (await engine.recommend(query)).items[0].item_id == first.item_id  # still the cached snapshot
        engine.catalogue.invalidate()
        again = await engine.recommend(query)
        assert first.item_id not in {item.item_id for item in again.items}
    finally:
        async with sample_db.session() as session:
            await session.exec(update(MenuItem).where(col(MenuItem.id) == first.item_id).values(sold_out=False))


async def test_history_shows_and_used_coupons_do_not(sample_db: Database) -> None:
    user_id, _ = await demo_user(sample_db, 21)
    lat, lon = await place(sample_db, "홍대입구역")
    query = RecommendationQuery(at=NOW, user_id=user_id, balance=9500, latitude=lat, longitude=lon, radius_m=1500)
    engine = recommender(sample_db)
    before = await engine.recommend(query)
    snapshot = await engine.catalogue.get(NOW)
    bunsik = [s for s in snapshot.in_category("분식") if s.area == "seoul-mapo" and s.card_acceptance == "Y"][:2]
    async with sample_db.session() as session:
        for shop in bunsik:
            session.add(Order(user_id=user_id, shop_id=shop.id, channel="console", subtotal=4000, total=4000))
        session.add(
            RecommendationLog(
                turn_id="t-1",
                user_id=user_id,
                shop_id=bunsik[0].id,
                rank=1,
                score=1.0,
                selected_at=NOW - timedelta(days=1),
            )
        )
        await session.exec(
            update(UserCoupon)
            .where(col(UserCoupon.user_id) == user_id, col(UserCoupon.used_at).is_(None))
            .values(used_at=NOW - timedelta(hours=1))
        )
    try:
        assert await engine.recommend(query) == before  # the per-user cache still holds the old picture
        assert engine.personal is not None
        engine.personal.forget(user_id)
        after = await engine.recommend(query)
        assert all(item.coupon is None for item in after.items)
        assert any(item.category == "분식" for item in after.items)
        for item in after.items:
            if item.category == "분식":
                assert "자주 가신 분식" in item.reasons
    finally:
        async with sample_db.session() as session:
            await session.exec(delete(Order).where(col(Order.user_id) == user_id))
            await session.exec(delete(RecommendationLog).where(col(RecommendationLog.user_id) == user_id))
            await session.exec(
                update(UserCoupon)
                .where(col(UserCoupon.user_id) == user_id, col(UserCoupon.used_at) == NOW - timedelta(hours=1))
                .values(used_at=None)
            )
