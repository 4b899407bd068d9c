"""Migration 0001's shop tables: places, shops, their coupons, menus, closures, hours and set rules."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models.types


def create() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("name", name=op.f("uq_places_name")),
    )

    op.create_table(
        "shops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("business_type", sa.String(length=40), nullable=True),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("card_acceptance", sa.String(length=1), nullable=False),
        sa.Column("good_influence", sa.Boolean(), nullable=False),
        sa.Column("hours_known", sa.Boolean(), nullable=False),
        sa.Column("status_override", sa.String(length=8), nullable=True),
        sa.Column("override_until", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepts_orders", sa.Boolean(), nullable=False),
        sa.Column("slack_channel", sa.String(length=40), nullable=True),
        sa.Column("popularity", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
        sa.UniqueConstraint("source", "source_key", name="uq_shop_source_key"),
    )
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shops_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_shops_category"), ["category"], unique=False)
        batch_op.create_index("ix_shops_lat_lon", ["latitude", "longitude"], unique=False)

    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("discount_type", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("max_discount", sa.Integer(), nullable=True),
        sa.Column("min_order", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("valid_from", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_coupons_shop_id_shops"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("code", name=op.f("uq_coupons_code")),
    )

    op.create_table(
        "menu_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("group", sa.String(length=20), nullable=True),
        sa.Column("description", sa.String(length=400), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("sold_out", sa.Boolean(), nullable=False),
        sa.Column("external_code", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_menu_items_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_items")),
    )
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.create_index("ix_menu_items_shop_price", ["shop_id", "price"], unique=False)

    op.create_table(
        "shop_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_closures_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_closures")),
        sa.UniqueConstraint("shop_id", "day", name="uq_shop_closure_day"),
    )
    with op.batch_alter_table("shop_closures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_closures_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "shop_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.Integer(), nullable=False),
        sa.Column("break_start", sa.Integer(), nullable=True),
        sa.Column("break_end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_hours_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_hours")),
        sa.UniqueConstraint("shop_id", "weekday", name="uq_shop_hours_day"),
    )
    with op.batch_alter_table("shop_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_hours_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "component_change_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("from_item_id", sa.Integer(), nullable=False),
        sa.Column("to_item_id", sa.Integer(), nullable=False),
        sa.Column("price_delta", sa.Integer(), nullable=False),
        sa.Column("allow_discount", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_item_id"],
            ["menu_items.id"],
            name=op.f("fk_component_change_rules_from_item_id_menu_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_component_change_rules_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["to_item_id"],
            ["menu_items.id"],
            name=op.f("fk_component_change_rules_to_item_id_menu_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component_change_rules")),
        sa.UniqueConstraint("from_item_id", "to_item_id", name="uq_component_change"),
    )
    with op.batch_alter_table("component_change_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_component_change_rules_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "set_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_item_id", sa.Integer(), nullable=False),
        sa.Column("component_item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_item_id"],
            ["menu_items.id"],
            name=op.f("fk_set_components_component_item_id_menu_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_item_id"],
            ["menu_items.id"],
            name=op.f("fk_set_components_set_item_id_menu_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_components")),
        sa.UniqueConstraint("set_item_id", "component_item_id", name="uq_set_component"),
    )
    with op.batch_alter_table("set_components", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_set_components_set_item_id"), ["set_item_id"], unique=False)


def drop() -> None:
    with op.batch_alter_table("set_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_set_components_set_item_id"))
    op.drop_table("set_components")
    with op.batch_alter_table("component_change_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_component_change_rules_shop_id"))
    op.drop_table("component_change_rules")
    with op.batch_alter_table("shop_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_hours_shop_id"))
    op.drop_table("shop_hours")
    with op.batch_alter_table("shop_closures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_closures_shop_id"))
    op.drop_table("shop_closures")
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.drop_index("ix_menu_items_shop_price")
    op.drop_table("menu_items")
    op.drop_table("coupons")
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_index("ix_shops_lat_lon")
        batch_op.drop_index(batch_op.f("ix_shops_category"))
        batch_op.drop_index(batch_op.f("ix_shops_area"))
    op.drop_table("shops")
    op.drop_table("places")
