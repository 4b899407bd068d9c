"""kkini's own labelled examples for the intent model, written for this project (one message per line).

They are written the way card holders, shop staff and sellers type: banmal and polite forms, slang (ㄱㄱ, 땡긴다),
typos and missing spaces. ``examples()`` gives them all; ``split(holdout_every)`` keeps every n-th example of each
intent aside to measure how the model does on sentences it was not trained on.
"""

from __future__ import annotations

from dialogue.nlu.training import (
    everyday_more,
    everyday_search,
    everyday_service,
    everyday_talk,
    ordering,
    preferences,
    search,
    situations,
    talk,
)

_BLOCKS: dict[str, tuple[str, ...]] = {
    "food_request": (search.FOOD_REQUEST, everyday_search.FOOD_REQUEST, everyday_more.FOOD_REQUEST),
    "budget_inquiry": (search.BUDGET_INQUIRY, everyday_search.BUDGET_INQUIRY, everyday_more.BUDGET_INQUIRY),
    "location_inquiry": (search.LOCATION_INQUIRY, everyday_search.LOCATION_INQUIRY, everyday_more.LOCATION_INQUIRY),
    "time_inquiry": (situations.TIME_INQUIRY, everyday_search.TIME_INQUIRY, everyday_more.TIME_INQUIRY),
    "emergency_food": (situations.EMERGENCY_FOOD, everyday_search.EMERGENCY_FOOD, everyday_more.EMERGENCY_FOOD),
    "group_dining": (situations.GROUP_DINING, everyday_search.GROUP_DINING, everyday_more.GROUP_DINING),
    "menu_option": (preferences.MENU_OPTION, everyday_service.MENU_OPTION, everyday_more.MENU_OPTION),
    "preference_update": (
        preferences.PREFERENCE_UPDATE,
        everyday_service.PREFERENCE_UPDATE,
        everyday_more.PREFERENCE_UPDATE,
    ),
    "coupon_inquiry": (preferences.COUPON_INQUIRY, everyday_service.COUPON_INQUIRY, everyday_more.COUPON_INQUIRY),
    "balance_inquiry": (preferences.BALANCE_INQUIRY, everyday_service.BALANCE_INQUIRY, everyday_more.BALANCE_INQUIRY),
    "order_add": (ordering.ORDER_ADD, everyday_service.ORDER_ADD, everyday_more.ORDER_ADD),
    "cart_view": (ordering.CART_VIEW, everyday_service.CART_VIEW, everyday_more.CART_VIEW),
    "cart_clear": (ordering.CART_CLEAR, everyday_service.CART_CLEAR, everyday_more.CART_CLEAR),
    "checkout": (ordering.CHECKOUT, everyday_service.CHECKOUT, everyday_more.CHECKOUT),
    "faq": (talk.FAQ, everyday_talk.FAQ, everyday_more.FAQ),
    "general_chat": (talk.GENERAL_CHAT, everyday_talk.GENERAL_CHAT, everyday_more.GENERAL_CHAT),
    "out_of_scope": (talk.OUT_OF_SCOPE, everyday_talk.OUT_OF_SCOPE, everyday_more.OUT_OF_SCOPE),
}


def examples() -> list[tuple[str, str]]:
    """Every (text, intent) pair, in a fixed order."""
    pairs: list[tuple[str, str]] = []
    for intent, blocks in _BLOCKS.items():
        for block in blocks:
            pairs.extend((line.strip(), intent) for line in block.splitlines() if line.strip())
    return pairs


def split(holdout_every: int = 5) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, held_out): every ``holdout_every``-th example of each intent is held out."""
    train: list[tuple[str, str]] = []
    held: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for text, intent in examples():
        seen[intent] = seen.get(intent, 0) + 1
        (held if seen[intent] % holdout_every == 0 else train).append((text, intent))
    return train, held
