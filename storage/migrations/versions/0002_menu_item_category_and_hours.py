"""menu items: category and the hours an item is sold; order lines outlive the menu item they name

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("available_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("available_until", sa.Integer(), nullable=True))
    # An imported menu replaces items that past orders named: the order line keeps its own name and price.
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.alter_column("menu_item_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint("fk_order_lines_menu_item_id_menu_items", type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_order_lines_menu_item_id_menu_items"),
            "menu_items",
            ["menu_item_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_constraint("fk_order_lines_menu_item_id_menu_items", type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_order_lines_menu_item_id_menu_items"), "menu_items", ["menu_item_id"], ["id"]
        )
        batch_op.alter_column("menu_item_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.drop_column("available_until")
        batch_op.drop_column("available_from")
        batch_op.drop_column("category")
