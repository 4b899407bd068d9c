"""Balance and limits, and the coupon wallet (worded in ``dialogue.wallet``)."""

from __future__ import annotations

from dialogue.handlers.context import finished
from dialogue.turn import Reply, TurnContext
from dialogue.wallet import Coupons, balance_reply, coupons_reply


class BalanceHandler:
    async def handle(self, ctx: TurnContext) -> Reply:
        return finished(ctx, balance_reply(ctx.card))


class CouponHandler:
    def __init__(self, coupons: Coupons) -> None:
        self.coupons = coupons

    async def handle(self, ctx: TurnContext) -> Reply:
        return finished(ctx, coupons_reply(await self.coupons.usable(ctx)))
