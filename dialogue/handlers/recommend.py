"""Recommendations: turn the conversation's slots into a query, ask the recommender, say what fits and why."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from dialogue.handlers.shop_hours import hours_reply, named_shop
from dialogue.korean import particle, won
from dialogue.messages import Button, Card
from dialogue.places import PlaceDirectory, Spot, is_nearby_word, is_school_word
from dialogue.recommend.catalogue import Catalogue, CatalogueShop
from dialogue.recommend.types import Recommendation, RecommendationQuery, RecommendationResult
from dialogue.turn import Reply, TurnContext
from storage.hours import SEOUL, local_time

# When a meal time is named, recommend for this local time (the next one to come).
MEAL_TIMES = {"breakfast": (8, 0), "lunch": (12, 30), "dinner": (18, 30), "late_night": (22, 30)}
MEAL_WORDS = {"breakfast": "아침", "lunch": "점심", "dinner": "저녁", "late_night": "야식"}
_CHEAPER = re.compile(r"더\s?싼|더\s?저렴|싼\s?(?:거|걸|데|곳)|저렴한")
FOLLOW_UPS = (
    Button("다른 데 보여줘", "다른 데 보여줘"),
    Button("더 싼 거", "더 싼 거 없어?"),
    Button("잔액 확인", "카드 잔액 얼마야?"),
)


class Recommends(Protocol):
    async def recommend(self, query: RecommendationQuery) -> RecommendationResult: ...


class RecommendHandler:
    """Serves food, budget, place, open-now, urgent, group and option requests with the same recommender."""

    def __init__(self, recommender: Recommends, places: PlaceDirectory, catalogue: Catalogue) -> None:
        self.recommender = recommender
        self.places = places
        self.catalogue = catalogue

    async def handle(self, ctx: TurnContext) -> Reply:
        if ctx.understanding.intent == "time_inquiry":
            shop = await self._shop_asked_about(ctx)
            if shop is not None:
                return hours_reply(shop, ctx)
        if _CHEAPER.search(ctx.text) and ctx.session.slots.get("last_prices"):
            # "더 싼 거": cheaper than the cheapest just shown, elsewhere.
            ctx.session.slots["budget"] = max(0, (min(ctx.session.slots["last_prices"]) - 1) // 100 * 100)
            ctx.understanding = replace(ctx.understanding, wants_other=True)
        query, where = self.query_for(ctx)
        result = await self.recommender.recommend(query)
        ctx.session.slots["last_prices"] = [item.final_price for item in result.items]
        food = ctx.session.slots.get("food")
        notice = _food_notice(result.items, str(food), ctx.session.slots.get("food_category")) if food else None
        return self.render(ctx, query, result, where, notice)

    async def _shop_asked_about(self, ctx: TurnContext) -> CatalogueShop | None:
        snapshot = await self.catalogue.get(ctx.now)
        if ctx.understanding.reference == "shop" and ctx.session.last_shops:
            return snapshot.shops.get(ctx.session.last_shops[0])
        return named_shop(snapshot, ctx.text, ctx.user.preferences.get("home_area"))

    def query_for(self, ctx: TurnContext) -> tuple[RecommendationQuery, str | None]:
        slots = ctx.session.slots
        preferences: dict[str, Any] = ctx.user.preferences
        card = ctx.card
        pay_by_card = card is None or card.active
        spot, area = self._where(slots.get("location"), preferences, ctx)
        dietary = [*slots.get("dietary", []), *preferences.get("dietary", [])]
        dietary += [f"allergy:{food}" for food in preferences.get("allergies", [])]
        food = slots.get("food")
        exclude = tuple(ctx.session.last_shops) if ctx.understanding.wants_other else ()
        query = RecommendationQuery(
            at=_meal_time(ctx.now, slots.get("meal_time")),
            user_id=ctx.user.id,
            budget=slots.get("budget"),
            balance=card.balance if card is not None and card.active else None,
            daily_remaining=card.daily_remaining if card is not None and card.active else None,
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

    def render(
        self,
        ctx: TurnContext,
        query: RecommendationQuery,
        result: RecommendationResult,
        where: str | None,
        notice: str | None,
    ) -> Reply:
        notes: list[str] = []
        if ctx.card is not None and not ctx.card.active:
            notes.append("카드를 지금 쓸 수 없어서 현금으로 갈 수 있는 곳을 찾았어요.")
        if not result.items:
            text = result.empty_reason or "지금 조건에 맞는 곳을 찾지 못했어요."
            if result.alternatives:
                text += "\n" + "\n".join(f"• {alternative}" for alternative in result.alternatives)
            return Reply(" ".join([*notes, text]), quick_replies=FOLLOW_UPS[1:])
        header = _header(query, result, where, ctx)
        if notice:
            header = f"{notice} {header}"
        lines = [" ".join([*notes, header])]
        for rank, item in enumerate(result.items, start=1):
            lines.append(
                f"{rank}. {item.shop_name} — {item.item_name} {won(item.final_price)} ({' · '.join(item.reasons)})"
            )
        return Reply(
            "\n".join(lines),
            cards=tuple(_card(item) for item in result.items),
            quick_replies=FOLLOW_UPS,
            shown=result.items,
        )


def _food_notice(items: tuple[Recommendation, ...], food: str, category: str | None) -> str | None:
    """Say so when what was shown is not the food asked for (the wish ranks shops; it does not filter them)."""
    if any(food in item.item_name or item.category == food for item in items):
        return None
    if category and category != food and any(item.category == category for item in items):
        return f"{particle(food, '을', '를')} 파는 곳은 못 찾았지만 {category} 가게는 있어요."
    return f"지금 {particle(food, '을', '를')} 파는 곳은 찾지 못했어요. 대신"


def _header(query: RecommendationQuery, result: RecommendationResult, where: str | None, ctx: TurnContext) -> str:
    place = f"{where} 근처에서 " if where else ""
    asked = local_time(query.at)
    when = "지금" if abs((asked - local_time(ctx.now)).total_seconds()) < 900 else _when_words(asked, ctx)
    money = f"{won(result.spendable)}으로 " if result.spendable is not None else ""
    return f"{place}{money}{when} 갈 수 있는 곳이에요."


def _when_words(asked: datetime, ctx: TurnContext) -> str:
    day = "내일 " if asked.date() > local_time(ctx.now).date() else ""
    meal = MEAL_WORDS.get(str(ctx.session.slots.get("meal_time")), "")
    return f"{day}{meal} {asked.hour:02d}:{asked.minute:02d}에".replace("  ", " ").strip()


def _card(item: Recommendation) -> Card:
    distance = f" · {item.address}" if item.address else ""
    return Card(
        title=item.shop_name,
        description=f"{item.item_name} {won(item.final_price)}\n{' · '.join(item.reasons)}{distance}",
        price=item.final_price,
        buttons=(Button("여기로 갈래요", f"select:{item.shop_id}"),),
        ref=f"shop:{item.shop_id}",
    )


def _meal_time(now: datetime, meal_time: str | None) -> datetime:
    """``now``, or the next time of the named meal (today's if still ahead, else tomorrow's)."""
    if meal_time not in MEAL_TIMES:
        return now
    hour, minute = MEAL_TIMES[str(meal_time)]
    local = local_time(now)
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target + timedelta(hours=1) < local:
        target += timedelta(days=1)
    return target if target > local else local.astimezone(SEOUL)
