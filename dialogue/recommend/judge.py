"""Judging one reply of a scripted conversation: what it lists against what the child asked, the catalogue and
the card, rule by rule. Used by ``dialogue.recommend.evaluate``; pure, so each rule is testable on its own.

The judge reads the reply as the child sees it (text, cards, buttons) and looks each card's shop and item up in the
catalogue; it never asks the recommender why. The meaning of a food is the scripted conversation's: the categories
and dish words its author listed, not the recommender's lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from dialogue.account import CardView
from dialogue.card_help import CardTrouble, card_trouble
from dialogue.messages import Button, Card
from dialogue.recommend.catalogue import CatalogueItem, CatalogueShop, CatalogueSnapshot
from dialogue.recommend.types import WALKING_RADIUS_M
from storage.geo import distance_m
from storage.models import CARD_PAYABLE

RULES = (
    "off_request",
    "over_budget",
    "over_meal_amount",
    "over_card_money",
    "closed",
    "card_not_accepted",
    "far_from_place",
    "unknown_item",
    "price_not_charged",
    "mixed_areas",
    "invented_budget",
    "wrong_count",
    "time_words",
    "missed_ask_place",
    "missed_list",
    "missed_ask_which",
    "card_unexplained",
)
"""Every rule counted; all must be 0. Item rules count listed items, the others count replies."""
ITEM_RULES = RULES[:9]

_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)원")
_HEADER_BUDGET = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)원(?:으로|이하|안에서|안으로)")
_COUNT = re.compile(r"(\d+)\s?(곳|개|장)(?!\s?더)(?:[이가은는을를의]|\s|$|[.,)])")
_SUFFIXES = re.compile(r"\([^)]*\)|세트|\s")
_FACT_LABELS = ("쓸 수 있는 돈", "한 끼", "한도", "잔액")
"""Words that name an amount as the card's fact (today's money, the meal amount, limit, balance), not a budget."""
_PLACE_QUESTION = ("어디 근처", "어디야", "어디에 있", "어디 쪽")
_WHICH = "어느 가게"
"""How "거기" with several shops shown is asked about."""


@dataclass(frozen=True, slots=True)
class Wanted:
    """What the child has asked for so far in the conversation, as its author meant it."""

    at: datetime
    """The moment the food is for (now, or the time the child named)."""
    food_categories: tuple[str, ...] = ()
    food_dishes: tuple[str, ...] = ()
    budget: int | None = None
    not_categories: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    near: tuple[float, float] | None = None
    """The landmark's point, when the child named one."""
    now: bool = True
    """Whether ``at`` is the moment of the message (else a later time was asked)."""
    expect: str = "list"

    @property
    def has_food(self) -> bool:
        return bool(self.food_categories or self.food_dishes)


@dataclass(frozen=True, slots=True)
class Seen:
    """A reply as the child sees it."""

    text: str
    cards: tuple[Card, ...] = ()
    buttons: tuple[Button, ...] = ()


@dataclass(slots=True)
class Verdict:
    """The rules one reply broke (rule -> how many times) and notes for a reader."""

    broken: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    listed: int | None = None
    """How many items the reply listed, or None when it showed no list."""

    def add(self, rule: str, note: str) -> None:
        self.broken[rule] = self.broken.get(rule, 0) + 1
        self.notes.append(f"{rule}: {note}")


def judge(seen: Seen, wanted: Wanted, snapshot: CatalogueSnapshot, card: CardView | None) -> Verdict:
    verdict = Verdict()
    listed = [card for card in seen.cards if str(card.ref or "").startswith("shop:")]
    if listed:
        verdict.listed = len(listed)
    pays_by_card = (card is None or card.active) and wanted.expect != "cash"
    for shown in listed:
        _judge_item(shown, wanted, snapshot, card if pays_by_card else None, verdict)
    areas = {shop.area for shown in listed if (shop := _shop(shown, snapshot)) is not None}
    if len(areas) > 1:
        verdict.add("mixed_areas", f"one list spans {sorted(areas)}")
    _judge_numbers(seen, wanted, len(listed), verdict)
    if wanted.expect == "ask_place" and not _asks_place(seen):
        verdict.add("missed_ask_place", seen.text.splitlines()[0][:60])
    if wanted.expect == "ask_which" and not (_WHICH in seen.text and len(seen.buttons) >= 2):
        verdict.add("missed_ask_which", seen.text.splitlines()[0][:60])
    if wanted.expect == "list" and not listed and not _asks_place(seen):
        verdict.add("missed_list", seen.text.splitlines()[0][:60])
    trouble = card_trouble(card)
    if trouble is not None and wanted.expect != "cash" and not _explains(seen.text, trouble):
        verdict.add("card_unexplained", f"{trouble.kind}: {seen.text.splitlines()[0][:60]}")
    return verdict


def _explains(text: str, trouble: CardTrouble) -> bool:
    """Whether a reply to a child whose card cannot pay says why and what comes next (when it changes or what to
    do), before anything else is offered."""
    said_why = trouble.reason in text or trouble.because in text
    next_step = bool(trouble.changes and trouble.changes in text) or bool(trouble.todo and trouble.todo in text)
    return said_why and next_step


def _judge_item(
    shown: Card, wanted: Wanted, snapshot: CatalogueSnapshot, card: CardView | None, verdict: Verdict
) -> None:
    shop = _shop(shown, snapshot)
    name = _item_name(shown)
    item = _item(shop, name) if shop is not None else None
    if shop is None or item is None:
        verdict.add("unknown_item", f"{shown.title} {name}")
        return
    label = f"{shop.name} {item.name} ({shop.category})"
    price = shown.price if shown.price is not None else item.price
    if wanted.has_food and not _is_food(item, shop, wanted):
        verdict.add("off_request", label)
    if shop.category in wanted.not_categories or set(wanted.not_tags) & item.tags:
        verdict.add("off_request", f"{label} ruled out")
    if price != item.price:
        verdict.add("price_not_charged", f"{label} shown {price}, charged {item.price}")
    charged = item.price
    if wanted.budget is not None and charged > wanted.budget:
        verdict.add("over_budget", f"{label} {charged} > {wanted.budget}")
    if card is not None:
        if card.meal_amount and charged > card.meal_amount:
            verdict.add("over_meal_amount", f"{label} {charged} > {card.meal_amount}")
        if charged > card.spendable_today:
            verdict.add("over_card_money", f"{label} {charged} > {card.spendable_today}")
        if shop.card_acceptance not in CARD_PAYABLE:
            verdict.add("card_not_accepted", label)
    if not shop.state_at(wanted.at).is_open:
        verdict.add("closed", f"{label} at {wanted.at:%H:%M}")
    if wanted.near is not None and shop.latitude is not None and shop.longitude is not None:
        metres = distance_m(wanted.near[0], wanted.near[1], shop.latitude, shop.longitude)
        if metres > WALKING_RADIUS_M:
            verdict.add("far_from_place", f"{label} {metres:.0f} m")


def _judge_numbers(seen: Seen, wanted: Wanted, listed: int, verdict: Verdict) -> None:
    """Budgets and counts in the words: only what the child said, and counts of what is there."""
    text = seen.text
    lines = text.splitlines()
    head = lines[0] if lines else ""
    if wanted.budget is None and "예산" in text:
        verdict.add("invented_budget", f"'예산' with no budget said: {head[:60]}")
    else:
        for match in _HEADER_BUDGET.finditer(head):
            amount = int(match.group(1).replace(",", ""))
            before = head[: match.start()]
            labelled = any(label in before[-20:] for label in _FACT_LABELS)
            if amount != wanted.budget and not labelled:
                verdict.add("invented_budget", f"{match.group(0)} in {head[:60]!r}")
    bullets = sum(1 for line in lines if line.startswith("• "))
    numbered = sum(1 for line in lines if re.match(r"\d+\. ", line))
    for match in _COUNT.finditer(head):
        count, unit = int(match.group(1)), match.group(2)
        there = bullets if unit == "장" else listed or numbered
        if unit in ("곳", "장") and count != there:
            verdict.add("wrong_count", f"says {match.group(0).strip()}, shows {there}")
    if not wanted.now and listed and "지금 영업 중" in text:
        verdict.add("time_words", "a list for a later time says 지금 영업 중")


def _asks_place(seen: Seen) -> bool:
    return any(word in seen.text for word in _PLACE_QUESTION) and len(seen.buttons) >= 2


def _shop(shown: Card, snapshot: CatalogueSnapshot) -> CatalogueShop | None:
    ref = str(shown.ref or "")
    try:
        return snapshot.shops.get(int(ref.split(":", 1)[1]))
    except (IndexError, ValueError):
        return None


def _item_name(shown: Card) -> str:
    """The item a card names: the first line of its description, less the price at its end."""
    first = (shown.description or "").split("\n", 1)[0]
    return _AMOUNT.sub("", first).strip()


def _item(shop: CatalogueShop, name: str) -> CatalogueItem | None:
    matches = [item for item in shop.items if item.name == name]
    return matches[0] if matches else None


def normal_dish(name: str) -> str:
    """An item name as a dish: spaces, sizes in brackets and "세트" removed ("치즈 떡볶이 세트" -> "치즈떡볶이")."""
    return _SUFFIXES.sub("", name)


def _is_food(item: CatalogueItem, shop: CatalogueShop, wanted: Wanted) -> bool:
    """A shop of a wanted category, or an item that is a wanted dish: its name ends with the dish (Korean compounds
    put the head last: 치즈떡볶이 is 떡볶이, 치킨버거 is not 치킨)."""
    if shop.category in wanted.food_categories:
        return True
    dish = normal_dish(item.name)
    return any(dish.endswith(normal_dish(word)) for word in wanted.food_dishes)
