"""What the recommender knows about one user: stored preferences, wallet coupons and where they ate before.

Read in one short session per user and cached briefly; ``forget(user_id)`` drops an entry when something changes
(a coupon used, an order placed, preferences edited).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from storage.database import Database
from storage.repositories.catalogue import CatalogueRepository, UserHistory


@dataclass(frozen=True, slots=True)
class UserContext:
    wallet: tuple[tuple[int, int], ...] = ()
    """(user_coupon_id, coupon_id) of the unused coupons."""
    likes: frozenset[str] = frozenset()
    dislikes: frozenset[str] = frozenset()
    allergies: tuple[str, ...] = ()
    home_area: str | None = None
    shop_visits: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def from_history(cls, history: UserHistory) -> UserContext:
        preferences = history.preferences
        home = preferences.get("home_area")
        return cls(
            wallet=tuple((entry.user_coupon_id, entry.coupon_id) for entry in history.wallet),
            likes=frozenset(_words(preferences.get("likes"))),
            dislikes=frozenset(word.lower() for word in _words(preferences.get("dislikes"))),
            allergies=tuple(_words(preferences.get("allergies"))),
            home_area=home if isinstance(home, str) and home else None,
            shop_visits=dict(history.shop_visits),
        )


ANONYMOUS = UserContext()


def _words(value: Any) -> list[str]:
    """A preference that should be a list of words, tolerating a single string or junk."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [word.strip() for word in value if isinstance(word, str) and word.strip()]


UserLoader = Callable[[int], Awaitable[UserContext]]


class PersonalCache:
    """Per-user contexts for ``ttl_s`` seconds, at most ``max_users`` of them (least recently used leave first)."""

    def __init__(
        self,
        db: Database | None = None,
        *,
        ttl_s: float = 30.0,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        loader: UserLoader | None = None,
    ) -> None:
        if loader is None:
            if db is None:
                raise ValueError("a database or a loader is required")
            database = db

            async def loader(user_id: int) -> UserContext:
                async with database.session() as session:
                    history = await CatalogueRepository(session).user_history(user_id)
                return ANONYMOUS if history is None else UserContext.from_history(history)

        self._loader: UserLoader = loader
        self._ttl_s = ttl_s
        self._max_users = max_users
        self._clock = clock
        self._entries: OrderedDict[int, tuple[float, UserContext]] = OrderedDict()

    async def get(self, user_id: int) -> UserContext:
        now = self._clock()
        entry = self._entries.get(user_id)
        if entry is not None and now - entry[0] < self._ttl_s:
            self._entries.move_to_end(user_id)
            return entry[1]
        context = await self._loader(user_id)
        self._entries[user_id] = (now, context)
        self._entries.move_to_end(user_id)
        while len(self._entries) > self._max_users:
            self._entries.popitem(last=False)
        return context

    def forget(self, user_id: int | None = None) -> None:
        """Drop one user's entry, or every entry."""
        if user_id is None:
            self._entries.clear()
        else:
            self._entries.pop(user_id, None)
