"""Lasting preferences the user tells about themselves ("나 매운 거 못 먹어", "난 한식 좋아해")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dialogue.korean import particle
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.repositories import UserRepository

RESTRICTION_TEXT = {
    "no_spicy": "매운 메뉴",
    "no_pork": "돼지고기가 들어간 메뉴",
    "halal": "돼지고기가 들어간 메뉴",
    "vegetarian": "고기나 해산물이 들어간 메뉴",
}


def restriction_text(value: str) -> str:
    if value.startswith("allergy:"):
        return particle(value.removeprefix("allergy:"), "이", "가") + " 들어간 메뉴"
    return RESTRICTION_TEXT.get(value, value)


class PreferenceHandler:
    def __init__(self, db: Database, on_change: Callable[[int], None] | None = None) -> None:
        self.db = db
        self.on_change = on_change

    async def handle(self, ctx: TurnContext) -> Reply:
        understanding = ctx.understanding
        entities = understanding.entities
        current: dict[str, Any] = dict(ctx.user.preferences)
        changes: dict[str, Any] = {}
        said: list[str] = []
        restrictions = list(entities.get("dietary_restrictions", []))
        if entities.get("taste") == "mild" and "no_spicy" not in restrictions:
            restrictions.append("no_spicy")
        if restrictions:
            changes["dietary"] = list(dict.fromkeys([*current.get("dietary", []), *restrictions]))
            said.append(
                "앞으로 "
                + particle(", ".join(restriction_text(v) for v in restrictions), "은", "는")
                + " 빼고 추천할게요"
            )
        liked = understanding.food_category or entities.get("food_type")
        if liked and not restrictions:
            changes["likes"] = list(dict.fromkeys([*current.get("likes", []), str(liked)]))
            said.append(particle(str(liked), "을", "를") + " 좋아한다고 기억할게요. 추천할 때 먼저 챙겨 볼게요")
        if understanding.excluded_food:
            changes["dislikes_food"] = list(
                dict.fromkeys([*current.get("dislikes_food", []), *understanding.excluded_food])
            )
            said.append(particle(", ".join(understanding.excluded_food), "은", "는") + " 덜 추천할게요")
        if not changes:
            return Reply('어떤 걸 기억하면 될까요? 예: "나 매운 거 못 먹어", "난 분식 좋아해", "땅콩 알레르기 있어"')
        async with self.db.session() as session:
            ctx.user.preferences = await UserRepository(session).update_preferences(ctx.user_id, changes)
        if self.on_change is not None:
            self.on_change(ctx.user_id)
        return Reply("알겠어요! " + ". ".join(said) + ".")
