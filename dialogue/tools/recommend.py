"""``recommend``: places and menus the user can pay for now, from the same recommender the offline path uses.

What the model passes (budget, food, place ...) goes into the session's slots exactly as if the user had said it, so
the next turn, on either path, carries it on. Who is asking, their card and balance come from the turn's context.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import Field

from dialogue.recommend.replies import render
from dialogue.recommend.search import MealSearch
from dialogue.recommend.types import Recommendation, RecommendationQuery, RecommendationResult
from dialogue.tools.arguments import ToolArguments
from dialogue.tools.base import ToolResult
from dialogue.turn import TurnContext


class RecommendArguments(ToolArguments):
    budget: int | None = Field(default=None, ge=0, le=1_000_000, description="예산(원). 사용자가 말한 금액만")
    food: str | None = Field(
        default=None, max_length=30, description="먹고 싶은 음식이나 종류 (예: 떡볶이, 분식, 중식)"
    )
    place: str | None = Field(
        default=None, max_length=40, description="사용자가 말한 장소 (역, 동네, 학교 앞, 근처 등)"
    )
    meal_time: Literal["breakfast", "lunch", "dinner", "late_night"] | None = Field(
        default=None, description="말한 끼니 때; 없으면 지금"
    )
    dietary: list[Literal["no_spicy", "vegetarian", "halal", "no_pork"]] = Field(
        default_factory=list, max_length=4, description="식단 제한"
    )
    party_size: int | None = Field(default=None, ge=1, le=20, description="함께 먹는 인원")
    urgent: bool = Field(default=False, description="아주 배고파서 빨리 먹어야 할 때")
    other_places: bool = Field(default=False, description="방금 보여준 곳 말고 다른 곳을 원할 때")


class RecommendTool:
    name = "recommend"
    description = (
        "지금 급식카드(또는 현금)로 먹을 수 있는 가게와 메뉴를 예산, 잔액, 영업시간, 위치에 맞춰 찾습니다. "
        "가게, 메뉴, 가격은 반드시 이 도구의 결과만 말하세요."
    )
    arguments = RecommendArguments

    def __init__(self, search: MealSearch) -> None:
        self.search = search

    async def run(self, ctx: TurnContext, args: RecommendArguments) -> ToolResult:
        slots = ctx.session.slots
        if args.budget is not None:
            slots["budget"] = args.budget
        if args.food:
            if args.food != slots.get("food"):
                slots.pop("food_category", None)
            slots["food"] = args.food
        if args.place:
            slots["location"] = args.place
        if args.meal_time:
            slots["meal_time"] = args.meal_time
        if args.dietary:
            slots["dietary"] = list(dict.fromkeys([*slots.get("dietary", []), *args.dietary]))
        if args.party_size:
            slots["party_size"] = args.party_size
        if args.urgent:
            slots["urgency"] = "high"
        if args.other_places:
            ctx.understanding = replace(ctx.understanding, wants_other=True)
        found = await self.search.find(ctx)
        reply = render(ctx, found.query, found.result, found.where, None, found.choices)
        return ToolResult(_data(found.query, found.result, found.where, found.choices), reply=reply)


def _data(
    query: RecommendationQuery, result: RecommendationResult, where: str | None, choices: tuple[str, ...]
) -> dict[str, Any]:
    """What the model may say: a budget only if the user named one; prices as charged, coupons apart."""
    if choices:
        return {"ask_where_first": list(choices), "places": []}
    data: dict[str, Any] = {
        "spendable_won": result.spendable,
        "near": where,
        "budget_said_won": query.budget,
        "places": [_place(item) for item in result.items],
    }
    if not result.items:
        data["why_nothing"] = result.empty_reason or "조건에 맞는 곳이 없어요"
    if result.alternatives:
        data["suggestions"] = list(result.alternatives)
    return data


def _place(item: Recommendation) -> dict[str, Any]:
    place: dict[str, Any] = {
        "shop": item.shop_name,
        "category": item.category,
        "menu": item.item_name,
        "price_won": item.price,
        "reasons": list(item.reasons),
    }
    if item.coupon is not None:
        place["coupon"] = item.coupon.title
        place["coupon_discount_won"] = item.coupon.discount
    if item.closes_at:
        place["closes_at"] = item.closes_at
    if item.distance_m is not None:
        place["distance_m"] = round(item.distance_m)
    if item.address:
        place["address"] = item.address
    return place
