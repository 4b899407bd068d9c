"""Shop queries: which shops are open now, take the card, sell something within a price, near a point."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.geo import bounding_box, distance_m
from storage.hours import OpenState, local_time, open_state
from storage.models import CARD_PAYABLE, MenuItem, Shop, ShopClosure, ShopHours


@dataclass(frozen=True, slots=True)
class OpenShopMatch:
    shop: Shop
    cheapest_price: int
    """The lowest price among the shop's available items within the limit."""
    distance_m: float
    state: OpenState


class ShopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_with_menu_under(
        self,
        *,
        latitude: float,
        longitude: float,
        radius_m: float,
        max_price: int,
        at: datetime,
        card_only: bool = True,
        limit: int | None = 20,
    ) -> list[OpenShopMatch]:
        """Shops within ``radius_m`` of the point that are open at ``at`` and sell an item (not sold out) at or
        under ``max_price`` won; nearest first. ``card_only`` keeps shops that take the meal card.

        The database narrows by bounding box, price and card acceptance; hours and exact distance are checked
        here because break times, closed days and overnight hours do not fit one portable SQL expression.
        """
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
        cheapest = func.min(MenuItem.price).label("cheapest")
        conditions = [
            col(Shop.latitude).between(min_lat, max_lat),
            col(Shop.longitude).between(min_lon, max_lon),
        ]
        if card_only:
            conditions.append(col(Shop.card_acceptance).in_(CARD_PAYABLE))
        statement = (
            select(Shop, cheapest)
            .join(
                MenuItem,
                and_(
                    MenuItem.shop_id == Shop.id,  # type: ignore[arg-type]
                    col(MenuItem.price) <= max_price,
                    col(MenuItem.sold_out).is_(False),
                ),
            )
            .where(*conditions)
            .group_by(Shop.id)  # type: ignore[arg-type]
        )
        candidates: list[tuple[Shop, int, float]] = []
        for shop, price in (await self.session.exec(statement)).all():
            assert shop.latitude is not None and shop.longitude is not None
            distance = distance_m(latitude, longitude, shop.latitude, shop.longitude)
            if distance <= radius_m:
                candidates.append((shop, int(price), distance))
        if not candidates:
            return []
        hours, closures = await self.hours_for([shop.id for shop, _, _ in candidates if shop.id is not None], at)
        matches = []
        for shop, price, distance in candidates:
            state = open_state(
                hours.get(shop.id or 0, ()),
                at,
                closures=closures.get(shop.id or 0, ()),
                status_override=shop.status_override,
                override_until=shop.override_until,
                hours_known=shop.hours_known,
            )
            if state.is_open:
                matches.append(OpenShopMatch(shop, price, distance, state))
        matches.sort(key=lambda match: match.distance_m)
        return matches[:limit] if limit is not None else matches

    async def hours_for(
        self, shop_ids: Sequence[int], at: datetime
    ) -> tuple[dict[int, list[ShopHours]], dict[int, set[date]]]:
        """Weekly hours of the shops, and their closures from yesterday through the coming week."""
        hours: dict[int, list[ShopHours]] = defaultdict(list)
        closures: dict[int, set[date]] = defaultdict(set)
        if not shop_ids:
            return hours, closures
        for row in await self.session.exec(select(ShopHours).where(col(ShopHours.shop_id).in_(shop_ids))):
            hours[row.shop_id].append(row)
        today = local_time(at).date()
        closure_rows = await self.session.exec(
            select(ShopClosure).where(
                col(ShopClosure.shop_id).in_(shop_ids),
                col(ShopClosure.day).between(today - timedelta(days=1), today + timedelta(days=7)),
            )
        )
        for closure in closure_rows:
            closures[closure.shop_id].add(closure.day)
        return hours, closures
