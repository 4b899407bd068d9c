"""How orders and answers look in Slack: the order's message with its buttons (`SlackStaffBoard`), and the blocks
under a seller answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.channels.replies import Gathered
from bots.channels.slack.text import escape, section_text
from dialogue.korean import won
from dialogue.ordering.staff import StaffOrder
from storage.hours import local_time

logger = logging.getLogger(__name__)

ORDER_STATUS = {
    "placed": "🆕 새 주문",
    "accepted": "👩‍🍳 수락함 · 조리 중",
    "rejected": "❌ 거절함",
    "ready": "✅ 준비 완료 · 손님을 기다리는 중",
    "picked_up": "🙌 손님이 받아 감",
    "cancelled": "🚫 손님이 취소함",
}
REF_SEPARATOR = "|"
"""A staff message reference is ``{channel id}|{ts}``."""
ORDER_ACTIONS = {"order_accept": "accepted", "order_ready": "ready"}
"""One-click buttons; ``order_reject`` opens `bots.channels.slack.modals.reject_view` instead, since the customer is
told why."""


class SlackStaffBoard:
    """`StaffBoard` on Slack: one message per order in the shop's channel, with buttons for the next moves."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, order: StaffOrder) -> str | None:
        if not order.slack_channel:
            return None
        try:
            posted = await self.client.chat_postMessage(
                channel=order.slack_channel, text=order_summary(order), blocks=order_blocks(order)
            )
        except SlackApiError as error:
            logger.warning("slack: posting order %s failed: %s", order.order_id, error.response.get("error"))
            return None
        # chat.update needs the channel id, while a shop may name its channel (#name): keep the id with the ts.
        return f"{posted['channel']}{REF_SEPARATOR}{posted['ts']}"

    async def update(self, order: StaffOrder) -> None:
        if not order.slack_channel or not order.staff_message_ref:
            return
        channel, _, ts = order.staff_message_ref.rpartition(REF_SEPARATOR)
        try:
            await self.client.chat_update(
                channel=channel or order.slack_channel,
                ts=ts,
                text=order_summary(order),
                blocks=order_blocks(order),
            )
        except SlackApiError as error:
            logger.warning("slack: updating order %s failed: %s", order.order_id, error.response.get("error"))


def order_summary(order: StaffOrder) -> str:
    return f"주문 #{order.order_id} · {ORDER_STATUS.get(order.status, order.status)} · {won(order.total)}"


def order_blocks(order: StaffOrder) -> list[dict[str, Any]]:
    lines = []
    for line in order.lines:
        lines.append(f"• {line.name} × {line.quantity}  {won(line.line_total)}")
        lines.extend(f"   └ {option}" for option in line.options)  # escaped with the section
    status = ORDER_STATUS.get(order.status, order.status)
    if order.status == "rejected" and order.reject_reason:
        status += f" ({order.reject_reason})"
    created = local_time(order.created_at).strftime("%H:%M")
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*주문 #{order.order_id}* · {escape(order.shop_name)}"},
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": section_text("\n".join(lines)) or "(내역 없음)"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"합계 *{won(order.total)}* · {order.payment_method} · 손님 {escape(order.customer)} · "
                    f"{created}",
                }
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": section_text(f"상태: {status}")}},
    ]
    buttons: list[dict[str, Any]] = []
    if order.status == "placed":
        buttons = [_button("수락", "order_accept", order, "primary"), _button("거절", "order_reject", order, "danger")]
    elif order.status == "accepted":
        buttons = [_button("준비 완료", "order_ready", order, "primary")]
    if buttons:
        blocks.append({"type": "actions", "block_id": f"order_{order.order_id}", "elements": buttons})
    return blocks


def _button(label: str, action_id: str, order: StaffOrder, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": str(order.order_id),
        "style": style,
    }


def section(text: str) -> list[dict[str, Any]]:
    """A section of text already escaped and cut by `escaped_pieces`."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def follow_ups(gathered: Gathered) -> list[dict[str, Any]] | None:
    """Suggested questions under the answer, as a context line (Slack has no quick replies)."""
    labels = [button.label for button in gathered.quick_replies]
    if not labels:
        return None
    return [
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": section_text("이런 것도 물어보세요: " + " · ".join(labels))}],
        }
    ]
