"""``/kkini``: staff change their shop from its Slack channel (``soldout``, ``restock``, ``open``, ``close``,
``break``, ``auto``) or look at its menu (``menu``). The shop is the one whose ``slack_channel`` is the channel the
command was typed in; every change is `dialogue.ordering.admin.ShopAdmin`'s, this module only words the answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from dialogue.korean import won
from dialogue.ordering.admin import AmbiguousMenuItem, NoShopHere, NoSuchMenuItem, OpenStateChange, ShopAdmin

logger = logging.getLogger(__name__)

COMMAND_HELP = (
    "쓸 수 있는 명령이에요.\n"
    "• /kkini soldout 메뉴이름 — 품절로 표시\n"
    "• /kkini restock 메뉴이름 — 품절 해제\n"
    "• /kkini open | close | break | auto — 영업 중 / 영업 종료 / 브레이크 타임(1시간) / 영업시간대로\n"
    "• /kkini menu — 메뉴와 품절 상태 보기"
)
OPEN_STATE_SAID = {
    OpenStateChange.AUTO: "영업시간대로 돌려놓았어요",
    OpenStateChange.BREAK: "1시간 브레이크 타임으로 바꿨어요",
    OpenStateChange.OPEN: "오늘 영업 중으로 바꿨어요",
    OpenStateChange.CLOSE: "오늘 영업 종료로 바꿨어요",
}
VERBS = {"soldout", "restock", "menu", *OpenStateChange}


class StaffCommands:
    def __init__(self, client: AsyncWebClient, admin: ShopAdmin) -> None:
        self.client = client
        self.admin = admin

    async def on_command(self, ack: Callable[..., Awaitable[None]], command: dict[str, Any]) -> None:
        await ack()
        channel, user = str(command.get("channel_id") or ""), str(command.get("user_id") or "")
        names = {channel, f"#{command.get('channel_name')}"} if command.get("channel_name") else {channel}
        words = str(command.get("text") or "").split(maxsplit=1)
        verb = words[0].lower() if words else "help"
        argument = words[1].strip() if len(words) > 1 else ""
        try:
            public, text = await self.run(names, user, verb, argument)
        except Exception:
            logger.exception("slack: /kkini %s failed", verb)
            public, text = False, "명령을 처리하지 못했어요. 잠시 후 다시 해 주세요."
        try:
            if public:
                await self.client.chat_postMessage(channel=channel, text=text)
            else:
                await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError as error:
            logger.warning("slack: answering /kkini failed: %s", error.response.get("error"))

    async def run(self, channels: set[str], user: str, verb: str, argument: str) -> tuple[bool, str]:
        """(whether the whole channel should see it, the text). ``channels``: the channel's id and ``#name``, as a
        shop's ``slack_channel`` may hold either."""
        if verb not in VERBS:
            return False, COMMAND_HELP
        try:
            shop = await self.admin.shop_in(channels)
        except NoShopHere:
            return False, "이 채널에 연결된 가게가 없어요. 가게의 슬랙 채널로 등록된 곳에서 써 주세요."
        if verb == "menu":
            rows = await self.admin.menu(shop.shop_id)
            lines = [f"• {row.name} {won(row.price)}{' (품절)' if row.sold_out else ''}" for row in rows]
            return False, f"*{shop.name}* 메뉴 {len(lines)}개\n" + ("\n".join(lines) or "등록된 메뉴가 없어요.")
        if verb in {"soldout", "restock"}:
            if not argument:
                return False, f"메뉴 이름도 적어 주세요. 예: /kkini {verb} 불고기버거"
            try:
                name = await self.admin.set_sold_out(shop.shop_id, argument, verb == "soldout")
            except NoSuchMenuItem:
                return False, f"'{argument}' 메뉴를 찾지 못했어요. /kkini menu 로 이름을 확인해 주세요."
            except AmbiguousMenuItem as many:
                names = ", ".join(many.candidates[:10])
                return False, f"'{argument}'에 맞는 메뉴가 여러 개예요: {names}. 정확한 이름으로 다시 써 주세요."
            state = "품절로 표시했어요" if verb == "soldout" else "다시 판매 중으로 바꿨어요"
            return True, f"<@{user}>님이 *{name}*을(를) {state}. 추천에는 1분 안에 반영돼요."
        change = OpenStateChange(verb)
        changed = await self.admin.set_open_state(shop.shop_id, change)
        return True, f"<@{user}>님이 *{changed.name}*을(를) {OPEN_STATE_SAID[change]}."
