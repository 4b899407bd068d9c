"""The catalogue in memory: shops with their hours, closures, available menu items and the active coupons.

A ``CatalogueSnapshot`` is immutable and indexed for the lookups a recommendation makes (by area, by category, a
coarse latitude/longitude grid for radius search), so a turn never waits on the database for it. ``load`` reads it
in five queries; ``Catalogue`` keeps one and reloads it after a TTL or after ``invalidate()``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from storage.database import Database
from storage.geo import bounding_box, distance_m
from storage.hours import SEOUL, DayHours, OpenState, local_time, open_state, week_of
from storage.models import ShopHours, utcnow
from storage.repositories.catalogue import COUPON_COLUMNS, SHOP_COLUMNS, CatalogueRepository

if TYPE_CHECKING:
    from dialogue.recommend.candidates import ShopOffers
    from dialogue.recommend.coupons import WalletCoupon
    from dialogue.recommend.rules import MenuRules, OpenWindow

logger = logging.getLogger(__name__)

GRID_DEG = 0.01
"""Grid cell size in degrees: about 1.1 km north-south and 0.9 km east-west in Korea."""


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """A menu item that is not sold out."""

    id: int
    shop_id: int
    name: str
    price: int
    kind: str = "main"
    tags: frozenset[str] = frozenset()
    description: str | None = None
    text: str = field(init=False, repr=False, compare=False)
    """Name, description and tags in lower case: what allergy words are searched in."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " ".join((self.name, self.description or "", *self.tags)).lower())


@dataclass(frozen=True, slots=True)
class CatalogueShop:
    id: int
    name: str
    category: str
    area: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    card_acceptance: str = "U"
    good_influence: bool = False
    hours_known: bool = True
    status_override: str | None = None
    override_until: datetime | None = None
    popularity: float = 0.0
    hours: tuple[DayHours, ...] = ()
    closures: frozenset[date] = frozenset()
    items: tuple[CatalogueItem, ...] = ()
    """Available items, cheapest first."""
    by_day: dict[int, DayHours] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(sorted(self.items, key=lambda item: (item.price, item.id))))
        object.__setattr__(self, "by_day", week_of(self.hours))

    def state_at(self, at: datetime) -> OpenState:
        """Open or closed at ``at``, and why (`storage.hours.open_state` over this shop's hours and overrides)."""
        return open_state(
            self.by_day,
            at,
            closures=self.closures,
            status_override=self.status_override,
            override_until=self.override_until,
            hours_known=self.hours_known,
        )


@dataclass(frozen=True, slots=True)
class CatalogueCoupon:
    id: int
    title: str
    discount_type: str
    amount: int
    valid_from: datetime
    valid_until: datetime
    max_discount: int | None = None
    min_order: int = 0
    scope: str = "ALL"
    shop_id: int | None = None
    category: str | None = None
    active: bool = True


class CatalogueSnapshot:
    """Shops and coupons at one moment, with closures known from ``first_day`` through ``last_day``."""

    def __init__(
        self,
        shops: Iterable[CatalogueShop],
        coupons: Iterable[CatalogueCoupon] = (),
        *,
        first_day: date,
        last_day: date,
    ) -> None:
        self.shops: dict[int, CatalogueShop] = {shop.id: shop for shop in shops}
        self.coupons: dict[int, CatalogueCoupon] = {coupon.id: coupon for coupon in coupons}
        self.first_day = first_day
        self.last_day = last_day
        by_area: dict[str, list[CatalogueShop]] = defaultdict(list)
        by_category: dict[str, list[CatalogueShop]] = defaultdict(list)
        grid: dict[tuple[int, int], list[CatalogueShop]] = defaultdict(list)
        for shop in self.shops.values():
            by_area[shop.area].append(shop)
            by_category[shop.category].append(shop)
            if shop.latitude is not None and shop.longitude is not None:
                grid[_cell(shop.latitude, shop.longitude)].append(shop)
        self.by_area = {area: tuple(shops) for area, shops in by_area.items()}
        self.by_category = {category: tuple(shops) for category, shops in by_category.items()}
        self._grid = {cell: tuple(shops) for cell, shops in grid.items()}
        self.windows: dict[tuple[int, int], OpenWindow | None] = {}
        """Each shop's open window by (shop id, minute), filled and read by ``dialogue.recommend.candidates``: turns
        in the same minute share it, and it goes with the snapshot."""
        self.offers: dict[tuple[MenuRules, int | None], dict[tuple[int, tuple[WalletCoupon, ...]], ShopOffers]] = {}
        """Each shop's payable offers by the food rules and price cap asked, filled the same way."""

    def __len__(self) -> int:
        return len(self.shops)

    def covers(self, at: datetime) -> bool:
        """Whether closures are known for ``at``'s day, the day before and the week after (for "opens at")."""
        day = local_time(at).date()
        return self.first_day + timedelta(days=1) <= day <= self.last_day - timedelta(days=7)

    def in_area(self, area: str) -> tuple[CatalogueShop, ...]:
        """The area's shops, those without coordinates included; a region ("seoul") takes all its areas."""
        if area in self.by_area:
            return self.by_area[area]
        prefix = area + "-"
        return tuple(shop for code, shops in self.by_area.items() if code.startswith(prefix) for shop in shops)

    def in_category(self, category: str) -> tuple[CatalogueShop, ...]:
        return self.by_category.get(category, ())

    def near(self, latitude: float, longitude: float, radius_m: float) -> list[tuple[CatalogueShop, float]]:
        """(shop, metres) of the shops within ``radius_m`` of the point (haversine), in no particular order."""
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
        low_row, low_col = _cell(min_lat, min_lon)
        high_row, high_col = _cell(max_lat, max_lon)
        found: list[tuple[CatalogueShop, float]] = []
        for row in range(low_row, high_row + 1):
            for column in range(low_col, high_col + 1):
                for shop in self._grid.get((row, column), ()):
                    assert shop.latitude is not None and shop.longitude is not None
                    metres = distance_m(latitude, longitude, shop.latitude, shop.longitude)
                    if metres <= radius_m:
                        found.append((shop, metres))
        return found


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / GRID_DEG), math.floor(longitude / GRID_DEG)


async def load(
    db: Database, *, around: datetime | None = None, days_before: int = 1, days_after: int = 14
) -> CatalogueSnapshot:
    """Read the catalogue in five queries: shops, weekly hours, the menu items that are not sold out, and the
    closures and coupons of the days around ``around`` (default now). The default window covers moments from today
    to a week ahead (``covers``), so a question about tomorrow's lunch does not force a reload."""
    today = local_time(around or utcnow()).date()
    first_day, last_day = today - timedelta(days=days_before), today + timedelta(days=days_after)
    window_start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=SEOUL)
    window_end = datetime(last_day.year, last_day.month, last_day.day, tzinfo=SEOUL) + timedelta(days=1)
    async with db.session() as session:
        repository = CatalogueRepository(session)
        shop_rows = await repository.shops()
        hour_rows = await repository.hours()
        closure_rows = await repository.closures(first_day, last_day)
        item_rows = await repository.available_items()
        coupon_rows = await repository.coupons(window_start, window_end)
    hours: dict[int, list[ShopHours]] = defaultdict(list)
    for hour in hour_rows:
        hours[hour.shop_id].append(hour)
    closures: dict[int, set[date]] = defaultdict(set)
    for shop_id, day in closure_rows:
        closures[shop_id].add(day)
    items: dict[int, list[CatalogueItem]] = defaultdict(list)
    for item_id, shop_id, name, price, kind, description, tags in item_rows:
        items[shop_id].append(CatalogueItem(item_id, shop_id, name, price, kind, frozenset(tags or ()), description))
    shops = [
        CatalogueShop(
            **dict(zip(SHOP_COLUMNS, row, strict=True)),
            hours=tuple(DayHours.of(hour) for hour in hours.get(row[0], ())),
            closures=frozenset(closures.get(row[0], ())),
            items=tuple(items.get(row[0], ())),
        )
        for row in shop_rows
    ]
    coupons = [CatalogueCoupon(**dict(zip(COUPON_COLUMNS, row, strict=True))) for row in coupon_rows]
    return CatalogueSnapshot(shops, coupons, first_day=first_day, last_day=last_day)


Loader = Callable[[datetime], Awaitable[CatalogueSnapshot]]


class Catalogue:
    """Holds the current snapshot and reloads it when stale.

    After ``ttl_s`` the current snapshot is still served while one reload runs in the background, so a turn never
    pays for the reload; past ``max_stale_s``, after ``invalidate()`` (a menu sold out, a staff override) or for a
    moment the snapshot's closure window does not cover, the caller waits for fresh data. Concurrent callers share
    one reload.
    """

    def __init__(
        self,
        db: Database | None = None,
        *,
        ttl_s: float = 60.0,
        max_stale_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        loader: Loader | None = None,
        days_before: int = 1,
        days_after: int = 14,
    ) -> None:
        if loader is None:
            if db is None:
                raise ValueError("a database or a loader is required")
            database = db

            async def loader(at: datetime) -> CatalogueSnapshot:
                return await load(database, around=at, days_before=days_before, days_after=days_after)

        self._loader: Loader = loader
        self._ttl_s = ttl_s
        self._max_stale_s = max_stale_s if max_stale_s is not None else 5 * ttl_s
        self._clock = clock
        self._lock = asyncio.Lock()
        self._snapshot: CatalogueSnapshot | None = None
        self._loaded = 0.0
        self._generation = 0
        self._loaded_generation = -1
        self._refresh: asyncio.Task[CatalogueSnapshot] | None = None
        self.reloads = 0

    def invalidate(self) -> None:
        """Make the next ``get`` read the database again (and wait for it)."""
        self._generation += 1

    async def get(self, at: datetime) -> CatalogueSnapshot:
        snapshot = self._snapshot
        if snapshot is None or self._loaded_generation != self._generation or not snapshot.covers(at):
            return await self._reload(at)
        age = self._clock() - self._loaded
        if age >= self._max_stale_s:
            return await self._reload(at)
        if age >= self._ttl_s and (self._refresh is None or self._refresh.done()):
            self._refresh = asyncio.create_task(self._reload(at, background=True))
        return snapshot

    async def aclose(self) -> None:
        if self._refresh is not None and not self._refresh.done():
            self._refresh.cancel()
            await asyncio.gather(self._refresh, return_exceptions=True)

    async def _reload(self, at: datetime, *, background: bool = False) -> CatalogueSnapshot:
        wanted = self._generation
        async with self._lock:
            current = self._snapshot
            if (
                current is not None
                and self._loaded_generation >= wanted
                and self._clock() - self._loaded < self._ttl_s
                and current.covers(at)
            ):
                return current  # someone else reloaded while we waited
            generation, started = self._generation, self._clock()
            try:
                snapshot = await self._loader(at)
            except Exception:
                if current is None or not current.covers(at):
                    raise
                age = started - self._loaded
                logger.exception("catalogue reload failed; serving the snapshot loaded %.0f s ago", age)
                return current
            self._snapshot, self._loaded, self._loaded_generation = snapshot, started, generation
            self.reloads += 1
            logger.debug("catalogue reloaded: %d shops%s", len(snapshot), " (background)" if background else "")
            return snapshot
