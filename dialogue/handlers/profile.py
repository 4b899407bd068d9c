"""Lasting preferences the user tells about themselves ("나 매운 거 못 먹어", "난 한식 좋아해")."""

from __future__ import annotations

from dialogue.handlers.context import finished
from dialogue.preferences import PreferenceChange, Preferences, remembered_reply
from dialogue.turn import Reply, TurnContext


def change_said(ctx: TurnContext) -> PreferenceChange:
    """What the message asks to remember ("나 매운 거 못 먹어", "난 한식 좋아해", "오이는 싫어")."""
    understanding = ctx.understanding
    entities = understanding.entities
    restrictions = list(entities.get("dietary_restrictions", []))
    if entities.get("taste") == "mild" and "no_spicy" not in restrictions:
        restrictions.append("no_spicy")
    liked = understanding.food_category or entities.get("food_type")
    return PreferenceChange(
        restrictions=tuple(restrictions),
        likes=(str(liked),) if liked and not restrictions else (),
        dislikes=tuple(understanding.excluded_food),
    )


class PreferenceHandler:
    def __init__(self, preferences: Preferences) -> None:
        self.preferences = preferences

    async def handle(self, ctx: TurnContext) -> Reply:
        change = change_said(ctx)
        if not change:
            return finished(
                ctx, Reply('어떤 걸 기억하면 될까요? 예: "나 매운 거 못 먹어", "난 분식 좋아해", "땅콩 알레르기 있어"')
            )
        await self.preferences.remember(ctx, change)
        return finished(ctx, remembered_reply(change))
