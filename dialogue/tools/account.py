"""``balance`` and ``coupons``: the user's own card and coupon wallet, read for the user of the turn only."""

from __future__ import annotations

from typing import Any

from dialogue.tools.arguments import NoArguments
from dialogue.tools.base import ToolResult
from dialogue.turn import TurnContext
from dialogue.wallet import Coupons, balance_reply, coupons_reply
from storage.hours import local_time


class BalanceTool:
    name = "balance"
    description = (
        "사용자의 급식카드 잔액, 오늘 쓸 수 있는 금액, 하루 한도, 한 끼 지원 금액, 다음 충전일을 알려 줍니다. "
        "카드가 없거나 정지된 경우도 알려 줍니다."
    )
    arguments = NoArguments

    async def run(self, ctx: TurnContext, args: NoArguments) -> ToolResult:
        card = ctx.card
        reply = balance_reply(card)
        if card is None:
            return ToolResult({"has_card": False}, reply=reply)
        data: dict[str, Any] = {
            "has_card": True,
            "program": card.program,
            "card": card.number_masked,
            "status": card.status,
            "usable": card.active,
            "balance_won": card.balance,
            "spendable_today_won": card.spendable_today,
            "daily_limit_won": card.daily_limit,
            "spent_today_won": card.spent_today,
            "meal_amount_won": card.meal_amount or None,
            "next_top_up": card.next_top_up.isoformat() if card.next_top_up else None,
        }
        return ToolResult(data, reply=reply)


class CouponsTool:
    name = "coupons"
    description = (
        "사용자가 지금 쓸 수 있는 쿠폰 목록(할인, 쓸 수 있는 곳, 최소 주문 금액, 마감일)을 알려 줍니다. "
        "scope: ALL 어디서나, FOODCARD 급식카드 결제 시, CATEGORY 그 종류 가게, SHOP 그 가게."
    )
    arguments = NoArguments

    def __init__(self, coupons: Coupons) -> None:
        self.coupons = coupons

    async def run(self, ctx: TurnContext, args: NoArguments) -> ToolResult:
        wallet = await self.coupons.usable(ctx)
        coupons = []
        for entry in wallet:
            coupon = entry.coupon
            item: dict[str, Any] = {
                "title": coupon.title,
                "discount": f"{coupon.amount}%" if coupon.discount_type == "RATE" else f"{coupon.amount}원",
                "scope": coupon.scope,
                "valid_until": local_time(coupon.valid_until).date().isoformat(),
            }
            if coupon.scope == "CATEGORY":
                item["category"] = coupon.category
            if coupon.scope == "SHOP":
                item["shop"] = entry.shop_name
            if coupon.max_discount:
                item["max_discount_won"] = coupon.max_discount
            if coupon.min_order:
                item["min_order_won"] = coupon.min_order
            coupons.append(item)
        return ToolResult({"coupons": coupons}, reply=coupons_reply(wallet))
