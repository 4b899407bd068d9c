"""Hand-built catalogues for unit tests: a few shops around 강남역 with hours, menus and coupons, no database."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from dialogue.recommend.catalogue import CatalogueCoupon, CatalogueItem, CatalogueShop, CatalogueSnapshot
from dialogue.recommend.personal import UserContext
from dialogue.recommend.types import RecommendationQuery
from storage.geo import EARTH_RADIUS_M
from storage.hours import SEOUL
from storage.models import ShopHours

MONDAY = date(2026, 11, 23)
"""2026-11-23 is a Monday."""
GANGNAM = (37.4979, 127.0276)

ItemSpec = CatalogueItem | tuple[str, int] | tuple[str, int, str] | tuple[str, int, str, Sequence[str]]


def at(hhmm: str, day: date = MONDAY) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, tzinfo=SEOUL) + timedelta(hours=hour, minutes=minute)


def minutes(hhmm: str) -> int:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return hour * 60 + minute


def week(
    opens: str = "11:00",
    closes: str = "21:00",
    *,
    days: Iterable[int] = range(7),
    brk: tuple[str, str] | None = None,
    shop_id: int = 0,
) -> tuple[ShopHours, ...]:
    """The same hours every day in ``days``; ``closes`` past "24:00" (e.g. "26:00") runs into the next morning."""
    return tuple(
        ShopHours(
            shop_id=shop_id,
            weekday=day,
            opens_at=minutes(opens),
            closes_at=minutes(closes),
            break_start=minutes(brk[0]) if brk else None,
            break_end=minutes(brk[1]) if brk else None,
        )
        for day in days
    )


def around(north_m: float, east_m: float, origin: tuple[float, float] = GANGNAM) -> tuple[float, float]:
    """A point ``north_m`` north and ``east_m`` east of ``origin`` (small distances)."""
    lat, lon = origin
    d_lat = math.degrees(north_m / EARTH_RADIUS_M)
    d_lon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + d_lat, lon + d_lon


def shop(
    shop_id: int,
    *items: ItemSpec,
    category: str = "분식",
    name: str | None = None,
    point: tuple[float, float] | None = GANGNAM,
    hours: tuple[ShopHours, ...] | None = None,
    **fields: Any,
) -> CatalogueShop:
    """A shop open 11:00-21:00 every day at 강남역 that takes the card, unless told otherwise."""
    built: list[CatalogueItem] = []
    for index, spec in enumerate(items, start=1):
        if isinstance(spec, CatalogueItem):
            built.append(spec)
            continue
        item_name, price, *rest = spec
        kind = str(rest[0]) if rest else "main"
        tags = frozenset(rest[1]) if len(rest) > 1 else frozenset()
        built.append(CatalogueItem(shop_id * 100 + index, shop_id, item_name, price, kind, tags))
    fields.setdefault("card_acceptance", "Y")
    return CatalogueShop(
        id=shop_id,
        name=name or f"가게{shop_id}",
        category=category,
        area=fields.pop("area", "seoul-gangnam"),
        address=f"서울특별시 강남구 테헤란로 {shop_id}",
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        hours=hours if hours is not None else week(),
        items=tuple(built),
        **fields,
    )


def coupon(coupon_id: int, amount: int = 1000, **fields: Any) -> CatalogueCoupon:
    """A FIXED coupon for every shop, valid for the whole test month, unless told otherwise."""
    fields.setdefault("title", f"쿠폰 {coupon_id}")
    fields.setdefault("discount_type", "FIXED")
    fields.setdefault("valid_from", at("00:00", MONDAY - timedelta(days=10)))
    fields.setdefault("valid_until", at("00:00", MONDAY + timedelta(days=20)))
    return CatalogueCoupon(id=coupon_id, amount=amount, **fields)


def snapshot(*shops: CatalogueShop, coupons: Iterable[CatalogueCoupon] = ()) -> CatalogueSnapshot:
    return CatalogueSnapshot(
        shops, coupons, first_day=MONDAY - timedelta(days=10), last_day=MONDAY + timedelta(days=20)
    )


def query(**fields: Any) -> RecommendationQuery:
    """Monday 20:00 at 강남역 by card, unless told otherwise."""
    fields.setdefault("at", at("20:00"))
    if "point" in fields:
        point = fields.pop("point")
        fields["latitude"], fields["longitude"] = point if point else (None, None)
    else:
        fields.setdefault("latitude", GANGNAM[0])
        fields.setdefault("longitude", GANGNAM[1])
    return RecommendationQuery(**fields)


def user(**fields: Any) -> UserContext:
    return UserContext(**fields)
