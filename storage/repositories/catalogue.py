"""Catalogue queries: everything the recommender keeps in memory, and the small per-user read it adds per turn.

The catalogue is read in a handful of plain column queries (no ORM identity map for thousands of menu rows), so
that a full reload stays in the tens of milliseconds on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select, union_all
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Coupon,
    MenuItem,
    Order,
    OrderStatus,
    RecommendationLog,
    Shop,
    ShopClosure,
    ShopHours,
    User,
    UserCoupon,
)

_NOT_EATEN = (OrderStatus.REJECTED.value, OrderStatus.CANCELLED.value)


@dataclass(frozen=True, slots=True)
class WalletEntry:
    """An unused coupon in a user's wallet."""

    user_coupon_id: int
    coupon_id: int


@dataclass(frozen=True, slots=True)
class UserHistory:
    preferences: dict[str, Any]
    wallet: tuple[WalletEntry, ...]
    shop_visits: dict[int, int]
    """Shop id -> how often the user picked it from a recommendation or ordered there."""


class CatalogueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def shops(self) -> list[Row[Any]]:
        """Every shop as a row of the columns the recommender reads."""
        statement = select(
            col(Shop.id),
            col(Shop.name),
            col(Shop.category),
            col(Shop.area),
            col(Shop.address),
            col(Shop.latitude),
            col(Shop.longitude),
            col(Shop.card_acceptance),
            col(Shop.good_influence),
            col(Shop.hours_known),
            col(Shop.status_override),
            col(Shop.override_until),
            col(Shop.popularity),
        )
        return list((await self.session.execute(statement)).all())

    async def hours(self) -> list[ShopHours]:
        return list((await self.session.exec(select(ShopHours))).all())

    async def closures(self, first_day: date, last_day: date) -> list[Row[Any]]:
        """(shop_id, day) of the closures from ``first_day`` through ``last_day``."""
        statement = select(col(ShopClosure.shop_id), col(ShopClosure.day)).where(
            col(ShopClosure.day).between(first_day, last_day)
        )
        return list((await self.session.execute(statement)).all())

    async def available_items(self) -> list[Row[Any]]:
        """Menu items that are not sold out, cheapest first within each shop."""
        statement = (
            select(
                col(MenuItem.id),
                col(MenuItem.shop_id),
                col(MenuItem.name),
                col(MenuItem.price),
                col(MenuItem.kind),
                col(MenuItem.description),
                col(MenuItem.tags),
            )
            .where(col(MenuItem.sold_out).is_(False))
            .order_by(col(MenuItem.shop_id), col(MenuItem.price), col(MenuItem.id))
        )
        return list((await self.session.execute(statement)).all())

    async def coupons(self, valid_after: datetime, valid_before: datetime) -> list[Coupon]:
        """Active coupons whose validity overlaps [valid_after, valid_before]."""
        statement = select(Coupon).where(
            col(Coupon.active).is_(True),
            col(Coupon.valid_until) > valid_after,
            col(Coupon.valid_from) < valid_before,
        )
        return list((await self.session.exec(statement)).all())

    async def user_history(self, user_id: int) -> UserHistory | None:
        """The user's stored preferences, unused wallet coupons and the shops they chose before; None when unknown."""
        preferences = (await self.session.execute(select(col(User.preferences)).where(User.id == user_id))).first()
        if preferences is None:
            return None
        wallet = await self.session.execute(
            select(col(UserCoupon.id), col(UserCoupon.coupon_id)).where(
                UserCoupon.user_id == user_id, col(UserCoupon.used_at).is_(None)
            )
        )
        picked = select(col(RecommendationLog.shop_id).label("shop_id")).where(
            RecommendationLog.user_id == user_id, col(RecommendationLog.selected_at).is_not(None)
        )
        ordered = select(col(Order.shop_id).label("shop_id")).where(
            Order.user_id == user_id, col(Order.status).not_in(_NOT_EATEN)
        )
        visits = Counter(int(row[0]) for row in (await self.session.execute(union_all(picked, ordered))).all())
        return UserHistory(
            preferences=dict(preferences[0] or {}),
            wallet=tuple(WalletEntry(int(row[0]), int(row[1])) for row in wallet.all()),
            shop_visits=dict(visits),
        )
