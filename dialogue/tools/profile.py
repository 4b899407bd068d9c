"""``notices`` and ``remember_preference``: the user's own settings, changed for the user of the turn only, through
the same services as "알림 꺼줘" and "나 매운 거 못 먹어" on the offline path."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dialogue.notices import Notices, switch_reply
from dialogue.preferences import PreferenceChange, Preferences, remembered_reply
from dialogue.tools.arguments import ToolArguments
from dialogue.tools.base import ToolResult
from dialogue.turn import TurnContext


class NoticeArguments(ToolArguments):
    on: bool = Field(description="알림을 받으려면 true, 끄려면 false")


class NoticesTool:
    name = "notices"
    description = (
        "끼니가 보내는 알림(잔액 부족, 쿠폰 만료)을 켜거나 끕니다. 사용자가 알림을 그만 받고 싶다거나 다시 받고 "
        "싶다고 분명히 말할 때만 쓰세요. 밤에는 알림을 보내지 않습니다."
    )
    arguments = NoticeArguments

    def __init__(self, notices: Notices) -> None:
        self.notices = notices

    async def run(self, ctx: TurnContext, args: NoticeArguments) -> ToolResult:
        done = await self.notices.switch(ctx, args.on)
        data = {"notices_on": done.on, "changed": done.changed, "push_channel_connected": done.reachable}
        return ToolResult(data, reply=switch_reply(done))


Food = Annotated[str, Field(min_length=1, max_length=30)]


class PreferenceArguments(ToolArguments):
    cannot_eat: list[Literal["no_spicy", "vegetarian", "halal", "no_pork"]] = Field(
        default_factory=list, max_length=4, description="앞으로 빼고 추천할 것 (매운 것, 고기, 돼지고기)"
    )
    likes: list[Food] = Field(
        default_factory=list, max_length=5, description="좋아한다고 말한 음식이나 종류 (예: 분식, 떡볶이)"
    )
    less_of: list[Food] = Field(default_factory=list, max_length=5, description="덜 추천해 달라고 말한 음식")


class PreferenceTool:
    name = "remember_preference"
    description = (
        "사용자가 자기 식성을 말하면(못 먹는 것, 좋아하는 것, 싫은 것) 기억해서 다음 추천부터 반영합니다. "
        "사용자가 직접 말한 것만 넣으세요."
    )
    arguments = PreferenceArguments

    def __init__(self, preferences: Preferences) -> None:
        self.preferences = preferences

    async def run(self, ctx: TurnContext, args: PreferenceArguments) -> ToolResult:
        change = PreferenceChange(
            restrictions=tuple(dict.fromkeys(args.cannot_eat)),
            likes=tuple(dict.fromkeys(args.likes)),
            dislikes=tuple(dict.fromkeys(args.less_of)),
        )
        if not change:
            return ToolResult(
                {}, error="nothing to remember: pass what the user said they cannot eat, like or want less"
            )
        await self.preferences.remember(ctx, change)
        return ToolResult({"remembered": True, "preferences": ctx.user.preferences}, reply=remembered_reply(change))
