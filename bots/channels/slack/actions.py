"""Interactivity: the Accept / Ready buttons under an order, and Reject, which asks why in a modal
(`bots.channels.slack.modals`) before the order moves. Every move is the `StaffActions`' (the ordering desk's
`ShopAdmin`); this module turns its typed refusals into a word to the one who clicked."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.channels.slack.modals import REJECT_CHOICE, order_id_of, reject_reason, reject_target, reject_view
from bots.channels.slack.rendering import ORDER_ACTIONS
from dialogue.korean import particle
from dialogue.ordering.staff import (
    MoveNotAllowed,
    NotThisShopsOrder,
    StaffActions,
    StaffOrder,
    StaffRefusal,
    UnknownOrder,
)
from storage.models import OrderStatus

logger = logging.getLogger(__name__)

NOT_ENABLED = "주문 처리 기능이 아직 켜져 있지 않아요."
NOT_REJECTABLE = {
    "accepted": "이미 수락된",
    "rejected": "이미 거절된",
    "ready": "이미 준비가 끝난",
    "picked_up": "손님이 이미 받아 간",
    "cancelled": "손님이 이미 취소한",
}


def move_refusal(refusal: StaffRefusal) -> str:
    """What the one who clicked Accept or Ready is told when the move is refused."""
    number = f"주문 #{refusal.order_id}"
    if isinstance(refusal, UnknownOrder):
        return f"{number}을(를) 찾지 못했어요."
    if isinstance(refusal, NotThisShopsOrder):
        return f"{particle(number, '은', '는')} 이 채널의 가게에 들어온 주문이 아니에요."
    return f"{number}은(는) 지금 상태에서 그렇게 바꿀 수 없어요."


def reject_refusal(refusal: StaffRefusal) -> str:
    """Why an order cannot be rejected, in the modal or privately under the board."""
    number = f"주문 #{refusal.order_id}"
    if isinstance(refusal, UnknownOrder):
        return f"{particle(number, '을', '를')} 찾지 못했어요."
    if isinstance(refusal, MoveNotAllowed):
        state = NOT_REJECTABLE.get(refusal.current, "지금은 거절할 수 없는")
        return f"{particle(number, '은', '는')} {state} 주문이라 거절할 수 없어요."
    return move_refusal(refusal)


class OrderActions:
    """The listeners of the order buttons and the reject form. ``staff`` is None until ordering is on."""

    def __init__(self, client: AsyncWebClient, staff: StaffActions | None) -> None:
        self.client = client
        self.staff = staff

    async def on_order_button(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        user, channel = _clicked_by(body)
        status = ORDER_ACTIONS.get(str(action.get("action_id")))
        order_id = order_id_of(action.get("value"))
        if order_id is None:
            return
        if self.staff is None or status is None:
            await self.tell(channel, user, NOT_ENABLED)
            return
        await self.move(order_id, status, channel, user)

    async def move(
        self, order_id: int, status: str, channel: str, user: str, reason: str | None = None
    ) -> StaffOrder | None:
        """The staff action; None (and a word to the one who clicked) when it is refused."""
        assert self.staff is not None
        try:
            return await self.staff.set_status(
                order_id, status, actor=f"slack:{user}", reason=reason, channel=channel or None
            )
        except StaffRefusal as refusal:
            text = reject_refusal(refusal) if status == OrderStatus.REJECTED else move_refusal(refusal)
            await self.tell(channel, user, text)
        return None

    async def on_reject_button(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        """Ask for the reason in a modal (the trigger_id is valid for 3 seconds, so only one check first)."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        user, channel = _clicked_by(body)
        order_id = order_id_of(action.get("value"))
        if order_id is None:
            return
        refusal = await self.refusal(order_id, channel)
        if refusal is not None:
            await self.tell(channel, user, refusal)
            return
        try:
            await self.client.views_open(
                trigger_id=str(body.get("trigger_id") or ""), view=reject_view(order_id, channel)
            )
        except SlackApiError as error:
            logger.warning("slack: opening the reject form failed: %s", error.response.get("error"))
            await self.tell(channel, user, "거절 사유 창을 열지 못했어요. 거절 버튼을 다시 눌러 주세요.")

    async def on_reject_submitted(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """Check the reason and the order while the modal waits, so a problem is shown in the modal itself; the move
        (and the board's update) runs after the modal has closed."""
        user = str((body.get("user") or {}).get("id") or "")
        target = reject_target(str(view.get("private_metadata") or ""))
        if target is None:
            await ack(
                response_action="errors", errors={REJECT_CHOICE: "주문 정보를 읽지 못했어요. 다시 시도해 주세요."}
            )
            return
        order_id, channel = target
        reason = reject_reason((view.get("state") or {}).get("values") or {})
        refusal = await self.refusal(order_id, channel) if reason else "거절 사유를 고르거나 직접 적어 주세요."
        if refusal is not None:
            await ack(response_action="errors", errors={REJECT_CHOICE: refusal})
            return
        await ack()
        moved = await self.move(order_id, OrderStatus.REJECTED, channel, user, reason)
        if moved is not None and moved.reject_reason != reason:
            # Two forms submitted together: the desk kept the first rejection, and its reason, unchanged.
            await self.tell(channel, user, f"다른 분이 먼저 거절했어요. 손님에게 전한 사유: {moved.reject_reason}")

    async def refusal(self, order_id: int, channel: str) -> str | None:
        """Why the order cannot be rejected from ``channel`` now (the desk's rules), or None."""
        if self.staff is None:
            return NOT_ENABLED
        try:
            await self.staff.check_move(order_id, OrderStatus.REJECTED, channel=channel or None)
        except StaffRefusal as refused:
            return reject_refusal(refused)
        return None

    async def on_push_button(self, ack: Callable[..., Awaitable[None]]) -> None:
        await ack()  # buttons under pushes only acknowledge; their value is shown in the message already

    async def tell(self, channel: str, user: str, text: str) -> None:
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError as error:
            logger.warning("slack: an ephemeral notice failed: %s", error.response.get("error"))


def _clicked_by(body: dict[str, Any]) -> tuple[str, str]:
    """(user id, channel id) of an interaction."""
    return str((body.get("user") or {}).get("id") or ""), str((body.get("channel") or {}).get("id") or "")
