"""When nothing (or little) fits: why, in one Korean sentence, and what would work instead.

Every suggestion is computed by relaxing one rule and running the same screening again, so it is true in the data:
a little more money, a shop that opens soon, a wider radius, cash instead of the card, another category.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from dialogue.korean import particle, won
from dialogue.recommend.candidates import RULES, Constraints, Screening, screen
from dialogue.recommend.catalogue import CatalogueItem, CatalogueSnapshot
from dialogue.recommend.reasons import distance_text
from dialogue.recommend.rules import MEAL_KINDS
from dialogue.recommend.types import Opening
from dialogue.recommend.when import day_words
from storage.hours import local_time

MAX_ALTERNATIVES = 3
LATER_WITHIN = timedelta(hours=18)
WIDER_MAX_M = 3000.0


def empty_reason(screening: Screening, constraints: Constraints) -> str:
    """Why nothing fits: the first rule after which no shop was left."""
    near = f"근처 {distance_text(constraints.radius_m)} 안에 " if constraints.has_point else ""
    when = "그때" if constraints.later else "지금"
    left = screening.pool
    blocking = RULES[-1]
    for rule in RULES:
        left -= screening.removed[rule]
        if left <= 0:
            blocking = rule
            break
    if blocking == "reach":
        return f"{near}가게가 없어요" if near else "이 지역에서 찾을 수 있는 가게가 없어요"
    if blocking == "excluded":
        return "보여 드린 곳 말고는 근처에 다른 가게가 없어요"
    if screening.removed["excluded"]:
        # "다른 데" after a list: what was shown was all that fitted.
        return f"보여 드린 곳 말고는 {near}조건에 맞는 곳이 없어요"
    if blocking == "card":
        return f"{near}급식카드를 받는 가게가 없어요"
    if blocking == "closed":
        if constraints.all_day:
            return f"{near}24시간 여는 가게가 없어요"
        return f"{near}{when} 영업 중인 가게가 없어요"
    if blocking == "menu":
        return f"{near}{when} 주문할 수 있는 메뉴가 없어요"
    if blocking == "food":
        return f"{near}못 먹는 음식을 빼고 나니 맞는 메뉴가 없어요"
    if blocking == "wish" and constraints.menu.wanted:
        return f"{near}{when} {particle(constraints.menu.wanted[0], '을', '를')} 파는 곳이 없어요"
    if constraints.cap is not None:
        food = f"{constraints.menu.wanted[0]} " if constraints.menu.wanted else ""
        return f"{near}{when} 영업 중인 {food}가게 중 {won(constraints.cap)} 이하 메뉴가 없어요"
    return f"{near}조건에 맞는 곳이 없어요"


def exhausted_reason(kind: str) -> str:
    if kind == "balance":
        return "잔액이 0원이라 카드로 결제할 수 있는 곳이 없어요"
    return "오늘 쓸 수 있는 한도를 다 써서 카드로 결제할 수 있는 곳이 없어요"


def suggest(
    snapshot: CatalogueSnapshot,
    constraints: Constraints,
    screening: Screening,
    shown: set[int],
    *,
    budget: int | None,
    card_blocked: bool = False,
    no_meal: bool = False,
    meal_amount: int | None = None,
    opening_said: bool = False,
    more_money_said: bool = False,
) -> list[str]:
    """Up to three true suggestions; ``screening`` must have been run with ``keep_rejects``.

    ``opening_said``: the reply already says when the first shop opens (``first_opening``), so it is not repeated.
    ``more_money_said``: a higher budget is already suggested ("7천원이면 1곳 더 있어요"), so no item is named for it.

    ``no_meal``: something fits, but only drinks and sides, so the cheapest real meal is worth naming.
    ``meal_amount``: what the card pays for one meal; "a little more money" never names an item above it.
    """
    found: list[str] = []
    if not card_blocked:
        if not more_money_said or no_meal:
            found.extend(_more_money(screening, constraints, no_meal=no_meal, meal_amount=meal_amount))
        if not opening_said:
            found.extend(_opens_later(screening, constraints, meals_only=no_meal))
        found.extend(_wider(snapshot, constraints, shown, meals_only=no_meal))
    if constraints.pay_by_card and (card_blocked or screening.removed["card"]):
        found.extend(_cash(snapshot, constraints, shown, budget))
    return found[:MAX_ALTERNATIVES]


def first_opening(screening: Screening, constraints: Constraints, wanted: tuple[str, ...]) -> Opening | None:
    """The shop closed at ``constraints.at`` that sells the food wished for (``wanted``; ``MenuRules.wants``),
    payable and allowed, and opens first, within ``LATER_WITHIN``; ``screening`` must have kept its rejects."""
    if not any(word for word in wanted):
        return None
    options = _openings(screening, constraints, meals_only=False)
    if not options:
        return None
    opens_at, _, shop_name, item_name, price, _ = min(options)
    return Opening(opens_at, shop_name, item_name, price)


def _openings(
    screening: Screening, constraints: Constraints, *, meals_only: bool
) -> list[tuple[datetime, float, str, str, int, bool]]:
    """(opens at, metres, shop, example item, its price, after a break) for every shop closed at
    ``constraints.at`` that opens within ``LATER_WITHIN`` with an item the rules allow within the cap."""
    at, menu, cap = constraints.at, constraints.menu, constraints.cap
    options: list[tuple[datetime, float, str, str, int, bool]] = []
    for shop, metres in screening.closed:
        state = shop.state_at(at)
        if state.opens_at is None or state.opens_at - at > LATER_WITHIN or not shop.hours_known:
            continue
        example = _example(
            item
            for item in shop.items
            if menu.offerable(item, shop)
            and menu.allows(item, shop)
            and menu.wants(item, shop)
            and (cap is None or item.price <= cap)
            and (item.kind in MEAL_KINDS or not meals_only)
        )
        if example is not None:
            after_break = state.reason == "break"
            options.append((state.opens_at, metres or 0.0, shop.name, example.name, example.price, after_break))
    return options


def _more_money(
    screening: Screening, constraints: Constraints, *, no_meal: bool, meal_amount: int | None = None
) -> list[str]:
    """The cheapest meal just over the cap at a shop that passes every other rule (any item, if no meal), never
    above the card's meal amount."""
    cap, menu = constraints.cap, constraints.menu
    if cap is None:
        return []
    shops = [(shop, metres) for shop, metres, _ in screening.over_price]
    if no_meal:
        shops.extend((candidate.shop, candidate.distance_m) for candidate in screening.candidates)
    meals: list[tuple[int, float, str, str]] = []
    others: list[tuple[int, float, str, str]] = []
    for shop, metres in shops:
        for item in shop.items:
            if not (menu.offerable(item, shop) and menu.allows(item, shop) and menu.wants(item, shop)):
                continue
            final = item.price  # as charged: a coupon is not taken off before the comparison
            if final > cap and not (meal_amount and final > meal_amount):
                option = (final, metres or 0.0, shop.name, item.name)
                (meals if item.kind in MEAL_KINDS else others).append(option)
    if not meals and (no_meal or not others):
        return []
    final, _, shop_name, item_name = min(meals or others)
    prefix = "식사 메뉴는 " if no_meal else ""
    return [f"{prefix}{won(final - cap)} 더 있으면 {shop_name} {item_name} ({won(final)})"]


def _example(items: Iterable[CatalogueItem]) -> CatalogueItem | None:
    """The cheapest meal among ``items``, else the cheapest item: what a suggestion names."""
    ordered = sorted(items, key=lambda item: (item.kind not in MEAL_KINDS, item.price, item.id))
    return ordered[0] if ordered else None


def _opens_later(screening: Screening, constraints: Constraints, *, meals_only: bool) -> list[str]:
    at = constraints.at
    options = _openings(screening, constraints, meals_only=meals_only)
    if not options:
        return []
    opens_at, _, shop_name, item_name, price, after_break = min(options)
    local = local_time(opens_at)
    day = day_words(local.date(), local_time(at).date())
    verb = "다시 여는" if after_break else "여는"
    return [f"{day}{local:%H:%M}에 {verb} {shop_name} ({item_name} {won(price)})"]


def _wider(snapshot: CatalogueSnapshot, constraints: Constraints, shown: set[int], *, meals_only: bool) -> list[str]:
    if not constraints.has_point or constraints.radius_m >= WIDER_MAX_M:
        return []
    for factor in (2.0, 3.0):
        radius = min(constraints.radius_m * factor, WIDER_MAX_M)
        wider = screen(snapshot, replace(constraints, radius_m=radius))
        extra = [
            c
            for c in wider.candidates
            if c.shop.id not in shown
            and (c.distance_m or 0.0) > constraints.radius_m
            and (not meals_only or any(offer.item.kind in MEAL_KINDS for offer in c.offers))
        ]
        if extra:
            what = "식사할 수 있는 곳이" if meals_only else "맞는 곳이"
            return [f"조금 더 멀리 ({distance_text(radius)}) 보면 {what} {len(extra)}곳 더 있어요"]
        if radius >= WIDER_MAX_M:
            break
    return []


def _cash(snapshot: CatalogueSnapshot, constraints: Constraints, shown: set[int], budget: int | None) -> list[str]:
    cash_menu = replace(constraints.menu, pay_by_card=False)
    wallet = tuple(entry for entry in constraints.wallet if entry.coupon.scope != "FOODCARD")
    cash = screen(snapshot, replace(constraints, pay_by_card=False, cap=budget, menu=cash_menu, wallet=wallet))
    extra = [c for c in cash.candidates if c.shop.id not in shown]
    if not extra:
        return []
    final, shop_name, item_name = min(
        (offer.item.kind not in MEAL_KINDS, offer.final_price, c.shop.name, offer.item.name)
        for c in extra
        for offer in c.offers
    )[1:]
    return [f"카드 대신 현금이면 {shop_name} {item_name} ({won(final)}) 등 {len(extra)}곳이 있어요"]
