"""Turns as they are recorded: the conversation row and the recommendations shown in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Conversation, RecommendationLog


class TurnRow(TypedDict):
    """A ``conversations`` row as the engine writes it on every turn (no model objects: this is the hot path)."""

    turn_id: str
    user_id: int | None
    channel: str
    assistant: str
    input_text: str
    reply_text: str
    intent: str | None
    confidence: float | None
    entities: dict[str, Any]
    timings_ms: dict[str, float]
    provider: str | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    created_at: datetime


class ShownRow(TypedDict):
    """A ``recommendation_log`` row: one shop (and menu) shown in a turn."""

    turn_id: str
    user_id: int | None
    shop_id: int
    menu_item_id: int | None
    rank: int
    score: float
    reasons: list[str]
    shown_at: datetime


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, turn: TurnRow, shown: Sequence[ShownRow] = ()) -> None:
        """Store one turn and what it showed, in the caller's transaction (Core inserts: this is on every turn)."""
        connection = await self.session.connection()
        await connection.execute(insert(Conversation), [turn])
        if shown:
            await connection.execute(insert(RecommendationLog), list(shown))

    async def mark_selected(self, user_id: int, shop_id: int, at: datetime, turn_id: str | None = None) -> bool:
        """Mark the latest showing of ``shop_id`` to the user (in ``turn_id`` when given) as selected."""
        statement = (
            select(RecommendationLog.id)
            .where(RecommendationLog.user_id == user_id, RecommendationLog.shop_id == shop_id)
            .order_by(col(RecommendationLog.shown_at).desc(), col(RecommendationLog.id).desc())
            .limit(1)
        )
        if turn_id:
            statement = statement.where(RecommendationLog.turn_id == turn_id)
        row_id = (await self.session.exec(statement)).first()
        if row_id is None:
            return False
        await self.session.exec(
            update(RecommendationLog).where(col(RecommendationLog.id) == row_id).values(selected_at=at)
        )
        return True

    async def recent(self, user_id: int, limit: int = 20) -> list[Conversation]:
        statement = (
            select(Conversation)
            .where(Conversation.user_id == user_id)
            .order_by(col(Conversation.created_at).desc(), col(Conversation.id).desc())
            .limit(limit)
        )
        return list((await self.session.exec(statement)).all())
