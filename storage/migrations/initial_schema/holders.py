"""Migration 0001's card holder tables: card programmes, the issuer sync state, users, channel identities, cards."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models.types


def create() -> None:
    op.create_table(
        "card_programs",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("meal_amount", sa.Integer(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("monthly_top_up_day", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_card_programs")),
    )

    op.create_table(
        "sync_states",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("updated_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_states")),
    )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("notify_low_balance", sa.Boolean(), nullable=False),
        sa.Column("onboarded_at", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )

    op.create_table(
        "channel_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_channel_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_identities")),
        sa.UniqueConstraint("channel", "external_id", name="uq_channel_identity"),
    )
    with op.batch_alter_table("channel_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channel_identities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "meal_cards",
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("program_code", sa.String(length=32), nullable=False),
        sa.Column("number_masked", sa.String(length=32), nullable=False),
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("monthly_limit", sa.Integer(), nullable=False),
        sa.Column("meal_amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("spent_today", sa.Integer(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=True),
        sa.Column("issuer_updated_at", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sync_at", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("low_balance", sa.Boolean(), nullable=False),
        sa.Column("low_balance_since", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("low_balance_notified_at", storage.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_code"], ["card_programs.code"], name=op.f("fk_meal_cards_program_code_card_programs")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_meal_cards_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("card_id", name=op.f("pk_meal_cards")),
        sa.UniqueConstraint("number_hash", name=op.f("uq_meal_cards_number_hash")),
    )
    with op.batch_alter_table("meal_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meal_cards_user_id"), ["user_id"], unique=False)


def drop() -> None:
    with op.batch_alter_table("meal_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meal_cards_user_id"))
    op.drop_table("meal_cards")
    with op.batch_alter_table("channel_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_identities_user_id"))
    op.drop_table("channel_identities")
    op.drop_table("users")
    op.drop_table("sync_states")
    op.drop_table("card_programs")
