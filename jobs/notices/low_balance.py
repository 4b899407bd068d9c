"""Low-balance notices: the low state of a card and its notice are written in one transaction.

A card is marked low when it is active and under the threshold; a notice goes to its holder when they want notices,
can be reached on a push channel, and had none for this card in the last ``low_balance_repeat_hours``. A card back
at or over the threshold is re-armed, so the next drop notices again. The text names what the money still buys
near the holder at the moment the notice will go out (the end of the quiet hours when it is held).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from jobs.context import Clock, Counts
from jobs.notices.quiet import release_time
from jobs.notices.text import OFF_BUTTON, low_balance_text
from jobs.settings import NotifySettings
from storage.database import Database
from storage.hours import local_time
from storage.repositories import ShopRepository
from storage.repositories.card_sync import CardSyncRepository, LowCard
from storage.repositories.notices import NoticeRepository
from storage.repositories.outbox import NewNotice, OutboxRepository
from storage.units import next_top_up, won

logger = logging.getLogger(__name__)

KIND = "low_balance"
NEARBY_RADIUS_M = 1000.0
MEALS_SHOWN = 3


class LowBalanceNotices:
    def __init__(self, db: Database, settings: NotifySettings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def sweep(self) -> Counts:
        """Re-arm recovered cards, mark newly low ones and write their notices; returns the counts."""
        now = self.clock()
        threshold = self.settings.low_balance_won
        async with self.db.session() as session:
            cards = CardSyncRepository(session)
            rearmed = await cards.rearm(threshold)
            low = await cards.newly_low(threshold)
            notices: list[NewNotice] = []
            for card in low:
                if self._due(card, now):
                    notices.append(await self._notice(session, card, now))
            notified = [notice.payload["card_id"] for notice in notices]
            await cards.mark_low([card.card_id for card in low], now, notified)
            written = await OutboxRepository(session).enqueue(notices, now)
        return {"rearmed": rearmed, "marked_low": len(low), "low_notices": written}

    def _due(self, card: LowCard, now: datetime) -> bool:
        if card.user_id is None or not card.wants_notices or not card.pushable:
            return False
        repeat = timedelta(hours=self.settings.low_balance_repeat_hours)
        return card.notified_at is None or now - card.notified_at >= repeat

    async def _notice(self, session: AsyncSession, card: LowCard, now: datetime) -> NewNotice:
        assert card.user_id is not None
        send_at = release_time(now, self.settings.quiet_window())
        today = local_time(send_at).date()
        spent = card.spent_today if card.spent_on == today else 0
        spendable = max(0, min(card.balance, card.daily_limit - spent))
        meals = await self._meals(session, card, spendable, send_at) if spendable > 0 else []
        text = low_balance_text(
            name=card.display_name,
            program=card.program_name,
            balance=card.balance,
            spendable=spendable,
            meals=meals,
            top_up=next_top_up(card.top_up_day, today),
        )
        buttons = [[f"{won(spendable)}으로 먹을 곳", f"{won(spendable)}으로 뭐 먹지?"]] if spendable > 0 else []
        buttons.append(list(OFF_BUTTON))
        return NewNotice(
            user_id=card.user_id,
            kind=KIND,
            dedup_key=f"low-balance:{card.card_id}:{local_time(now).date().isoformat()}",
            text=text,
            not_before=send_at,
            payload={"card_id": card.card_id, "balance": card.balance, "buttons": buttons},
        )

    async def _meals(
        self, session: AsyncSession, card: LowCard, spendable: int, at: datetime
    ) -> list[tuple[str, str, int]]:
        """A few (shop, meal, price) near the holder that are open at ``at`` and within ``spendable``."""
        assert card.user_id is not None
        places = NoticeRepository(session)
        point = await places.anchor(card.user_id, card.preferences)
        if point is None:
            return []
        shops = await ShopRepository(session).open_with_menu_under(
            latitude=point.latitude,
            longitude=point.longitude,
            radius_m=NEARBY_RADIUS_M,
            max_price=spendable,
            at=at,
            limit=12,
        )
        meals = await places.cheapest_meals([match.shop.id for match in shops if match.shop.id is not None], spendable)
        found = []
        for match in shops:
            meal = meals.get(match.shop.id or 0)
            if meal is not None:
                found.append((match.shop.name, meal.name, meal.price))
            if len(found) == MEALS_SHOWN:
                break
        return found
