"""``balance-sync``: bring kkini's cards in line with the card issuer, then work out the low-balance notices.

The issuer is asked for the cards changed since the last complete pass (less a small overlap for a clock or a commit
that lags). Each page is written in one transaction together with the cursor of the next page, so a run that fails
half-way is resumed by the next run from the page after the last one written. Only cards whose values differ are
written, and a card whose stored ``issuer_updated_at`` is newer than what arrives is left alone (older data never
overwrites newer: it may come from a lagging issuer replica or a retried page).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobs.context import Clock, Counts
from jobs.issuer.cards import IssuerCard
from jobs.issuer.client import BalancePage, CardIssuerClient, IssuerError, IssuerUnavailable
from jobs.notices.low_balance import LowBalanceNotices
from storage.database import Database
from storage.repositories.card_sync import CardChange, CardState, CardSyncRepository
from storage.repositories.job_runs import SyncStateRepository

logger = logging.getLogger(__name__)

WATERMARK = "balance-sync:watermark"
"""The newest ``updated_at`` of the last complete pass (ISO 8601)."""
PROGRESS = "balance-sync:progress"
"""A pass in progress: ``{"since", "cursor", "newest"}``; present only between a page and the end of its pass."""
OVERLAP = timedelta(minutes=2)
"""Cards changed this long before the watermark are asked for again; re-reading an unchanged card costs nothing."""


@dataclass(slots=True)
class _Pass:
    since: datetime | None
    cursor: str | None
    newest: datetime | None

    def to_json(self) -> str:
        return json.dumps(
            {
                "since": self.since.isoformat() if self.since else None,
                "cursor": self.cursor,
                "newest": self.newest.isoformat() if self.newest else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> _Pass:
        data = json.loads(text)
        return cls(_moment(data.get("since")), data.get("cursor"), _moment(data.get("newest")))


class BalanceSyncJob:
    def __init__(
        self,
        db: Database,
        client: CardIssuerClient | None,
        low_balance: LowBalanceNotices,
        *,
        page_limit: int,
        clock: Clock,
    ) -> None:
        self.db = db
        self.client = client
        self.low_balance = low_balance
        self.page_limit = page_limit
        self.clock = clock

    async def __call__(self) -> Counts:
        counts: Counter[str] = Counter()
        if self.client is not None:
            await self.sync(counts)
        counts.update(await self.low_balance.sweep())
        return dict(counts)

    async def sync(self, counts: Counter[str]) -> None:
        """One pass over the changed cards, resuming a pass that an earlier run left unfinished."""
        assert self.client is not None
        current = await self._start()
        resumed = current.cursor is not None
        counts["resumed"] += int(resumed)
        while True:
            try:
                page = await self.client.balances(
                    updated_since=current.since, cursor=current.cursor, limit=self.page_limit
                )
            except IssuerError as error:
                if not resumed or isinstance(error, IssuerUnavailable):
                    raise
                # The issuer no longer knows the saved cursor (it may have restarted): start the pass again.
                logger.warning("balance sync: the saved cursor was refused (%s); starting the pass over", error)
                current.cursor, resumed = None, False
                continue
            resumed = False
            await self._write(page, current, counts)
            if page.next_cursor is None:
                return
            current.cursor = page.next_cursor

    async def _start(self) -> _Pass:
        async with self.db.session() as session:
            states = SyncStateRepository(session)
            progress = await states.get(PROGRESS)
            if progress:
                try:
                    return _Pass.from_json(progress)
                except (ValueError, TypeError, AttributeError):
                    logger.warning("balance sync: unreadable saved progress %r; starting over", progress)
            watermark = _moment(await states.get(WATERMARK))
        return _Pass(watermark - OVERLAP if watermark else None, None, watermark)

    async def _write(self, page: BalancePage, current: _Pass, counts: Counter[str]) -> None:
        """Write one page's changed cards and the position after it, in one transaction."""
        counts["pages"] += 1
        counts["fetched"] += len(page.cards)
        counts["invalid"] += page.invalid
        latest: dict[str, IssuerCard] = {}
        for card in page.cards:
            seen = latest.get(card.card_id)
            if seen is None or card.updated_at > seen.updated_at:
                latest[card.card_id] = card
            if current.newest is None or card.updated_at > current.newest:
                current.newest = card.updated_at
        now = self.clock()
        async with self.db.session() as session:
            cards = CardSyncRepository(session)
            known = await cards.states(list(latest))
            changes = [change for card in latest.values() if (change := _change(card, known.get(card.card_id), counts))]
            counts["written"] += await cards.apply(changes, now)
            states = SyncStateRepository(session)
            if page.next_cursor is not None:
                after = _Pass(current.since, page.next_cursor, current.newest)
                await states.put(PROGRESS, after.to_json(), now)
            else:
                if current.newest is not None:
                    await states.put(WATERMARK, current.newest.isoformat(), now)
                await states.delete(PROGRESS)


def _change(card: IssuerCard, known: CardState | None, counts: Counter[str]) -> CardChange | None:
    """The write this card needs, or None (counted as unknown, stale or unchanged)."""
    if known is None:
        counts["unknown"] += 1
        return None
    if known.issuer_updated_at is not None and card.updated_at <= known.issuer_updated_at:
        same = (card.balance, card.daily_limit, card.monthly_limit, card.meal_amount, card.status) == known.values()
        counts["unchanged" if same else "stale"] += 1
        return None
    if (card.balance, card.daily_limit, card.monthly_limit, card.meal_amount, card.status) == known.values():
        counts["unchanged"] += 1
        return None
    if card.status != known.status:
        counts["status_changed"] += 1
    return CardChange(
        card.card_id,
        card.balance,
        card.daily_limit,
        card.monthly_limit,
        card.meal_amount,
        card.status,
        card.updated_at,
    )


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
