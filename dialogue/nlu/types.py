"""What understanding a message produces: one intent, its confidence, and the entities of ../shared/spec/nlu.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dialogue.nlu.times import TimeAsked

SEARCH_INTENTS: tuple[str, ...] = (
    "food_request",
    "budget_inquiry",
    "location_inquiry",
    "time_inquiry",
    "emergency_food",
    "group_dining",
    "menu_option",
)
"""The intents answered with a list of places and dishes (the recommender)."""
INTENTS: tuple[str, ...] = (
    *SEARCH_INTENTS,
    "coupon_inquiry",
    "balance_inquiry",
    "order_add",
    "cart_view",
    "cart_clear",
    "checkout",
    "preference_update",
    "faq",
    "general_chat",
    "out_of_scope",
)


@dataclass(frozen=True, slots=True)
class Understanding:
    """The reading of one message (in the light of the user's earlier messages, when given).

    ``entities`` holds exactly the spec's entities in their normal forms (budget: int won, food_type: str,
    meal_time, location, companions, party_size: int, taste, dietary_restrictions: list[str], urgency,
    menu_items: list of {"name", "quantity", "options"} for order_add); only what the message states.
    """

    intent: str
    confidence: float
    """How sure the reading is, in [0, 1]: the model's calibrated probability of ``intent`` when the model chose it
    (right about that share of the time on messages it did not see); a fixed level (0.7-0.9) when a rule of the
    spec or the conversation decided it."""
    entities: dict[str, Any] = field(default_factory=dict)
    food_category: str | None = None
    """The catalogue category (storage.categories.CATEGORIES) of food_type, when one fits (떡볶이 -> 분식)."""
    excluded_food: tuple[str, ...] = ()
    """Foods or categories the user rules out ("치킨 말고" -> ("치킨",))."""
    reference: str | None = None
    """"shop" or "item" when the message points back (거기, 그 집, 그거, 아까 그거), else None."""
    wants_other: bool = False
    """The user asks for something else than what was shown ("다른 데", "딴 거")."""
    margin: float = 1.0
    """The model's calibrated probability of its first intent minus that of its second, on the message alone:
    small (below about 0.2) when two intents are close, whatever decided ``intent``."""
    runner_up: str | None = None
    """The intent the model ranks next after the one returned (None when not known)."""
    time: TimeAsked | None = None
    """The day and clock time the message names ("내일 저녁 7시"), as said (``dialogue.nlu.times``); which moment
    that is depends on when it was said (``dialogue.recommend.when``). Not one of the spec's entities."""


class Understander(Protocol):
    def parse(self, text: str, context: Sequence[str] = ()) -> Understanding:
        """Understand ``text``; ``context`` lists the user's earlier messages, oldest first. Pure and fast."""
        ...
