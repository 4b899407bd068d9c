"""Catalogue queries: everything the recommender keeps in memory, and the small per-user read it adds per turn.

The catalogue is read with plain column queries on the tables (no ORM entities or identity map for thousands of
rows), so that a full reload stays in the tens of milliseconds on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, Table, select, union_all
from sqlmodel import SQLModel
from sqlmodel import select as sqlmodel_select
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

SHOP_COLUMNS = (
    "id",
    "name",
    "category",
    "area",
    "address",
    "latitude",
    "longitude",
    "card_acceptance",
    "good_influence",
    "hours_known",
    "status_override",
    "override_until",
    "popularity",
)
ITEM_COLUMNS = ("id", "shop_id", "name", "price", "kind", "description", "tags")
COUPON_COLUMNS = (
    "id",
    "title",
    "discount_type",
    "amount",
    "valid_from",
    "valid_until",
    "max_discount",
    "min_order",
    "scope",
    "shop_id",
    "category",
    "active",
)


def _table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


def _columns(model: type[SQLModel], names: tuple[str, ...]) -> Select[Any]:
    table = _table(model)
    return select(*(table.c[name] for name in names))


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

    async def _rows(self, statement: Any) -> list[tuple[Any, ...]]:
        connection = await self.session.connection()
        return [tuple(row) for row in (await connection.execute(statement)).all()]

    async def shops(self) -> list[tuple[Any, ...]]:
        """Every shop, as rows of ``SHOP_COLUMNS``."""
        return await self._rows(_columns(Shop, SHOP_COLUMNS))

    async def hours(self) -> list[ShopHours]:
        """Every shop's weekly hours, as the models ``storage.hours.open_state`` reads."""
        return list((await self.session.exec(sqlmodel_select(ShopHours))).all())

    async def closures(self, first_day: date, last_day: date) -> list[tuple[Any, ...]]:
        """(shop_id, day) of the closures from ``first_day`` through ``last_day``."""
        table = _table(ShopClosure)
        return await self._rows(select(table.c.shop_id, table.c.day).where(table.c.day.between(first_day, last_day)))

    async def available_items(self) -> list[tuple[Any, ...]]:
        """Menu items that are not sold out, as rows of ``ITEM_COLUMNS``."""
        table = _table(MenuItem)
        return await self._rows(_columns(MenuItem, ITEM_COLUMNS).where(table.c.sold_out.is_(False)))

    async def coupons(self, valid_after: datetime, valid_before: datetime) -> list[tuple[Any, ...]]:
        """Active coupons whose validity overlaps (valid_after, valid_before), as rows of ``COUPON_COLUMNS``."""
        table = _table(Coupon)
        return await self._rows(
            _columns(Coupon, COUPON_COLUMNS).where(
                table.c.active.is_(True), table.c.valid_until > valid_after, table.c.valid_from < valid_before
            )
        )

    async def user_history(self, user_id: int) -> UserHistory | None:
        """The user's stored preferences, unused wallet coupons and the shops they chose before; None when unknown."""
        users, wallet, log, orders = _table(User), _table(UserCoupon), _table(RecommendationLog), _table(Order)
        found = await self._rows(select(users.c.preferences).where(users.c.id == user_id))
        if not found:
            return None
        entries = await self._rows(
            select(wallet.c.id, wallet.c.coupon_id).where(wallet.c.user_id == user_id, wallet.c.used_at.is_(None))
        )
        picked = select(log.c.shop_id).where(log.c.user_id == user_id, log.c.selected_at.is_not(None))
        ordered = select(orders.c.shop_id).where(orders.c.user_id == user_id, orders.c.status.not_in(_NOT_EATEN))
        visits = Counter(int(row[0]) for row in await self._rows(union_all(picked, ordered)))
        return UserHistory(
            preferences=dict(found[0][0] or {}),
            wallet=tuple(WalletEntry(int(row[0]), int(row[1])) for row in entries),
            shop_visits=dict(visits),
        )
