"""The Korean wording of the pushes kkini sends on its own: short, polite, with the facts from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from storage.hours import local_time
from storage.units import won

OFF_BUTTON = ("알림 끄기", "알림 꺼줘")


def low_balance_text(
    *,
    name: str | None,
    program: str,
    balance: int,
    spendable: int,
    meals: Sequence[tuple[str, str, int]],
    top_up: date | None,
) -> str:
    """The low-balance notice. ``meals`` are (shop, menu, price) open when the notice goes out, within reach."""
    greeting = f"{name}님, " if name else ""
    if balance == 0:
        lines = [f"{greeting}{program} 잔액을 모두 사용했어요."]
    else:
        lines = [f"{greeting}{program} 잔액이 {won(balance)} 남았어요."]
        if spendable < balance:
            lines.append(f"오늘은 {won(spendable)}까지 쓸 수 있어요.")
        if meals:
            choices = ", ".join(f"{shop} {menu} {won(price)}" for shop, menu, price in meals)
            lines.append(f"지금 이 금액으로 갈 수 있는 곳: {choices}.")
    if top_up is not None:
        lines.append(f"다음 충전일은 {top_up.month}월 {top_up.day}일이에요.")
    return " ".join(lines)


def coupon_reminder_text(*, name: str | None, title: str, valid_until: datetime, where: str | None) -> str:
    """The reminder of a coupon about to expire."""
    until = local_time(valid_until)
    greeting = f"{name}님, " if name else ""
    place = f" {where}에서 쓸 수 있어요." if where else ""
    return f"{greeting}'{title}' 쿠폰이 {until.month}월 {until.day}일에 끝나요.{place} 잊지 말고 써 보세요!"
