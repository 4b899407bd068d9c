"""The reject form: the modal that asks staff why an order is rejected, and reading back what they submitted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dialogue.korean import particle
from dialogue.ordering.admin import MAX_REASON

REJECT_VIEW = "order_reject_reason"
REJECT_CHOICE = "reject_choice"
REJECT_TEXT = "reject_text"
REJECT_REASONS = ("품절된 메뉴가 있어요", "재료가 떨어졌어요", "곧 마감이에요", "주문이 너무 많아요")
MAX_ORDER_ID = 2**63 - 1


def reject_view(order_id: int, channel: str) -> dict[str, Any]:
    """The modal asking why an order is rejected: a common reason or one's own words (either is enough)."""
    options = [{"text": {"type": "plain_text", "text": text}, "value": text} for text in REJECT_REASONS]
    number = particle(f"주문 #{order_id}", "을", "를")
    return {
        "type": "modal",
        "callback_id": REJECT_VIEW,
        "private_metadata": json.dumps({"order_id": order_id, "channel": channel}),
        "title": {"type": "plain_text", "text": "주문 거절"},
        "submit": {"type": "plain_text", "text": "거절하기"},
        "close": {"type": "plain_text", "text": "취소"},
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"{number} 거절하는 이유를 알려 주세요. 손님에게 그대로 전해져요."},
            },
            {
                "type": "input",
                "block_id": REJECT_CHOICE,
                "optional": True,
                "label": {"type": "plain_text", "text": "자주 쓰는 사유"},
                "element": {
                    "type": "static_select",
                    "action_id": REJECT_CHOICE,
                    "placeholder": {"type": "plain_text", "text": "사유 고르기"},
                    "options": options,
                },
            },
            {
                "type": "input",
                "block_id": REJECT_TEXT,
                "optional": True,
                "label": {"type": "plain_text", "text": "다른 사유 (직접 적기)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REJECT_TEXT,
                    "max_length": MAX_REASON,
                    "placeholder": {"type": "plain_text", "text": "예: 오븐이 고장 나서 오늘은 만들 수 없어요"},
                },
            },
        ],
    }


def reject_reason(values: Mapping[str, Any]) -> str | None:
    """The submitted reason: the typed one when there is one (it is the more specific), else the chosen one;
    whitespace collapsed and at most `MAX_REASON` characters."""
    typed = ((values.get(REJECT_TEXT) or {}).get(REJECT_TEXT) or {}).get("value")
    chosen = ((values.get(REJECT_CHOICE) or {}).get(REJECT_CHOICE) or {}).get("selected_option") or {}
    for text in (typed, chosen.get("value")):
        reason = " ".join(str(text or "").split())[:MAX_REASON]
        if reason:
            return reason
    return None


def reject_target(metadata: str) -> tuple[int, str] | None:
    """(order id, channel id) from the modal's private_metadata; None when it is not ours."""
    try:
        parsed = json.loads(metadata)
    except ValueError:
        return None
    order_id = order_id_of(parsed.get("order_id")) if isinstance(parsed, dict) else None
    return None if order_id is None else (order_id, str(parsed.get("channel") or ""))


def order_id_of(value: object) -> int | None:
    """An order id from a button value or the modal's metadata; None for anything that cannot be one (not a
    number, or one no database column holds: a crafted 400-digit value must not reach the driver)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ORDER_ID else None
