"""Users, their channel identities and their meal cards."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.types import UTCDateTime, utcnow


class Channel(StrEnum):
    TELEGRAM = "telegram"
    KAKAO = "kakao"
    SLACK = "slack"
    CONSOLE = "console"
    WEB = "web"


class CardStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    EXPIRED = "EXPIRED"
    LOST = "LOST"
    """Reported lost: blocked until a new card is issued."""


class User(SQLModel, table=True):
    """One person; several channel identities may point at the same user."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    display_name: str | None = Field(default=None, max_length=80)
    role: str = Field(default="holder", max_length=16, description="holder, staff or admin")
    preferences: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notify_low_balance: bool = Field(default=True)
    onboarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChannelIdentity(SQLModel, table=True):
    """A user as one channel knows them (a Telegram chat id, a Kakao user key, a console name)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CardProgram(SQLModel, table=True):
    """A region's meal-card programme: how much one meal pays and the usual limits."""

    __tablename__ = "card_programs"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=80)
    region: str = Field(max_length=40)
    meal_amount: int = Field(ge=0)
    daily_limit: int = Field(ge=0)
    monthly_top_up_day: int | None = Field(default=None, ge=1, le=28)


class MealCard(SQLModel, table=True):
    """A child's meal card. The number is never stored in clear: a mask for display and a keyed hash for lookup."""

    __tablename__ = "meal_cards"

    card_id: str = Field(primary_key=True, max_length=40)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    program_code: str = Field(foreign_key="card_programs.code", max_length=32)
    number_masked: str = Field(max_length=32)
    number_hash: str = Field(max_length=64, unique=True)
    balance: int = Field(default=0, ge=0)
    daily_limit: int = Field(default=0, ge=0)
    monthly_limit: int = Field(default=0, ge=0)
    meal_amount: int = Field(default=0, ge=0)
    status: str = Field(default=CardStatus.ACTIVE, max_length=16)
    spent_today: int = Field(default=0, ge=0)
    spent_on: date | None = Field(default=None)
    issuer_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sync_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    low_balance: bool = Field(default=False, description="the balance is under the notice threshold")
    low_balance_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    low_balance_notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
