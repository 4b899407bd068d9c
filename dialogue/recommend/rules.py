"""The hard rules: how much may be spent, which menu items a child may be offered, and whether a shop is open.

Every rule here is a filter that must hold for every recommended item; ranking lives in ``scoring``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dialogue.recommend.catalogue import CatalogueItem, CatalogueShop
from dialogue.recommend.foods import is_wanted
from dialogue.recommend.types import RecommendationQuery
from storage.hours import MINUTES_PER_DAY, HoursLike, local_time

MEAL_KINDS = frozenset({"main", "set"})
NEVER_ALONE = frozenset({"topping", "drink"})
DESSERT_MEALS = frozenset({"제과점", "카페/디저트"})
"""Where bread or a dessert is what one eats; elsewhere a dessert, like a side, is never suggested alone."""
CARD_MEALS_ONLY = frozenset({"편의점"})
"""Categories where the card pays for a meal, not a snack or a drink alone (Seoul's convenience-store rule)."""

KNOWN_TAGS = frozenset({"spicy", "pork", "beef", "chicken", "seafood", "vegetarian"})
_DIETARY_TAGS = {"no_spicy": "spicy", "no_pork": "pork", "halal": "pork"}
# Korean words for what a tag says, so that "해산물" allergies and "돼지고기 빼고" also exclude tagged dishes.
_WORD_TAGS: dict[str, frozenset[str]] = {
    "매운": frozenset({"spicy"}),
    "매운것": frozenset({"spicy"}),
    "매운 것": frozenset({"spicy"}),
    "매운 음식": frozenset({"spicy"}),
    "돼지고기": frozenset({"pork"}),
    "돼지": frozenset({"pork"}),
    "소고기": frozenset({"beef"}),
    "쇠고기": frozenset({"beef"}),
    "닭고기": frozenset({"chicken"}),
    "닭": frozenset({"chicken"}),
    "해산물": frozenset({"seafood"}),
    "생선": frozenset({"seafood"}),
    "해물": frozenset({"seafood"}),
    "고기": frozenset({"pork", "beef", "chicken"}),
}


def word_tags(word: str) -> frozenset[str]:
    """The menu tags a food word names ("돼지고기" -> pork, "spicy" -> spicy)."""
    word = word.strip().lower()
    if word in KNOWN_TAGS:
        return frozenset({word})
    return _WORD_TAGS.get(word, frozenset())


def spendable(query: RecommendationQuery) -> int | None:
    """min(budget, balance, daily_remaining, meal amount) over the known values; None when none is known.

    The meal amount counts only when paying by card: it is what the card pays for one meal."""
    known = [value for value in (query.budget, query.balance, query.daily_remaining) if value is not None]
    if query.pay_by_card and query.meal_amount:
        known.append(query.meal_amount)
    return max(0, min(known)) if known else None


def price_cap(query: RecommendationQuery) -> int | None:
    """The most an item may be charged: ``spendable``, and under ``price_below`` for "더 싼 거"."""
    cap = spendable(query)
    if query.price_below is not None:
        below = max(0, query.price_below - 1)
        cap = below if cap is None else min(cap, below)
    return cap


def card_exhausted(query: RecommendationQuery) -> str | None:
    """The reason the card cannot pay anything at all ("balance" or "daily"), or None."""
    if not query.pay_by_card:
        return None
    if query.balance is not None and query.balance <= 0:
        return "balance"
    if query.daily_remaining is not None and query.daily_remaining <= 0:
        return "daily"
    return None


@dataclass(frozen=True, slots=True)
class MenuRules:
    """Which items may be offered: excluded foods, dietary restrictions and allergies, and card-payable kinds."""

    excluded_words: tuple[str, ...] = ()
    """A shop category or a word in the item name ("김밥", "분식")."""
    forbidden_tags: frozenset[str] = frozenset()
    required_tags: frozenset[str] = frozenset()
    allergy_words: tuple[str, ...] = ()
    """Lower-case words that must appear nowhere in the item's name, description or tags."""
    pay_by_card: bool = True
    wanted: tuple[str, ...] = ()
    """The foods wished for (categories or dishes): every item offered must be one (``dialogue.recommend.foods``)."""
    min_price: int = 0
    """"더 비싼 거": items charged less than this are not offered."""

    @classmethod
    def build(cls, query: RecommendationQuery, stored_allergies: Iterable[str] = ()) -> MenuRules:
        forbidden: set[str] = set()
        required: set[str] = set()
        allergies = [word.strip().lower() for word in stored_allergies if word.strip()]
        for code in query.dietary:
            code = code.strip().lower()
            if code == "vegetarian":
                required.add("vegetarian")
            elif code in _DIETARY_TAGS:
                forbidden.add(_DIETARY_TAGS[code])
            elif code.startswith("no_") and code[3:] in KNOWN_TAGS:
                forbidden.add(code[3:])
            elif code.startswith("allergy:") and code[8:].strip():
                allergies.append(code[8:].strip())
        excluded = tuple(word.strip() for word in query.excluded_food if word.strip())
        for word in (*excluded, *allergies):
            forbidden |= word_tags(word)
        wanted = tuple(dict.fromkeys(word.strip() for word in query.food if word.strip()))
        return cls(
            excluded,
            frozenset(forbidden),
            frozenset(required),
            tuple(dict.fromkeys(allergies)),
            query.pay_by_card,
            wanted,
            query.price_above + 1 if query.price_above is not None else 0,
        )

    def wants(self, item: CatalogueItem, shop: CatalogueShop) -> bool:
        """Whether ``item`` is the food wished for (always, with no wish)."""
        return is_wanted(self.wanted, item.name, shop.category)

    def excludes_shop(self, shop: CatalogueShop) -> bool:
        return shop.category in self.excluded_words

    def allows(self, item: CatalogueItem, shop: CatalogueShop) -> bool:
        """Whether ``item`` of ``shop`` respects every food rule (prices are checked elsewhere)."""
        if self.forbidden_tags and not self.forbidden_tags.isdisjoint(item.tags):
            return False
        if self.required_tags and not self.required_tags <= item.tags:
            return False
        for word in self.excluded_words:
            if word in item.name or word == shop.category:
                return False
        return all(word not in item.text for word in self.allergy_words)

    def offerable(self, item: CatalogueItem, shop: CatalogueShop) -> bool:
        """Whether ``item`` can be suggested as what to eat: never a topping, a drink or a side alone (a hungry
        child needs a meal, not a cola or a bowl of rice), desserts only at bakeries and cafes, and with the card at a convenience store only a meal (snacks are payable only
        alongside one)."""
        if item.kind in NEVER_ALONE:
            return False
        if item.kind == "side" or (item.kind == "dessert" and shop.category not in DESSERT_MEALS):
            return False
        return not (self.pay_by_card and shop.category in CARD_MEALS_ONLY and item.kind not in MEAL_KINDS)


@dataclass(frozen=True, slots=True)
class OpenWindow:
    """A shop that is open now, and until when."""

    minutes_left: int | None
    """Minutes until it stops being open (closing or a break); None when a staff override gives no end."""
    closes_at: str | None
    """"21:00" (local); None when open around the clock or the end is unknown."""
    all_day: bool = False


def open_window(shop: CatalogueShop, at: datetime) -> OpenWindow | None:
    """The open window of ``shop`` at ``at``, or None when it is not open (``storage.hours.open_state`` decides).

    Imported shops whose hours are unknown are never open, unless staff have set an "open" override.
    """
    state = shop.state_at(at)
    if not state.is_open:
        return None
    if state.reason == "override":
        return OpenWindow(None, None)
    now = local_time(at)
    minute = now.hour * 60 + now.minute
    end = _stretch_end(shop, now.date(), minute)
    left = end - minute
    if left >= MINUTES_PER_DAY:
        return OpenWindow(left, None, all_day=True)
    return OpenWindow(left, format_minute(end))


def _stretch_end(shop: CatalogueShop, today: date, minute: int) -> int:
    """Minutes after today's midnight when the current open stretch ends: a break, closing, or a later day.

    Mirrors ``open_state``: inside yesterday's business day after midnight, yesterday's row decides.
    """
    by_day = shop.by_day
    yesterday = today - timedelta(days=1)
    previous = by_day.get(yesterday.weekday())
    if previous is not None and yesterday not in shop.closures and minute + MINUTES_PER_DAY < previous.closes_at:
        end = _row_end(previous, minute + MINUTES_PER_DAY) - MINUTES_PER_DAY
    else:
        end = _row_end(by_day[today.weekday()], minute)
    # Closing at midnight into a day that opens at midnight (24-hour shops): the stretch goes on.
    for _ in range(8):
        if end % MINUTES_PER_DAY:
            break
        day = today + timedelta(days=end // MINUTES_PER_DAY)
        row = by_day.get(day.weekday())
        if row is None or row.opens_at != 0 or day in shop.closures:
            break
        end += _row_end(row, 0)
    return end


def _row_end(row: HoursLike, minute: int) -> int:
    if row.break_start is not None and row.break_end is not None and minute < row.break_start < row.closes_at:
        return row.break_start
    return row.closes_at


def format_minute(minute: int) -> str:
    """Minutes after midnight as "21:00"; midnight at the end of a day is "24:00", later minutes wrap ("01:00")."""
    if minute > 0 and minute % MINUTES_PER_DAY == 0:
        return "24:00"
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"
