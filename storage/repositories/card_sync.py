"""Balance sync's queries: the cards as kkini last saw them, writing the changed ones, and the low-balance state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CardProgram, CardStatus, ChannelIdentity, MealCard, User
from storage.repositories.outbox import PUSH_CHANNELS

SYNCED_FIELDS = ("balance", "daily_limit", "monthly_limit", "meal_amount", "status")
"""What the card issuer owns; a card whose values all match is not written."""

_IDS_PER_QUERY = 1000


@dataclass(frozen=True, slots=True)
class CardState:
    balance: int
    daily_limit: int
    monthly_limit: int
    meal_amount: int
    status: str
    issuer_updated_at: datetime | None

    def values(self) -> tuple[int, int, int, int, str]:
        return self.balance, self.daily_limit, self.monthly_limit, self.meal_amount, self.status


@dataclass(frozen=True, slots=True)
class CardChange:
    card_id: str
    balance: int
    daily_limit: int
    monthly_limit: int
    meal_amount: int
    status: str
    issuer_updated_at: datetime


@dataclass(frozen=True, slots=True)
class LowCard:
    """An active card under the threshold whose low state is not recorded yet, with what a notice needs."""

    card_id: str
    balance: int
    daily_limit: int
    spent_today: int
    spent_on: Any
    program_name: str
    top_up_day: int | None
    notified_at: datetime | None
    user_id: int | None
    display_name: str | None
    wants_notices: bool
    preferences: dict[str, Any]
    pushable: bool
    """The holder has a Telegram, Kakao or Slack identity to push to."""


class CardSyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def states(self, card_ids: Sequence[str]) -> dict[str, CardState]:
        """The synced values of the known cards among ``card_ids``; unknown ids are absent."""
        found: dict[str, CardState] = {}
        for start in range(0, len(card_ids), _IDS_PER_QUERY):
            chunk = card_ids[start : start + _IDS_PER_QUERY]
            connection = await self.session.connection()
            rows = await connection.execute(
                sa_select(
                    col(MealCard.card_id),
                    col(MealCard.balance),
                    col(MealCard.daily_limit),
                    col(MealCard.monthly_limit),
                    col(MealCard.meal_amount),
                    col(MealCard.status),
                    col(MealCard.issuer_updated_at),
                ).where(col(MealCard.card_id).in_(chunk))
            )
            for card_id, balance, daily, monthly, meal, status, updated_at in rows.all():
                found[card_id] = CardState(balance, daily, monthly, meal, status, updated_at)
        return found

    async def apply(self, changes: Sequence[CardChange], synced_at: datetime) -> int:
        """Write the changes in one statement; a row whose stored ``issuer_updated_at`` is newer is left alone."""
        if not changes:
            return 0
        table = MealCard.__table__  # type: ignore[attr-defined]
        statement = (
            update(table)
            .where(
                table.c.card_id == bindparam("b_card_id"),
                or_(table.c.issuer_updated_at.is_(None), table.c.issuer_updated_at < bindparam("b_updated_at")),
            )
            .values(
                balance=bindparam("b_balance"),
                daily_limit=bindparam("b_daily_limit"),
                monthly_limit=bindparam("b_monthly_limit"),
                meal_amount=bindparam("b_meal_amount"),
                status=bindparam("b_status"),
                issuer_updated_at=bindparam("b_updated_at"),
                last_sync_at=synced_at,
            )
        )
        params = [
            {
                "b_card_id": change.card_id,
                "b_balance": change.balance,
                "b_daily_limit": change.daily_limit,
                "b_monthly_limit": change.monthly_limit,
                "b_meal_amount": change.meal_amount,
                "b_status": change.status,
                "b_updated_at": change.issuer_updated_at,
            }
            for change in changes
        ]
        connection = await self.session.connection()
        await connection.execute(statement, params)
        return len(params)

    async def newly_low(self, threshold: int) -> list[LowCard]:
        """Active cards under ``threshold`` not yet marked low, with their holder (if any)."""
        pushable = (
            exists()
            .where(col(ChannelIdentity.user_id) == col(User.id), col(ChannelIdentity.channel).in_(PUSH_CHANNELS))
            .correlate(User)
        )
        statement = (
            sa_select(
                col(MealCard.card_id),
                col(MealCard.balance),
                col(MealCard.daily_limit),
                col(MealCard.spent_today),
                col(MealCard.spent_on),
                col(CardProgram.name),
                col(CardProgram.monthly_top_up_day),
                col(MealCard.low_balance_notified_at),
                col(User.id),
                col(User.display_name),
                col(User.notify_low_balance),
                col(User.preferences),
                pushable,
            )
            .join(CardProgram, col(CardProgram.code) == col(MealCard.program_code))
            .outerjoin(User, col(User.id) == col(MealCard.user_id))
            .where(
                col(MealCard.status) == CardStatus.ACTIVE,
                col(MealCard.balance) < threshold,
                col(MealCard.low_balance).is_(False),
            )
            .order_by(col(MealCard.card_id))
        )
        connection = await self.session.connection()
        rows = await connection.execute(statement)
        return [
            LowCard(
                card_id=row[0],
                balance=row[1],
                daily_limit=row[2],
                spent_today=row[3],
                spent_on=row[4],
                program_name=row[5],
                top_up_day=row[6],
                notified_at=row[7],
                user_id=row[8],
                display_name=row[9],
                wants_notices=bool(row[10]),
                preferences=dict(row[11] or {}),
                pushable=bool(row[12]) if row[8] is not None else False,
            )
            for row in rows.all()
        ]

    async def mark_low(self, card_ids: Sequence[str], since: datetime, notified: Sequence[str]) -> None:
        """Record the low state of the cards; ``notified`` among them also get a notice time of ``since``."""
        if not card_ids:
            return
        connection = await self.session.connection()
        notified_set = set(notified)
        quiet = [card_id for card_id in card_ids if card_id not in notified_set]
        for ids, values in ((quiet, {}), (list(notified_set), {"low_balance_notified_at": since})):
            for start in range(0, len(ids), _IDS_PER_QUERY):
                await connection.execute(
                    update(MealCard)
                    .where(col(MealCard.card_id).in_(ids[start : start + _IDS_PER_QUERY]))
                    .values(low_balance=True, low_balance_since=since, **values)
                    .execution_options(synchronize_session=False)
                )

    async def rearm(self, threshold: int) -> int:
        """Clear the low state of cards back at or over ``threshold``, so that the next drop notices again."""
        connection = await self.session.connection()
        result = await connection.execute(
            update(MealCard)
            .where(col(MealCard.low_balance).is_(True), col(MealCard.balance) >= threshold)
            .values(low_balance=False, low_balance_since=None)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)
