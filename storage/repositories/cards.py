"""Meal cards and who holds them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CardProgram, ChannelIdentity, MealCard


@dataclass(frozen=True, slots=True)
class CardWithHolder:
    card: MealCard
    program: CardProgram
    holder_identities: list[str] = field(default_factory=list)
    """The holder's identities as ``channel:external_id``."""


class CardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, card_id: str) -> MealCard | None:
        return await self.session.get(MealCard, card_id)

    async def list_with_holders(self) -> list[CardWithHolder]:
        rows = (
            await self.session.exec(
                select(MealCard, CardProgram)
                .join(CardProgram, CardProgram.code == MealCard.program_code)  # type: ignore[arg-type]
                .order_by(MealCard.card_id)
            )
        ).all()
        user_ids = {card.user_id for card, _ in rows if card.user_id is not None}
        identities: dict[int, list[str]] = defaultdict(list)
        if user_ids:
            found = await self.session.exec(
                select(ChannelIdentity)
                .where(col(ChannelIdentity.user_id).in_(user_ids))
                .order_by(col(ChannelIdentity.id))
            )
            for identity in found:
                identities[identity.user_id].append(f"{identity.channel}:{identity.external_id}")
        return [
            CardWithHolder(card, program, identities.get(card.user_id, []) if card.user_id else [])
            for card, program in rows
        ]
