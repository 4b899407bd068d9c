"""Migration 0001's order tables: orders, their lines and the coupons used on them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models.types


def create() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("payment_method", sa.String(length=8), nullable=False),
        sa.Column("subtotal", sa.Integer(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("user_coupon_id", sa.Integer(), nullable=True),
        sa.Column("reject_reason", sa.String(length=200), nullable=True),
        sa.Column("staff_message_ref", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["meal_cards.card_id"], name=op.f("fk_orders_card_id_meal_cards"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_orders_shop_id_shops")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_orders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_orders_idempotency_key")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_shop_status", ["shop_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_user_id"), ["user_id"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("menu_item_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("line_total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["menu_item_id"], ["menu_items.id"], name=op.f("fk_order_lines_menu_item_id_menu_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)

    op.create_table(
        "user_coupons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("expiry_reminded_at", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["coupon_id"], ["coupons.id"], name=op.f("fk_user_coupons_coupon_id_coupons"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_user_coupons_order_id_orders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_coupons_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_coupons")),
        sa.UniqueConstraint("user_id", "coupon_id", name="uq_user_coupon"),
    )
    with op.batch_alter_table("user_coupons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_coupons_user_id"), ["user_id"], unique=False)


def drop() -> None:
    with op.batch_alter_table("user_coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_coupons_user_id"))
    op.drop_table("user_coupons")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))
    op.drop_table("order_lines")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_user_id"))
        batch_op.drop_index("ix_orders_shop_status")
    op.drop_table("orders")
