"""What a push notice says about places: where the user usually is, and the meals shops there sell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MenuItem, MenuKind, Place, RecommendationLog, Shop

MEAL_KINDS = (MenuKind.MAIN.value, MenuKind.SET.value)
"""A notice suggests a meal, never a drink or a side alone."""

_PLACE_KIND_ORDER = ("station", "school", "neighbourhood", "landmark", "university", "park")


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float
    label: str


@dataclass(frozen=True, slots=True)
class Meal:
    shop_id: int
    name: str
    price: int


class NoticeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def anchor(self, user_id: int, preferences: Mapping[str, Any]) -> Point | None:
        """Where the user is likely to eat: their school, a landmark of their home area, or else the last shop
        kkini showed them; None when nothing is known."""
        school = preferences.get("school")
        if isinstance(school, str) and school:
            place = (await self.session.exec(select(Place).where(Place.name == school))).first()
            if place is not None:
                return Point(place.latitude, place.longitude, place.name)
        area = preferences.get("home_area")
        if isinstance(area, str) and area:
            places = list((await self.session.exec(select(Place).where(Place.area == area))).all())
            if places:
                places.sort(key=lambda p: (_kind_rank(p.kind), p.id or 0))
                return Point(places[0].latitude, places[0].longitude, places[0].name)
        row = (
            await self.session.exec(
                select(Shop.latitude, Shop.longitude, Shop.name)
                .join(RecommendationLog, col(RecommendationLog.shop_id) == col(Shop.id))
                .where(
                    RecommendationLog.user_id == user_id,
                    col(Shop.latitude).is_not(None),
                    col(Shop.longitude).is_not(None),
                )
                .order_by(col(RecommendationLog.shown_at).desc(), col(RecommendationLog.id).desc())
                .limit(1)
            )
        ).first()
        if row is not None and row[0] is not None and row[1] is not None:
            return Point(float(row[0]), float(row[1]), str(row[2]))
        return None

    async def cheapest_meals(self, shop_ids: Sequence[int], max_price: int) -> dict[int, Meal]:
        """Each shop's cheapest meal (a main dish or a set, not sold out) at or under ``max_price``."""
        if not shop_ids:
            return {}
        rows = await self.session.exec(
            select(MenuItem.shop_id, MenuItem.name, MenuItem.price)
            .where(
                col(MenuItem.shop_id).in_(shop_ids),
                col(MenuItem.price) <= max_price,
                col(MenuItem.price) > 0,
                col(MenuItem.sold_out).is_(False),
                col(MenuItem.kind).in_(MEAL_KINDS),
            )
            .order_by(col(MenuItem.price), col(MenuItem.id))
        )
        meals: dict[int, Meal] = {}
        for shop_id, name, price in rows.all():
            meals.setdefault(shop_id, Meal(shop_id, name, price))
        return meals


def _kind_rank(kind: str) -> int:
    return _PLACE_KIND_ORDER.index(kind) if kind in _PLACE_KIND_ORDER else len(_PLACE_KIND_ORDER)
