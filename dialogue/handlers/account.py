"""Balance and limits, and the coupon wallet (worded in ``dialogue.wallet``)."""

from __future__ import annotations

import re

from dialogue.handlers.context import finished
from dialogue.nlu.normalize import for_matching
from dialogue.turn import Handler, Reply, TurnContext
from dialogue.wallet import Coupons, balance_reply, coupons_reply

# "한 끼에 얼마까지 쓸 수 있어?", "하루 한도 얼마야?": the card's rules, which the meal FAQ knows without a card.
_RULES = re.compile(r"한 ?끼|하루|한도|얼마까지|몇 ?번")


class BalanceHandler:
    """The card's balance and limits; without a linked card, a question about the card's rules (a meal's amount, the
    daily limit) is answered from the meal FAQ (``rules``) instead of only asking to link one."""

    def __init__(self, rules: Handler | None = None) -> None:
        self.rules = rules

    async def handle(self, ctx: TurnContext) -> Reply:
        if ctx.card is None and self.rules is not None and _RULES.search(for_matching(ctx.text)):
            return await self.rules.handle(ctx)
        return finished(ctx, balance_reply(ctx.card))


class CouponHandler:
    def __init__(self, coupons: Coupons) -> None:
        self.coupons = coupons

    async def handle(self, ctx: TurnContext) -> Reply:
        return finished(ctx, coupons_reply(await self.coupons.usable(ctx)))
