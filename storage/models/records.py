"""What kkini records: conversation turns, recommendations shown, the notification outbox, job runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.models.types import UTCDateTime, utcnow


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class Conversation(SQLModel, table=True):
    """One turn: what the user said (masked), what kkini replied, what it understood and how long each stage took."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_time", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    turn_id: str = Field(max_length=40, unique=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    channel: str = Field(max_length=16)
    assistant: str = Field(default="meal", max_length=20)
    input_text: str = Field(sa_column=Column(Text, nullable=False))
    reply_text: str = Field(sa_column=Column(Text, nullable=False))
    intent: str | None = Field(default=None, max_length=40)
    confidence: float | None = Field(default=None)
    entities: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    timings_ms: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    provider: str | None = Field(default=None, max_length=20)
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class RecommendationLog(SQLModel, table=True):
    """A shop (and menu) shown to a user, with its score and reasons; ``selected_at`` when they picked it."""

    __tablename__ = "recommendation_log"

    id: int | None = Field(default=None, primary_key=True)
    turn_id: str = Field(max_length=40, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    shop_id: int = Field(foreign_key="shops.id", ondelete="CASCADE")
    menu_item_id: int | None = Field(default=None, foreign_key="menu_items.id", ondelete="SET NULL")
    rank: int = Field(ge=1)
    score: float
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shown_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    selected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """The outbox: a push waiting for delivery. ``dedup_key`` makes writing the same notice twice impossible."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)
    dedup_key: str = Field(max_length=120, unique=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=NotificationStatus.PENDING, max_length=10)
    attempts: int = Field(default=0, ge=0)
    not_before: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=400)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=40)
    owner: str = Field(max_length=64)
    status: str = Field(default="running", max_length=10, description="running, ok, failed")
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, max_length=1000)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SyncState(SQLModel, table=True):
    """A named position kept between job runs, such as the balance-sync cursor."""

    __tablename__ = "sync_states"

    name: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=400)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
