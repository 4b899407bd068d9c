"""What a food wish means on a menu: a category, or a dish of it; never a substring of another dish.

"치킨" is a catalogue category: an item fits at a 치킨 shop, or anywhere when the item itself is a 치킨 dish
(후라이드 치킨 at a 한식 shop). A cuisine (한식, 중식 ...) is the shop's: 볶음밥 at a 중국집 is not 한식. What an item is comes from the end of its name, because Korean compounds put the head
last: 치즈떡볶이 is 떡볶이, 치킨버거 is a 버거 and 치킨 도시락 a 도시락, so neither answers "치킨". A dish wish
("떡볶이") fits an item whose name ends with that dish, whatever the shop.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dialogue.nlu.lexicon import CATEGORY_WORDS, DISHES
from storage.categories import CATEGORIES

CUISINES = frozenset({"한식", "중식", "일식", "양식", "분식"})
"""Categories that say how a shop cooks, not what a dish is: a wish for one is a wish for such a shop."""
_NOISE = re.compile(r"\([^)]*\)|\[[^]]*\]|세트|\s")
# Heads that name their category in many item names the lexicon does not list one by one (데리야끼버거, 고구마피자).
_HEADS = {"버거": "햄버거", "피자": "피자", "김밥": "분식", "떡볶이": "분식", "도시락": "도시락", "국밥": "국밥"}
# Spellings of one dish, so that a wish for one finds menus written with another.
_SAME_DISH: tuple[frozenset[str], ...] = (
    frozenset({"돈까스", "돈가스", "돈카츠", "카츠"}),
    frozenset({"짜장면", "자장면", "짜장"}),
    frozenset({"떡볶이", "떡볶기"}),
)


def dish_name(name: str) -> str:
    """An item name as a dish: spaces, bracketed sizes and "세트" removed ("치즈 떡볶이 세트 (2인)" -> "치즈떡볶이")."""
    return _NOISE.sub("", name)


@lru_cache(maxsize=1)
def _heads() -> tuple[tuple[str, str], ...]:
    """(dish, its category), longest first, so that "치킨버거" is found before "버거" and "치킨"."""
    table = {dish_name(dish): category for category, dishes in DISHES.items() for dish in dishes}
    table.update(_HEADS)
    return tuple(sorted(table.items(), key=lambda pair: -len(pair[0])))


def category_of_word(word: str) -> str | None:
    """The catalogue category a wish names ("치킨", "디저트" -> 카페/디저트, "중국집" -> 중식), or None for a dish."""
    word = word.strip()
    if word in CATEGORIES:
        return word
    return CATEGORY_WORDS.get(dish_name(word))


@lru_cache(maxsize=4096)
def item_category(name: str) -> str | None:
    """The category of the dish an item is, by the end of its name; None when no known dish ends it."""
    dish = dish_name(name)
    for head, category in _heads():
        if dish.endswith(head):
            return category
    return None


def _spellings(word: str) -> frozenset[str]:
    dish = dish_name(word)
    for same in _SAME_DISH:
        if dish in same:
            return same
    return frozenset({dish})


def is_wanted(words: tuple[str, ...], item_name: str, shop_category: str) -> bool:
    """Whether an item of a shop answers any of the wished foods (no wish: every item does)."""
    if not words:
        return True
    dish = dish_name(item_name)
    for word in words:
        category = category_of_word(word)
        if category is not None:
            if shop_category == category:
                return True
            if category not in CUISINES and item_category(item_name) == category:
                return True
        elif any(dish.endswith(spelling) for spelling in _spellings(word) if spelling):
            return True
    return False
