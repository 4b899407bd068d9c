"""Coupons, the users' coupon wallets, orders and order lines. Amounts are integer won."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.types import UTCDateTime, utcnow


class DiscountType(StrEnum):
    FIXED = "FIXED"
    RATE = "RATE"


class CouponScope(StrEnum):
    ALL = "ALL"
    SHOP = "SHOP"
    CATEGORY = "CATEGORY"
    FOODCARD = "FOODCARD"


class OrderStatus(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    READY = "ready"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"


class Coupon(SQLModel, table=True):
    """A discount: a fixed amount in won, or a rate in percent capped by ``max_discount``.

    Scope ALL applies everywhere, SHOP to ``shop_id``, CATEGORY to shops of ``category``, FOODCARD to any
    payment with the meal card.
    """

    __tablename__ = "coupons"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=80)
    discount_type: str = Field(max_length=8)
    amount: int = Field(gt=0, description="won for FIXED, percent for RATE")
    max_discount: int | None = Field(default=None, ge=0)
    min_order: int = Field(default=0, ge=0)
    scope: str = Field(default=CouponScope.ALL, max_length=10)
    shop_id: int | None = Field(default=None, foreign_key="shops.id", ondelete="CASCADE")
    category: str | None = Field(default=None, max_length=20)
    valid_from: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)
    active: bool = Field(default=True)


class UserCoupon(SQLModel, table=True):
    """A coupon in a user's wallet; used once."""

    __tablename__ = "user_coupons"
    __table_args__ = (UniqueConstraint("user_id", "coupon_id", name="uq_user_coupon"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    coupon_id: int = Field(foreign_key="coupons.id", ondelete="CASCADE")
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    order_id: int | None = Field(default=None, foreign_key="orders.id", ondelete="SET NULL")
    expiry_reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_shop_status", "shop_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    shop_id: int = Field(foreign_key="shops.id")
    card_id: str | None = Field(default=None, foreign_key="meal_cards.card_id", ondelete="SET NULL")
    channel: str = Field(max_length=16)
    status: str = Field(default=OrderStatus.PLACED, max_length=12)
    payment_method: str = Field(default="card", max_length=8, description="card or cash, paid at the shop")
    subtotal: int = Field(ge=0)
    discount: int = Field(default=0, ge=0)
    total: int = Field(ge=0)
    user_coupon_id: int | None = Field(default=None)
    reject_reason: str | None = Field(default=None, max_length=200)
    staff_message_ref: str | None = Field(default=None, max_length=64, description="the Slack message ts")
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrderLine(SQLModel, table=True):
    """One line of an order; ``options`` lists component changes and extras with their price deltas."""

    __tablename__ = "order_lines"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True, ondelete="CASCADE")
    menu_item_id: int | None = Field(
        default=None,
        foreign_key="menu_items.id",
        ondelete="SET NULL",
        description="the menu item ordered; None once the shop's menu no longer has it (the line keeps its name)",
    )
    name: str = Field(max_length=120)
    quantity: int = Field(ge=1)
    unit_price: int = Field(ge=0, description="base price plus option deltas, won")
    options: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    line_total: int = Field(ge=0)
