"""The user's lasting preferences (what they cannot eat, like, or want less of), changed in one place for the words
("나 매운 거 못 먹어", ``dialogue.handlers.profile``) and for the model's ``remember_preference`` tool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class PreferenceChange:
    """What to remember: restrictions to leave out, foods liked, foods to recommend less."""

    restrictions: tuple[str, ...] = ()
    likes: tuple[str, ...] = ()
    dislikes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.restrictions or self.likes or self.dislikes)


class Preferences:
    """The user's lasting preferences: the one place that changes them (and tells the ranking to forget its cache)."""

    def __init__(self, db: Database, on_change: Callable[[int], None] | None = None) -> None:
        self.db = db
        self.on_change = on_change

    async def remember(self, ctx: TurnContext, change: PreferenceChange) -> None:
        current: dict[str, Any] = dict(ctx.user.preferences)
        changes: dict[str, Any] = {}
        if change.restrictions:
            changes["dietary"] = list(dict.fromkeys([*current.get("dietary", []), *change.restrictions]))
        if change.likes:
            changes["likes"] = list(dict.fromkeys([*current.get("likes", []), *change.likes]))
        if change.dislikes:
            changes["dislikes_food"] = list(dict.fromkeys([*current.get("dislikes_food", []), *change.dislikes]))
        async with self.db.session() as session:
            ctx.user.preferences = await UserRepository(session).update_preferences(ctx.user_id, changes)
        if self.on_change is not None:
            self.on_change(ctx.user_id)


def remembered_reply(change: PreferenceChange) -> Reply:
    """What the user is told after ``change`` was remembered."""
    said: list[str] = []
    if change.restrictions:
        listed = ", ".join(restriction_text(value) for value in change.restrictions)
        said.append("앞으로 " + particle(listed, "은", "는") + " 빼고 추천할게요")
    if change.likes:
        said.append(
            particle(", ".join(change.likes), "을", "를") + " 좋아한다고 기억할게요. 추천할 때 먼저 챙겨 볼게요"
        )
    if change.dislikes:
        said.append(particle(", ".join(change.dislikes), "은", "는") + " 덜 추천할게요")
    return Reply("알겠어요! " + ". ".join(said) + ".")
