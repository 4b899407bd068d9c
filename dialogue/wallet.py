"""The card and the coupon wallet in words, for the handlers ("카드 잔액 얼마야?") and the model's tools alike."""

from __future__ import annotations

from collections.abc import Sequence

from dialogue.account import CardView
from dialogue.card_help import card_trouble, trouble_buttons
from dialogue.korean import won
from dialogue.messages import Button
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.hours import local_time
from storage.repositories import CouponRepository
from storage.repositories.coupons import WalletCoupon

NO_CARD = (
    "아직 연결된 급식카드가 없어요. 카드를 연결하면 잔액과 오늘 쓸 수 있는 금액을 알려드릴 수 있어요. "
    "카드 연결은 센터나 선생님께 요청해 주세요."
)
STATUS_TEXT = {
    "SUSPENDED": "지금 사용이 정지된 카드예요",
    "EXPIRED": "유효기간이 지난 카드예요",
    "LOST": "분실 신고된 카드예요",
}


def balance_reply(card: CardView | None) -> Reply:
    """The balance, what today still allows, the meal amount and the next top-up (or why the card cannot pay)."""
    if card is None:
        return Reply(NO_CARD)
    trouble = card_trouble(card)
    if not card.active and trouble is not None:
        status = STATUS_TEXT.get(card.status, "지금 쓸 수 없는 카드예요")
        said = (f"{card.program} ({card.number_masked})는 {status}.", trouble.changes, trouble.todo)
        return Reply(" ".join(part for part in said if part), quick_replies=trouble_buttons(trouble))
    lines = [f"{card.program} 잔액은 {won(card.balance)}이에요."]
    if card.daily_remaining <= 0 < card.balance:
        lines.append(f"오늘 한도 {won(card.daily_limit)}을 다 써서 오늘은 카드로 더 쓸 수 없어요.")
    elif card.daily_remaining < card.daily_limit:
        lines.append(
            f"오늘 한도 {won(card.daily_limit)} 중 {won(card.spent_today)}을 써서 "
            f"오늘은 {won(card.spendable_today)}까지 쓸 수 있어요."
        )
    else:
        lines.append(f"오늘은 {won(card.spendable_today)}까지 쓸 수 있어요 (하루 한도 {won(card.daily_limit)}).")
    if card.meal_amount:
        lines.append(f"한 끼 지원 금액은 {won(card.meal_amount)}이에요.")
    if card.next_top_up is not None:
        lines.append(f"다음 충전일은 {card.next_top_up.month}월 {card.next_top_up.day}일이에요.")
    if trouble is not None:
        # Balance 0 (the top-up date is said above) or today's limit spent: when it changes, then what to do.
        lines.extend([trouble.todo] if trouble.kind == "balance" else [trouble.changes, trouble.todo])
    buttons: tuple[Button, ...] = trouble_buttons(trouble)[:1] if trouble is not None else ()
    if card.spendable_today > 0:
        buttons = (Button(f"{won(card.spendable_today)}으로 먹을 곳", f"{won(card.spendable_today)}으로 뭐 먹지?"),)
    return Reply(" ".join(lines), quick_replies=buttons)


class Coupons:
    """The user's usable coupons, read for the user of the turn only."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def usable(self, ctx: TurnContext) -> list[WalletCoupon]:
        async with self.db.session() as session:
            return await CouponRepository(session).usable(ctx.user_id, ctx.now)


def coupons_reply(wallet: Sequence[WalletCoupon]) -> Reply:
    """The wallet in words: each coupon's discount, where it applies, its minimum order and last day."""
    if not wallet:
        return Reply("지금 쓸 수 있는 쿠폰이 없어요. 새 쿠폰이 생기면 알려드릴게요.")
    # Every coupon counted is listed: a count that differs from the lines below it is a number the child cannot trust.
    lines = [f"쓸 수 있는 쿠폰이 {len(wallet)}장 있어요."]
    for entry in wallet:
        coupon = entry.coupon
        if coupon.discount_type == "RATE":
            amount = f"{coupon.amount}% 할인" + (f" (최대 {won(coupon.max_discount)})" if coupon.max_discount else "")
        else:
            amount = f"{won(coupon.amount)} 할인"
        where = {
            "ALL": "어디서나",
            "FOODCARD": "급식카드 결제 시",
            "CATEGORY": f"{coupon.category} 가게에서",
            "SHOP": f"{entry.shop_name or '지정 가게'}에서",
        }.get(coupon.scope, "")
        condition = f", {won(coupon.min_order)} 이상" if coupon.min_order else ""
        until = local_time(coupon.valid_until)
        lines.append(f"• {coupon.title}: {where} {amount}{condition} ({until.month}/{until.day}까지)")
    return Reply(
        "\n".join(lines),
        quick_replies=(Button("쿠폰 쓸 수 있는 곳", "쿠폰 쓸 수 있는 곳 추천해줘"),),
    )
