"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 15:11:04.296750
"""

from __future__ import annotations

from storage.migrations.initial_schema import activity, holders, orders, shops

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Each table's foreign keys point only at tables of its own module or of one before it.
_IN_ORDER = (shops, holders, activity, orders)


def upgrade() -> None:
    for tables in _IN_ORDER:
        tables.create()


def downgrade() -> None:
    for tables in reversed(_IN_ORDER):
        tables.drop()
