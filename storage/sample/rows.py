"""The generated sample data as plain rows, before any database id exists.

Rows are dicts of column values ready for ``insert(Model)``. References that need ids the database assigns are
kept as keys: a shop's children hang off its ``ShopSeed``, set components and change rules point at menu items by
their index in the shop's menu, coupons name a shop by its ``source_key``, wallets name coupons by code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.set_menus import ChangeRuleSeed, ComponentSeed

Row = dict[str, Any]

__all__ = [
    "SAMPLE_SOURCE",
    "ChangeRuleSeed",
    "ComponentSeed",
    "CouponSeed",
    "Row",
    "SampleData",
    "ShopSeed",
    "UserSeed",
    "WalletEntry",
]

SAMPLE_SOURCE = "sample"
"""``Shop.source`` of every generated shop; with ``source_key`` it identifies the shop across loads."""


@dataclass(slots=True)
class ShopSeed:
    shop: Row
    """Shop columns; ``source`` and ``source_key`` always set."""
    hours: list[Row] = field(default_factory=list)
    """ShopHours columns without ``shop_id``."""
    closures: list[Row] = field(default_factory=list)
    menu: list[Row] = field(default_factory=list)
    """MenuItem columns without ``shop_id``."""
    components: list[ComponentSeed] = field(default_factory=list)
    change_rules: list[ChangeRuleSeed] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.shop["source_key"])


@dataclass(slots=True)
class CouponSeed:
    coupon: Row
    """Coupon columns without ``shop_id``."""
    shop_key: str | None = None
    """The ``source_key`` of the shop a SHOP-scope coupon belongs to."""

    @property
    def code(self) -> str:
        return str(self.coupon["code"])


@dataclass(frozen=True, slots=True)
class WalletEntry:
    code: str
    issued_at: datetime
    used_at: datetime | None = None


@dataclass(slots=True)
class UserSeed:
    external_id: str
    """The console identity (``demo01``); the user's key across loads."""
    user: Row
    card: Row
    """MealCard columns without ``user_id``."""
    wallet: list[WalletEntry] = field(default_factory=list)


@dataclass(slots=True)
class SampleData:
    programs: list[Row]
    places: list[Row]
    shops: list[ShopSeed]
    coupons: list[CouponSeed]
    users: list[UserSeed]

    def counts(self) -> dict[str, int]:
        """Rows per table that loading into an empty database inserts (wallets of coupons that exist)."""
        codes = {coupon.code for coupon in self.coupons}
        return {
            "card_programs": len(self.programs),
            "places": len(self.places),
            "shops": len(self.shops),
            "shop_hours": sum(len(shop.hours) for shop in self.shops),
            "shop_closures": sum(len(shop.closures) for shop in self.shops),
            "menu_items": sum(len(shop.menu) for shop in self.shops),
            "set_components": sum(len(shop.components) for shop in self.shops),
            "component_change_rules": sum(len(shop.change_rules) for shop in self.shops),
            "coupons": len(self.coupons),
            "users": len(self.users),
            "channel_identities": len(self.users),
            "meal_cards": len(self.users),
            "user_coupons": sum(1 for user in self.users for entry in user.wallet if entry.code in codes),
        }
