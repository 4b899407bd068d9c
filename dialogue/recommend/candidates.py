"""The hard-rule pipeline: from the shops in reach to the shops with at least one item a child may order now.

Rules run in a fixed order and each counts the shops it removed: reach (area or radius), shops the user asked to
replace, card acceptance, open now, a menu at all, food rules, the food wished for, price (as charged). The order is
also the cost order: cheap index and field checks first, ``open_state`` and the menu scan only for what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialogue.recommend import coupons
from dialogue.recommend.catalogue import CatalogueItem, CatalogueShop, CatalogueSnapshot
from dialogue.recommend.coupons import WalletCoupon
from dialogue.recommend.rules import MenuRules, OpenWindow, open_window
from storage.models import CARD_PAYABLE

RULES = ("reach", "excluded", "card", "closed", "menu", "food", "wish", "price")
"""The hard rules in the order they run; ``considered`` counts the shops each removed."""


@dataclass(frozen=True, slots=True)
class Constraints:
    at: datetime
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float = 1200.0
    area: str | None = None
    """Used when there is no point; with neither, every shop is in reach."""
    pay_by_card: bool = True
    cap: int | None = None
    """Prices as charged (before any coupon) must not exceed this; None when nothing bounds them."""
    exclude_shop_ids: frozenset[int] = frozenset()
    menu: MenuRules = field(default_factory=MenuRules)
    wallet: tuple[WalletCoupon, ...] = ()
    """Coupons usable at ``at`` for this payment."""
    later: bool = False
    """``at`` is a moment asked for, not now (the wording says "그때")."""
    all_day: bool = False
    """Only shops open around the clock count as open ("24시간 하는 데")."""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True, slots=True)
class Offer:
    """An item the child can pay for, with the best coupon for it."""

    item: CatalogueItem
    final_price: int
    coupon: WalletCoupon | None = None
    discount: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    shop: CatalogueShop
    distance_m: float | None
    window: OpenWindow
    offers: tuple[Offer, ...]
    """Every payable item that passes the food rules and is the food wished for, cheapest first."""


@dataclass(slots=True)
class Screening:
    candidates: list[Candidate]
    removed: dict[str, int]
    pool: int
    """Shops in the catalogue the rules started from."""
    closed: list[tuple[CatalogueShop, float | None]] = field(default_factory=list)
    """Shops removed only for being closed, kept for "opens at" suggestions when asked for."""
    over_price: list[tuple[CatalogueShop, float | None, CatalogueItem]] = field(default_factory=list)
    """Open shops whose cheapest allowed (and wished-for) item is over the cap, with that item."""


def reach(snapshot: CatalogueSnapshot, constraints: Constraints) -> list[tuple[CatalogueShop, float | None]]:
    """The shops within the radius of the point, else in the area, else all of them."""
    if constraints.latitude is not None and constraints.longitude is not None:
        found = snapshot.near(constraints.latitude, constraints.longitude, constraints.radius_m)
        return [(shop, metres) for shop, metres in found]
    shops = snapshot.in_area(constraints.area) if constraints.area else tuple(snapshot.shops.values())
    return [(shop, None) for shop in shops]


def screen(snapshot: CatalogueSnapshot, constraints: Constraints, *, keep_rejects: bool = False) -> Screening:
    """Apply every hard rule. With ``keep_rejects``, also keep what was closed or over the cap (for alternatives)."""
    removed = dict.fromkeys(RULES, 0)
    in_reach = reach(snapshot, constraints)
    removed["reach"] = len(snapshot.shops) - len(in_reach)
    result = Screening([], removed, len(snapshot.shops))
    menu, cap, at, wallet = constraints.menu, constraints.cap, constraints.at, constraints.wallet
    minute = int(at.timestamp()) // 60
    offers_of = _offers_memo(snapshot, menu, cap)
    for shop, metres in in_reach:
        if shop.id in constraints.exclude_shop_ids:
            removed["excluded"] += 1
            continue
        if constraints.pay_by_card and shop.card_acceptance not in CARD_PAYABLE:
            removed["card"] += 1
            continue
        window = _window(snapshot, shop, at, minute)
        if window is None or (constraints.all_day and not window.all_day):
            removed["closed"] += 1
            if keep_rejects:
                result.closed.append((shop, metres))
            continue
        shop_wallet = coupons.for_shop(wallet, shop) if wallet else ()
        found = offers_of.get((shop.id, shop_wallet))
        if found is None:
            found = offers_of[(shop.id, shop_wallet)] = _offers(shop, menu, cap, shop_wallet)
        verdict, offers, cheapest = found
        if verdict:
            removed[verdict] += 1
            if keep_rejects and verdict == "price" and cheapest is not None:
                result.over_price.append((shop, metres, cheapest))
            continue
        result.candidates.append(Candidate(shop, metres, window, offers))
    return result


MAX_WINDOWS = 100_000
"""Open windows a snapshot keeps before it starts afresh (a few hundred shops times the minutes asked about)."""


def _window(snapshot: CatalogueSnapshot, shop: CatalogueShop, at: datetime, minute: int) -> OpenWindow | None:
    """``open_window`` of the shop at ``at``, computed once per shop and minute of a snapshot. A staff override is
    timed to the second, so a shop with one is always asked afresh."""
    if shop.status_override:
        return open_window(shop, at)
    key = (shop.id, minute)
    windows = snapshot.windows
    if key in windows:
        return windows[key]
    if len(windows) >= MAX_WINDOWS:
        windows.clear()
    window = windows[key] = open_window(shop, at)
    return window


ShopOffers = tuple[str | None, tuple[Offer, ...], CatalogueItem | None]
MAX_RULE_SETS = 256
"""Distinct (food rules, price cap) pairs whose offers a snapshot keeps before it starts afresh."""


def _offers_memo(
    snapshot: CatalogueSnapshot, menu: MenuRules, cap: int | None
) -> dict[tuple[int, tuple[WalletCoupon, ...]], ShopOffers]:
    """The offers already worked out under these rules, by shop and the coupons that fit it: they depend on nothing
    else (not the moment: closing is checked apart), so turns with the same rules share them."""
    memo = snapshot.offers
    if (menu, cap) not in memo and len(memo) >= MAX_RULE_SETS:
        memo.clear()
    return memo.setdefault((menu, cap), {})


def _offers(shop: CatalogueShop, menu: MenuRules, cap: int | None, shop_wallet: tuple[WalletCoupon, ...]) -> ShopOffers:
    """(the rule that removes the shop or None, its payable offers, its cheapest allowed item).

    The cap bounds the price charged: a coupon may lower what the child pays at the counter, but the order and the
    card see the menu price, so a coupon never lets an item in."""
    if menu.excludes_shop(shop):
        return "food", (), None
    offers: list[Offer] = []
    any_item = allowed = False
    cheapest: CatalogueItem | None = None
    for item in shop.items:
        if not menu.offerable(item, shop):
            continue
        any_item = True
        if not menu.allows(item, shop):
            continue
        allowed = True
        if not menu.wants(item, shop) or item.price < menu.min_price:
            continue
        if cheapest is None:
            cheapest = item
        if cap is not None and item.price > cap:
            break  # items are sorted by price
        coupon, saving = coupons.best(shop_wallet, item.price) if shop_wallet else (None, 0)
        offers.append(Offer(item, item.price - saving, coupon, saving))
    if offers:
        return None, tuple(offers), cheapest
    if not any_item:
        return "menu", (), None
    if not allowed:
        return "food", (), None
    return ("price" if cheapest is not None else "wish"), (), cheapest
