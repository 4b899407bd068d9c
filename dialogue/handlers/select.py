"""The user picked a recommended shop ("여기로 갈래요"): remember it for personal rankings and say how to get there."""

from __future__ import annotations

from collections.abc import Callable

from dialogue.korean import ro
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.models import Shop
from storage.repositories import ConversationRepository

PAYLOAD_PREFIX = "select:"
"""The "여기로 갈래요" button under a recommended shop: the shop's id follows."""


class SelectHandler:
    def __init__(self, db: Database, on_change: Callable[[int], None] | None = None) -> None:
        self.db = db
        self.on_change = on_change

    async def handle(self, ctx: TurnContext) -> Reply:
        payload = ctx.message.payload or ""
        shop_id = payload.removeprefix(PAYLOAD_PREFIX)
        if not shop_id.isdigit():
            return Reply("어느 가게인지 모르겠어요. 추천 목록에서 다시 골라 주세요.")
        async with self.db.session() as session:
            shop = await session.get(Shop, int(shop_id))
            if shop is None:
                return Reply("그 가게는 이제 찾을 수 없어요. 다른 곳을 추천해 드릴까요?")
            await ConversationRepository(session).mark_selected(ctx.user_id, int(shop_id), ctx.now)
        if self.on_change is not None:
            self.on_change(ctx.user_id)
        ctx.session.last_shops = [int(shop_id), *[s for s in ctx.session.last_shops if s != int(shop_id)]]
        ctx.session.focus_shop = int(shop_id)
        card_note = " 급식카드로 결제할 수 있어요." if shop.card_acceptance in ("Y", "P") else ""
        phone = f" 전화: {shop.phone}." if shop.phone else ""
        return Reply(f"좋아요, {ro(shop.name)} 정했어요! 주소: {shop.address}.{phone}{card_note} 맛있게 먹어요 😋")
