"""Ranking: how well a shop and its best item suit the child, and a diverse top list (maximal marginal relevance).

Scores are sums of small, bounded terms, so no single signal runs away: what the child asked for weighs most
(up to 0.5), then the budget fit and a real meal rather than a drink, closeness, popularity, what they chose
before, coupons and the 선한영향력가게 mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dialogue.recommend.candidates import Candidate, Offer
from dialogue.recommend.foods import category_of_word, is_wanted, item_category
from dialogue.recommend.rules import DESSERT_MEALS

WALK_M_PER_MIN = 67.0
"""About 4 km/h, a child's walking pace."""
MMR_LAMBDA = 0.7
FAST_CATEGORIES = frozenset({"분식", "편의점", "김밥", "도시락", "햄버거", "제과점"})
KIND_WEIGHT = {"main": 1.0, "set": 1.0, "side": 0.45, "dessert": 0.35, "drink": 0.15, "topping": 0.05}
_GROUPS = {
    "분식": "quick",
    "편의점": "quick",
    "도시락": "quick",
    "김밥": "quick",
    "한식": "korean",
    "국밥": "korean",
    "중식": "chinese",
    "일식": "japanese",
    "양식": "western",
    "피자": "western",
    "햄버거": "western",
    "치킨": "western",
    "카페/디저트": "sweet",
    "제과점": "sweet",
}
_DISHES = ("김밥", "떡볶이", "라면", "버거", "도시락", "치킨", "피자", "국밥", "돈까스", "파스타", "샌드위치", "짜장",
           "짬뽕", "덮밥", "볶음밥", "우동", "빵", "찌개", "백반", "초밥")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Taste:
    """The soft side of a query: what the child wants and likes, and what helps choose among fitting shops."""

    wanted: tuple[str, ...] = ()
    likes: frozenset[str] = frozenset()
    dislikes: frozenset[str] = frozenset()
    """Menu tags the child would rather avoid (stored preferences; the query's dietary ones are hard rules)."""
    spicy: bool | None = None
    """True for a wish for something spicy, False for mild, None for no word on it."""
    urgent: bool = False
    cap: int | None = None
    budget_said: bool = False
    """The child named a budget: only then is an item "예산 안" (the card's money is not their budget)."""
    radius_m: float = 1200.0
    shop_visits: Mapping[int, int] = field(default_factory=dict)
    category_visits: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    offer: Offer
    score: float
    wanted: str | None = None
    """The wanted word this item matches."""
    liked: bool = False
    dishes: frozenset[str] = frozenset()
    """The dish words in the item's name, for similarity."""


def budget_fit(price: int, cap: int | None) -> float:
    """1.0 at 85% of the cap (a good meal that leaves a little), falling off towards nothing and towards all."""
    if cap is None or cap <= 0:
        return 0.5
    ratio = price / cap
    if ratio <= 0.85:
        return ratio / 0.85
    return max(0.0, 1.0 - (ratio - 0.85) * 1.5)


def walk_minutes(distance_m: float) -> int:
    return max(1, round(distance_m / WALK_M_PER_MIN))


def wanted_match(offer: Offer, category: str, wanted: tuple[str, ...]) -> tuple[str | None, float]:
    """(the matched word, its bonus): an item that is the dish wished for (or a dish of the category wished for)
    beats any item of a shop of that category; a dessert answers a wish for dessert best of all."""
    item = offer.item
    for word in wanted:
        wish = category_of_word(word) if word else None
        if word and wish is None and is_wanted((word,), item.name, ""):
            return word, 0.5
        if wish in DESSERT_MEALS and item.kind == "dessert":
            return word, 0.6
        if wish is not None and item_category(item.name) == wish:
            return word, 0.5
    for word in wanted:
        if word == category or category_of_word(word) == category:
            return word, 0.4
    return None, 0.0


def item_value(offer: Offer, category: str, taste: Taste) -> tuple[float, str | None]:
    word, value = wanted_match(offer, category, taste.wanted)
    value += 0.25 * budget_fit(offer.item.price, taste.cap)
    value += 0.15 * KIND_WEIGHT.get(offer.item.kind, 0.5)
    value += 0.08 * min(offer.discount / 2000, 1.0)
    if taste.dislikes and not taste.dislikes.isdisjoint(offer.item.tags):
        value -= 0.25
    if taste.spicy is not None:
        is_spicy = "spicy" in offer.item.tags
        value += 0.05 if is_spicy == taste.spicy else -0.05
    return value, word


def shop_value(candidate: Candidate, taste: Taste) -> float:
    shop, window = candidate.shop, candidate.window
    value = 0.12 * min(max(shop.popularity, 0.0), 100.0) / 100
    value += 0.05 if shop.good_influence else 0.0
    value += 0.15 if shop.category in taste.likes else 0.0
    if candidate.distance_m is not None and taste.radius_m > 0:
        nearness = max(0.0, 1.0 - candidate.distance_m / taste.radius_m)
        value += (0.3 if taste.urgent else 0.12) * nearness
    if taste.urgent:
        value += 0.1 if shop.category in FAST_CATEGORIES else 0.0
        left = 120 if window.minutes_left is None else window.minutes_left
        value += 0.05 * min(left / 120, 1.0)
    if window.minutes_left is not None:
        walk = walk_minutes(candidate.distance_m) if candidate.distance_m is not None else 10
        if window.minutes_left < walk + 10:
            value -= 0.3  # may well be closed (or on a break) when the child gets there
    visits = taste.shop_visits.get(shop.id, 0)
    value += 0.08 * min(visits, 3) / 3
    value += 0.05 * min(taste.category_visits.get(shop.category, 0), 3) / 3
    return value


def score(candidate: Candidate, taste: Taste) -> Scored:
    """The shop's best item for this child and the combined score."""
    category = candidate.shop.category
    best_offer, best_value, best_word = candidate.offers[0], float("-inf"), None
    for offer in candidate.offers:
        value, word = item_value(offer, category, taste)
        if value > best_value:
            best_offer, best_value, best_word = offer, value, word
    total = best_value + shop_value(candidate, taste)
    dishes = frozenset(dish for dish in _DISHES if dish in best_offer.item.name)
    return Scored(candidate, best_offer, round(total, 4), best_word, category in taste.likes, dishes)


def similarity(a: Scored, b: Scored) -> float:
    """1 for the same category, 0.3 for a related one; a shared dish ("김밥" and "참치김밥") adds 0.4."""
    first, second = a.candidate.shop.category, b.candidate.shop.category
    value = 1.0 if first == second else 0.3 if _GROUPS.get(first, first) == _GROUPS.get(second, second) else 0.0
    if a.dishes and not a.dishes.isdisjoint(b.dishes):
        value += 0.4
    return min(value, 1.0)


def diversify(scored: list[Scored], limit: int, lam: float = MMR_LAMBDA) -> list[Scored]:
    """Pick ``limit`` items greedily by lam * score - (1 - lam) * (similarity to the closest one already picked).

    Each entry's closest similarity is updated once per pick, so a pick costs one pass over the pool.
    """
    pool = sorted(scored, key=lambda s: (-s.score, s.candidate.shop.id))[: max(limit * 8, 40)]
    closest = [0.0] * len(pool)
    chosen: list[Scored] = []
    while pool and len(chosen) < limit:
        best_index = max(range(len(pool)), key=lambda i: (lam * pool[i].score - (1 - lam) * closest[i], -i))
        picked = pool.pop(best_index)
        closest.pop(best_index)
        chosen.append(picked)
        closest = [max(value, similarity(entry, picked)) for value, entry in zip(closest, pool, strict=True)]
    return chosen
