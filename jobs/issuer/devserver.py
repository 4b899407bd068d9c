"""A development card issuer: the balance API of the contract over an in-memory card book.

``kkini dev card-issuer`` loads the book from kkini's own cards (the sample data) and simulates the money moving:
children paying for meals at meal times, and the monthly top-up on each programme's day. Pages are ordered by
(updated_at, card_id) and the cursor is that pair of the page's last card, so a card that changes while a client
pages moves behind the cursor and is sent again in the same pass instead of being skipped.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import random
from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlmodel import col, select

from jobs.issuer.cards import IssuerCard
from storage.database import Database
from storage.hours import local_time
from storage.models import CardProgram, CardStatus, MealCard

MAX_PAGE = 5000
DEFAULT_PAGE = 500
MEAL_HOURS = ((7, 9), (11, 14), (17, 20))
"""Local hours in which simulated children pay for meals."""


@dataclass(slots=True)
class _Account:
    card: IssuerCard
    top_up_day: int | None
    topped_up: tuple[int, int] | None
    """(year, month) of the last top-up."""
    spent_today: int = 0
    spent_on: date | None = None


class IssuerBook:
    """The issuer's cards; every change stamps the card with the time it happened."""

    def __init__(self) -> None:
        self._accounts: dict[str, _Account] = {}
        self._index: list[tuple[datetime, str]] | None = None
        self.version = 0

    def __len__(self) -> int:
        return len(self._accounts)

    def add(self, card: IssuerCard, top_up_day: int | None = None, topped_up: tuple[int, int] | None = None) -> None:
        self._accounts[card.card_id] = _Account(card, top_up_day, topped_up)
        self._changed()

    def get(self, card_id: str) -> IssuerCard | None:
        account = self._accounts.get(card_id)
        return account.card if account is not None else None

    def cards(self) -> list[IssuerCard]:
        return [account.card for account in self._accounts.values()]

    def change(self, card_id: str, at: datetime, **values: Any) -> IssuerCard:
        """Set fields of a card (balance, status, limits) and stamp it ``at``; ``KeyError`` for an unknown card."""
        account = self._accounts[card_id]
        stamp = max(at, account.card.updated_at)
        account.card = replace(account.card, updated_at=stamp, **values)
        self._changed()
        return account.card

    def page(
        self, updated_since: datetime | None, after: tuple[datetime, str] | None, limit: int
    ) -> tuple[list[IssuerCard], tuple[datetime, str] | None]:
        """Cards with ``updated_at >= updated_since`` in (updated_at, card_id) order, after the ``after`` key.

        Returns the page and the key to continue from, or None when this was the last page.
        """
        index = self._sorted()
        start = 0
        if updated_since is not None:
            start = bisect_left(index, (updated_since, ""))
        if after is not None:
            start = max(start, bisect_right(index, after))
        keys = index[start : start + limit]
        cards = [self._accounts[card_id].card for _, card_id in keys]
        more = start + limit < len(index)
        return cards, (keys[-1] if keys and more else None)

    def simulate(self, now: datetime, rng: random.Random, spend_probability: float) -> int:
        """One step of the world: monthly top-ups due by ``now``, and meals paid with some of the cards.

        Returns how many cards changed.
        """
        local = local_time(now)
        today = local.date()
        eating = any(start <= local.hour < end for start, end in MEAL_HOURS)
        changed = 0
        for card_id, account in list(self._accounts.items()):
            card = account.card
            if card.status != CardStatus.ACTIVE:
                continue
            if account.top_up_day is not None and today.day >= account.top_up_day:
                month = (today.year, today.month)
                if account.topped_up != month:
                    account.topped_up = month
                    balance = min(card.balance + card.monthly_limit, 2 * card.monthly_limit)
                    if balance != card.balance:
                        self.change(card_id, now, balance=balance)
                        changed += 1
                    card = account.card
            if not eating or rng.random() >= spend_probability:
                continue
            if account.spent_on != today:
                account.spent_today, account.spent_on = 0, today
            room = min(card.balance, card.daily_limit - account.spent_today)
            price = min(room, rng.randrange(3000, max(card.meal_amount, 3000) + 1, 100))
            if price >= 1000:
                account.spent_today += price
                self.change(card_id, now, balance=card.balance - price)
                changed += 1
        return changed

    def _changed(self) -> None:
        self._index = None
        self.version += 1

    def _sorted(self) -> list[tuple[datetime, str]]:
        if self._index is None:
            self._index = sorted((account.card.updated_at, card_id) for card_id, account in self._accounts.items())
        return self._index


async def book_from_database(db: Database, at: datetime) -> IssuerBook:
    """The issuer's book seeded from kkini's cards: today's values, and this month counted as topped up."""
    book = IssuerBook()
    month = (local_time(at).year, local_time(at).month)
    async with db.session() as session:
        rows = await session.exec(
            select(MealCard, CardProgram.monthly_top_up_day)
            .join(CardProgram, col(CardProgram.code) == col(MealCard.program_code))
            .order_by(col(MealCard.card_id))
        )
        for card, top_up_day in rows.all():
            book.add(
                IssuerCard(
                    card.card_id,
                    card.balance,
                    card.daily_limit,
                    card.monthly_limit,
                    card.meal_amount,
                    card.status,
                    card.issuer_updated_at or card.created_at,
                ),
                top_up_day,
                month,
            )
    return book


def encode_cursor(key: tuple[datetime, str]) -> str:
    raw = f"{key[0].astimezone(UTC).isoformat()}|{key[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The key in a cursor; ``ValueError`` when it is not one this server wrote."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, card_id = raw.split("|", 1)
        moment = datetime.fromisoformat(stamp)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("malformed cursor") from None
    if moment.tzinfo is None:
        raise ValueError("malformed cursor")
    return moment, card_id


class IssuerApp:
    """The HTTP side: Bearer key check, the two contract routes, and a development route to change a card."""

    def __init__(
        self, book: IssuerBook, api_key: str, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.book = book
        self.api_key = api_key
        self.clock = clock

    def build(self) -> web.Application:
        app = web.Application()
        self.register(app)
        return app

    def register(self, app: web.Application) -> None:
        """Add the key check and the routes to ``app`` (before it starts)."""
        app.middlewares.append(self.auth)
        app.router.add_get("/v1/cards/balances", self.balances)
        app.router.add_get("/v1/cards/{card_id}", self.card)
        app.router.add_post("/v1/dev/cards/{card_id}", self.dev_change)

    @web.middleware
    async def auth(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        expected = f"Bearer {self.api_key}".encode()
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return _error(401, "unauthorized: send Authorization: Bearer <key>")
        return await handler(request)

    async def balances(self, request: web.Request) -> web.Response:
        query = request.query
        try:
            limit = int(query.get("limit", DEFAULT_PAGE))
        except ValueError:
            return _error(400, "limit must be a whole number")
        if not 1 <= limit <= MAX_PAGE:
            return _error(400, f"limit must be 1 to {MAX_PAGE}")
        since: datetime | None = None
        if query.get("updated_since"):
            try:
                since = datetime.fromisoformat(query["updated_since"])
            except ValueError:
                return _error(400, "updated_since must be ISO 8601")
            if since.tzinfo is None:
                return _error(400, "updated_since needs an offset")
        after = None
        if query.get("cursor"):
            try:
                after = decode_cursor(query["cursor"])
            except ValueError:
                return _error(400, "unknown cursor")
        cards, last = self.book.page(since, after, limit)
        return web.json_response(
            {"cards": [card.to_json() for card in cards], "next_cursor": encode_cursor(last) if last else None}
        )

    async def card(self, request: web.Request) -> web.Response:
        card = self.book.get(request.match_info["card_id"])
        if card is None:
            return _error(404, "unknown card")
        return web.json_response(card.to_json())

    async def dev_change(self, request: web.Request) -> web.Response:
        """``{"balance": 4300}``, ``{"spend": 9500}`` or ``{"status": "SUSPENDED"}``: for demos of the sync."""
        card_id = request.match_info["card_id"]
        card = self.book.get(card_id)
        if card is None:
            return _error(404, "unknown card")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "expected a JSON object")
        if not isinstance(body, dict):
            return _error(400, "expected a JSON object")
        changes: dict[str, Any] = {}
        if "spend" in body:
            changes["balance"] = card.balance - _amount(body["spend"])
        if "balance" in body:
            changes["balance"] = _amount(body["balance"])
        if "status" in body:
            if body["status"] not in {status.value for status in CardStatus}:
                return _error(400, "status must be ACTIVE, SUSPENDED, EXPIRED or LOST")
            changes["status"] = body["status"]
        if not changes or changes.get("balance", 0) < 0:
            return _error(400, "nothing to change, or the balance would go below zero")
        return web.json_response(self.book.change(card_id, self.clock(), **changes).to_json())


def _amount(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else -1


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def seed_cards(count: int, at: datetime, rng: random.Random, prefix: str = "BC") -> Iterable[IssuerCard]:
    """``count`` plausible Seoul cards for load tests (ids ``BC-0000001`` ...), stamped a little before ``at``."""
    for number in range(1, count + 1):
        yield IssuerCard(
            card_id=f"{prefix}-{number:07d}",
            balance=rng.randrange(0, 200_001, 100),
            daily_limit=28_500,
            monthly_limit=9_500 * rng.choice((31, 62)),
            meal_amount=9_500,
            status=CardStatus.ACTIVE.value,
            updated_at=at - timedelta(seconds=rng.randrange(1, 86_400)),
        )
