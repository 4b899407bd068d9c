"""From a conversation to a recommendation query: the slots gathered (budget, food, place, meal time ...), the
user's stored preferences and card, and the place they mean; shared by the handler and the model's ``recommend``
tool, which both answer with ``dialogue.recommend.replies``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from dialogue.places import PlaceDirectory, Spot, is_nearby_word, is_school_word
from dialogue.recommend.types import RecommendationQuery, RecommendationResult
from dialogue.recommend.when import from_slot, moment
from dialogue.turn import TurnContext

MAX_PLACE_CHOICES = 3


class Recommends(Protocol):
    async def recommend(self, query: RecommendationQuery) -> RecommendationResult: ...


@dataclass(frozen=True, slots=True)
class Found:
    query: RecommendationQuery
    result: RecommendationResult
    where: str | None
    """The named place searched near, when there was one."""
    choices: tuple[str, ...] = ()
    """Landmarks to ask "어디 근처야?" with: no place is known and what fits lies in several areas."""


class MealSearch:
    """The recommender asked for what the conversation has gathered."""

    def __init__(self, recommender: Recommends, places: PlaceDirectory) -> None:
        self.recommender = recommender
        self.places = places

    async def find(
        self, ctx: TurnContext, *, cheaper_than: int | None = None, pricier_than: int | None = None
    ) -> Found:
        """Recommendations for the session's slots; the prices shown are kept for "더 싼 거" next turn.

        ``cheaper_than`` bounds this search only ("더 싼 거"): it is not a budget, and no slot keeps it; nor does
        ``pricier_than`` ("더 비싼 거", above the budget said or the dearest shown). When no place
        is known and what fits lies in several areas, ``choices`` names a landmark of each, to ask where first.
        """
        query, where = self.query_for(ctx)
        if cheaper_than is not None:
            query = replace(query, price_below=cheaper_than)
        if pricier_than is not None:
            query = replace(query, price_above=pricier_than)
        result = await self.recommender.recommend(query)
        choices: tuple[str, ...] = ()
        if where is None and query.latitude is None and len(result.areas) > 1:
            named = (self.places.landmark(area) for area in result.areas[:MAX_PLACE_CHOICES])
            choices = tuple(name for name in named if name)
        if len(choices) > 1:
            return Found(query, result, where, choices)
        ctx.session.last_prices = [item.price for item in result.items]
        return Found(query, result, where)

    def query_for(self, ctx: TurnContext) -> tuple[RecommendationQuery, str | None]:
        slots = ctx.session.slots
        preferences: dict[str, Any] = ctx.user.preferences
        card = ctx.card
        pay_by_card = (card is None or card.active) and slots.get("pay") != "cash"
        spot, area = self._where(slots.get("location"), preferences, ctx)
        dietary = [*slots.get("dietary", []), *preferences.get("dietary", [])]
        dietary += [f"allergy:{food}" for food in preferences.get("allergies", [])]
        food = slots.get("food")
        exclude = tuple(ctx.session.last_shops) if ctx.understanding.wants_other else ()
        when = moment(ctx.now, from_slot(slots.get("time")), slots.get("meal_time"))
        query = RecommendationQuery(
            at=when.at,
            later=when.later,
            all_day=when.all_day,
            user_id=ctx.user.id,
            budget=slots.get("budget"),
            balance=card.balance if card is not None and pay_by_card else None,
            daily_remaining=card.daily_remaining if card is not None and pay_by_card else None,
            meal_amount=card.meal_amount if card is not None and pay_by_card and card.meal_amount else None,
            pay_by_card=pay_by_card,
            latitude=spot.latitude if spot else None,
            longitude=spot.longitude if spot else None,
            area=None if spot else area,
            food=(str(food),) if food else (),
            excluded_food=tuple(slots.get("excluded_food", [])),
            dietary=tuple(dict.fromkeys(dietary)),
            taste=slots.get("taste"),
            party_size=slots.get("party_size"),
            urgent=slots.get("urgency") == "high",
            exclude_shop_ids=exclude,
            limit=3 if slots.get("urgency") == "high" else 5,
        )
        return query, spot.name if spot else None

    def _where(self, said: str | None, preferences: dict[str, Any], ctx: TurnContext) -> tuple[Spot | None, str | None]:
        """The point the user means, or else the area to search."""
        home_area = preferences.get("home_area")
        if home_area is None and ctx.card is not None:
            home_area = ctx.card.region
        if said:
            if is_school_word(said) and preferences.get("school"):
                said = str(preferences["school"])
            elif is_nearby_word(said):
                remembered = ctx.session.slots.get("spot")
                said = str(remembered) if remembered else None
            spot = self.places.find(said) if said else None
            if spot is not None:
                ctx.session.slots["spot"] = spot.name
                return spot, spot.area
        return None, home_area
