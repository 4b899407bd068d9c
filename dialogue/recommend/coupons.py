"""Coupon math: which of the user's coupons apply to an item, what each saves, and the best one.

A coupon applies when it is active and valid at the moment, the price reaches its minimum order, and its scope
fits: ALL everywhere, SHOP at its shop, CATEGORY at shops of its category, FOODCARD when paying with the meal card.
FIXED takes its amount off; RATE takes a percentage (rounded down to the won) capped by ``max_discount``. A discount
never exceeds the price. At most one coupon per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from dialogue.recommend.catalogue import CatalogueCoupon, CatalogueShop

FIXED = "FIXED"
RATE = "RATE"


@dataclass(frozen=True, slots=True)
class WalletCoupon:
    """A coupon the user holds and has not used."""

    user_coupon_id: int
    coupon: CatalogueCoupon


def discount(coupon: CatalogueCoupon, price: int) -> int:
    """What ``coupon`` takes off ``price`` won, ignoring whether it applies; never more than the price."""
    if coupon.discount_type == RATE:
        amount = price * coupon.amount // 100
        if coupon.max_discount is not None:
            amount = min(amount, coupon.max_discount)
    else:
        amount = coupon.amount
    return max(0, min(amount, price))


def valid_at(coupon: CatalogueCoupon, at: datetime, *, pay_by_card: bool) -> bool:
    """Active, inside its validity at ``at``, and (for FOODCARD) paid with the card: the item-independent part."""
    if not coupon.active or not coupon.valid_from <= at < coupon.valid_until:
        return False
    return coupon.scope != "FOODCARD" or pay_by_card


def fits_shop(coupon: CatalogueCoupon, shop: CatalogueShop) -> bool:
    if coupon.scope == "SHOP":
        return coupon.shop_id == shop.id
    if coupon.scope == "CATEGORY":
        return coupon.category == shop.category
    return coupon.scope in ("ALL", "FOODCARD")


def applies(coupon: CatalogueCoupon, shop: CatalogueShop, price: int, at: datetime, *, pay_by_card: bool) -> bool:
    return valid_at(coupon, at, pay_by_card=pay_by_card) and fits_shop(coupon, shop) and coupon.min_order <= price


def wallet_coupons(
    entries: Iterable[tuple[int, int]], coupons: Mapping[int, CatalogueCoupon], at: datetime, *, pay_by_card: bool
) -> tuple[WalletCoupon, ...]:
    """The wallet entries (user_coupon_id, coupon_id) whose coupon is usable at ``at`` for this payment."""
    usable = []
    for user_coupon_id, coupon_id in entries:
        coupon = coupons.get(coupon_id)
        if coupon is not None and valid_at(coupon, at, pay_by_card=pay_by_card):
            usable.append(WalletCoupon(user_coupon_id, coupon))
    return tuple(usable)


def for_shop(wallet: Iterable[WalletCoupon], shop: CatalogueShop) -> tuple[WalletCoupon, ...]:
    return tuple(entry for entry in wallet if fits_shop(entry.coupon, shop))


def best(wallet: Iterable[WalletCoupon], price: int) -> tuple[WalletCoupon | None, int]:
    """The coupon that saves most on ``price`` (among those already fitting the shop and moment) and its saving.

    Ties go to the coupon that expires first, so that one is used before it is lost.
    """
    chosen: WalletCoupon | None = None
    saving = 0
    for entry in wallet:
        if entry.coupon.min_order > price:
            continue
        amount = discount(entry.coupon, price)
        if amount <= 0:
            continue
        if chosen is None or amount > saving or (amount == saving and _expiry_key(entry) < _expiry_key(chosen)):
            chosen, saving = entry, amount
    return chosen, saving


def _expiry_key(entry: WalletCoupon) -> tuple[datetime, int]:
    return entry.coupon.valid_until, entry.user_coupon_id
