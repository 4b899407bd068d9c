"""Shops, their hours and their menus, including sets and the rules for changing set components."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.types import UTCDateTime, utcnow


class CardAcceptance(StrEnum):
    """Whether a shop takes the meal card: yes, no, partly (some menus or hours), unknown."""

    YES = "Y"
    NO = "N"
    PARTIAL = "P"
    UNKNOWN = "U"


CARD_PAYABLE = (CardAcceptance.YES.value, CardAcceptance.PARTIAL.value)
"""Acceptance codes at which a meal card can pay (partly accepting shops included)."""


class StatusOverride(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    BREAK = "break"


class MenuKind(StrEnum):
    MAIN = "main"
    SET = "set"
    SIDE = "side"
    DRINK = "drink"
    DESSERT = "dessert"
    TOPPING = "topping"


class Shop(SQLModel, table=True):
    __tablename__ = "shops"
    __table_args__ = (
        UniqueConstraint("source", "source_key", name="uq_shop_source_key"),
        Index("ix_shops_lat_lon", "latitude", "longitude"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    category: str = Field(max_length=20, index=True, description="catalogue category: 한식, 중식, 분식 ...")
    business_type: str | None = Field(default=None, max_length=40, description="the type as the source wrote it")
    area: str = Field(max_length=40, index=True)
    address: str = Field(max_length=200)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    phone: str | None = Field(default=None, max_length=20)
    card_acceptance: str = Field(default=CardAcceptance.UNKNOWN, max_length=1)
    good_influence: bool = Field(default=False, description="a 선한영향력가게 that serves card holders kindly")
    hours_known: bool = Field(default=True, description="False when the source gave no real opening hours")
    status_override: str | None = Field(default=None, max_length=8)
    override_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepts_orders: bool = Field(default=False, description="takes orders through kkini")
    slack_channel: str | None = Field(default=None, max_length=40)
    popularity: float = Field(default=0.0)
    source: str = Field(default="sample", max_length=40)
    source_key: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ShopHours(SQLModel, table=True):
    """Opening hours for one weekday (0 = Monday) in minutes after local midnight.

    ``closes_at`` may exceed 1440 for shops open past midnight. A weekday without a row is a regular closed day.
    """

    __tablename__ = "shop_hours"
    __table_args__ = (UniqueConstraint("shop_id", "weekday", name="uq_shop_hours_day"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id", index=True, ondelete="CASCADE")
    weekday: int = Field(ge=0, le=6)
    opens_at: int = Field(ge=0, le=1440)
    closes_at: int = Field(ge=0, le=2880)
    break_start: int | None = Field(default=None, ge=0, le=2880)
    break_end: int | None = Field(default=None, ge=0, le=2880)


class ShopClosure(SQLModel, table=True):
    """A date on which a shop is closed outside its weekly pattern (holidays, vacations)."""

    __tablename__ = "shop_closures"
    __table_args__ = (UniqueConstraint("shop_id", "day", name="uq_shop_closure_day"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id", index=True, ondelete="CASCADE")
    day: date
    reason: str | None = Field(default=None, max_length=80)


class MenuItem(SQLModel, table=True):
    """One thing a shop sells. ``available_from`` / ``available_until`` bound the hours it is sold within the shop's
    opening hours (both unset: whenever the shop is open); ``sold_out`` is what staff mark by hand."""

    __tablename__ = "menu_items"
    __table_args__ = (Index("ix_menu_items_shop_price", "shop_id", "price"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id", ondelete="CASCADE")
    name: str = Field(max_length=120)
    price: int = Field(ge=0, description="won")
    kind: str = Field(default=MenuKind.MAIN, max_length=10)
    group: str | None = Field(
        default=None, max_length=20, description="component group for set changes: burger, side, drink, topping"
    )
    description: str | None = Field(default=None, max_length=400)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sold_out: bool = Field(default=False)
    external_code: str | None = Field(default=None, max_length=40)
    category: str | None = Field(
        default=None, max_length=20, description="the menu's own section as the shop names it: 세트, 버거, 음료 ..."
    )
    available_from: int | None = Field(
        default=None, ge=0, le=1440, description="minutes after local midnight from which it is sold (breakfast)"
    )
    available_until: int | None = Field(
        default=None, ge=0, le=2880, description="minutes after local midnight until which it is sold; may pass 1440"
    )


class SetComponent(SQLModel, table=True):
    """A component of a set menu; the default one is what the set comes with."""

    __tablename__ = "set_components"
    __table_args__ = (UniqueConstraint("set_item_id", "component_item_id", name="uq_set_component"),)

    id: int | None = Field(default=None, primary_key=True)
    set_item_id: int = Field(foreign_key="menu_items.id", index=True, ondelete="CASCADE")
    component_item_id: int = Field(foreign_key="menu_items.id", ondelete="CASCADE")
    quantity: int = Field(default=1, ge=1)
    is_default: bool = Field(default=True)


class ComponentChangeRule(SQLModel, table=True):
    """Changing a set component ``from_item`` to ``to_item`` costs ``price_delta`` won.

    Rules are written only within one component group; the delta is the price difference, never negative
    unless ``allow_discount`` says so.
    """

    __tablename__ = "component_change_rules"
    __table_args__ = (UniqueConstraint("from_item_id", "to_item_id", name="uq_component_change"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id", index=True, ondelete="CASCADE")
    from_item_id: int = Field(foreign_key="menu_items.id", ondelete="CASCADE")
    to_item_id: int = Field(foreign_key="menu_items.id", ondelete="CASCADE")
    price_delta: int
    allow_discount: bool = Field(default=False)


class Place(SQLModel, table=True):
    """A landmark users name ("강남역", "춘천역") with its coordinates."""

    __tablename__ = "places"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    area: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    latitude: float
    longitude: float
