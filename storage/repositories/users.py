"""Users and the channel identities that lead to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CardProgram, ChannelIdentity, MealCard, User


class UnknownCard(LookupError):
    """The card id names no card."""


class IdentityConflict(ValueError):
    """The identity already belongs to another user than the one it should be linked to."""


@dataclass(frozen=True, slots=True)
class IdentityResult:
    user: User
    identity: ChannelIdentity
    created_user: bool
    created_identity: bool


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_identity(self, channel: str, external_id: str) -> User | None:
        statement = (
            select(User)
            .join(ChannelIdentity, ChannelIdentity.user_id == User.id)  # type: ignore[arg-type]
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)
        )
        return (await self.session.exec(statement)).first()

    async def update_preferences(self, user_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge ``changes`` into the user's preferences (a None value removes a key); returns the result."""
        user = await self.session.get(User, user_id)
        if user is None:
            raise LookupError(f"no user {user_id}")
        merged = {**user.preferences, **changes}
        user.preferences = {key: value for key, value in merged.items() if value is not None}
        self.session.add(user)
        return user.preferences

    async def set_notices(self, user_id: int, wanted: bool) -> bool:
        """Switch the user's pushed notices (low balance, coupon expiry) on or off; True when that changed it."""
        user = await self.session.get(User, user_id)
        if user is None:
            raise LookupError(f"no user {user_id}")
        if user.notify_low_balance == wanted:
            return False
        user.notify_low_balance = wanted
        self.session.add(user)
        return True

    async def mark_onboarded(self, user_id: int, at: datetime) -> None:
        user = await self.session.get(User, user_id)
        if user is not None and user.onboarded_at is None:
            user.onboarded_at = at
            self.session.add(user)

    async def profile(self, channel: str, external_id: str) -> tuple[User, MealCard | None, CardProgram | None] | None:
        """The user behind an identity with their card (an active one first) and its programme, in one query."""
        statement = (
            select(User, MealCard, CardProgram)
            .select_from(ChannelIdentity)
            .join(User, col(User.id) == col(ChannelIdentity.user_id))
            .outerjoin(MealCard, col(MealCard.user_id) == col(User.id))
            .outerjoin(CardProgram, col(CardProgram.code) == col(MealCard.program_code))
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)
            .order_by(col(MealCard.status) != "ACTIVE", col(MealCard.card_id))
            .limit(1)
        )
        row = (await self.session.exec(statement)).first()
        return (row[0], row[1], row[2]) if row else None

    async def identities(self, user_id: int) -> list[ChannelIdentity]:
        statement = select(ChannelIdentity).where(ChannelIdentity.user_id == user_id).order_by(col(ChannelIdentity.id))
        return list((await self.session.exec(statement)).all())

    async def add_identity(
        self, channel: str, external_id: str, *, card_id: str | None = None, display_name: str | None = None
    ) -> IdentityResult:
        """Create or link a channel identity; idempotent.

        With a card: the identity joins the card's holder (so one person's Telegram and Kakao identities meet at
        their card), or, when the card has no holder yet, its user becomes the holder.
        """
        card = await self._card(card_id) if card_id else None
        identity = (
            await self.session.exec(
                select(ChannelIdentity).where(
                    ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
                )
            )
        ).first()
        target_user_id = card.user_id if card is not None else None
        if identity is not None:
            if target_user_id is not None and identity.user_id != target_user_id:
                raise IdentityConflict(
                    f"{channel}:{external_id} belongs to user {identity.user_id}, "
                    f"but card {card_id} is held by user {target_user_id}"
                )
            user = await self.session.get(User, identity.user_id)
            assert user is not None
            await self._hold(card, user)
            return IdentityResult(user, identity, created_user=False, created_identity=False)

        created_user = target_user_id is None
        if target_user_id is not None:
            user = await self.session.get(User, target_user_id)
            assert user is not None
        else:
            user = User(display_name=display_name)
            self.session.add(user)
            await self.session.flush()
        assert user.id is not None
        identity = ChannelIdentity(user_id=user.id, channel=channel, external_id=external_id)
        self.session.add(identity)
        await self._hold(card, user)
        await self.session.flush()
        return IdentityResult(user, identity, created_user=created_user, created_identity=True)

    async def _card(self, card_id: str) -> MealCard:
        card = await self.session.get(MealCard, card_id)
        if card is None:
            raise UnknownCard(card_id)
        return card

    async def _hold(self, card: MealCard | None, user: User) -> None:
        if card is not None and card.user_id is None:
            card.user_id = user.id
            self.session.add(card)
