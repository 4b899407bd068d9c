"""What the Slack tests share: signed deliveries, the payloads Slack sends for commands, buttons and forms, and an
order placed on the board the way the ordering desk places it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient
from sqlmodel import select

from bots.channels.slack import SlackChannel, SlackStaffBoard
from dialogue.ordering.staff import StaffOrder
from storage.database import Database
from storage.models import Notification, Order, Shop
from storage.repositories.ordering import OrderingRepository
from tests.bots.channels.conftest import ClientFactory, channel_settings, mounted, slack_settings
from tests.dialogue.ordering.test_staff import new_order
from tests.fakes.slack_api import BOT_USER_ID, FakeSlack, Message, event_callback, signed_headers

SHOP_CHANNEL = "kkini-dundeun-burger"


async def client_for(make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, **kw: Any) -> TestClient:
    return await make_client(channel_settings(tmp_path, slack=slack_settings(slack)), **kw)


async def deliver(client: TestClient, body: bytes | str, *, headers: dict[str, str] | None = None) -> tuple[int, str]:
    raw = body.encode() if isinstance(body, str) else body
    response = await client.post("/slack/events", data=raw, headers={**signed_headers(raw), **(headers or {})})
    return response.status, await response.text()


def mention(text: str, *, event_id: str | None = None, ts: str = "1700000000.000100") -> bytes:
    event = {
        "type": "app_mention",
        "user": "U0STAFF",
        "text": f"<@{BOT_USER_ID}> {text}",
        "channel": "C0SHOP",
        "ts": ts,
    }
    return json.dumps(event_callback(event, event_id=event_id)).encode()


def command(text: str, channel_name: str = SHOP_CHANNEL) -> str:
    return urlencode(
        {
            "command": "/kkini",
            "text": text,
            "channel_id": "C0SHOP",
            "channel_name": channel_name,
            "user_id": "U0STAFF",
            "team_id": "T0KKINI",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
        }
    )


def start_ts(slack: FakeSlack) -> str:
    return next(message.ts for message in slack.messages.values() if message.thread_ts)


def button_press(
    action_id: str, order_id: int, message: Message, user: str = "U0STAFF", value: str | None = None
) -> str:
    """A signed-ready ``block_actions`` body: ``user`` clicked ``action_id`` under the order's message."""
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T0KKINI"},
        "channel": {"id": message.channel},
        "message": {"ts": message.ts},
        "actions": [
            {"action_id": action_id, "value": value or str(order_id), "block_id": f"order_{order_id}", "type": "button"}
        ],
        "trigger_id": f"1.2.{user}",
        "api_app_id": "A0KKINI",
        "token": "unused",
        "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel},
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission(
    view: dict[str, Any], *, choice: str | None = None, typed: str | None = None, user: str = "U0STAFF"
) -> str:
    """The ``view_submission`` Slack sends when ``user`` submits the opened modal with these answers."""
    values = {
        "reject_choice": {
            "reject_choice": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": choice}, "value": choice}
                if choice
                else None,
            }
        },
        "reject_text": {"reject_text": {"type": "plain_text_input", "value": typed}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T0KKINI"},
        "view": {**view, "state": {"values": values}},
        "api_app_id": "A0KKINI",
        "token": "unused",
        "trigger_id": f"2.3.{user}",
    }
    return urlencode({"payload": json.dumps(payload)})


async def placed_order(db: Database, board: SlackStaffBoard, slack: FakeSlack) -> tuple[int, Message]:
    """A new order in the database, posted on the board the way the ordering desk posts it."""
    order = await new_order(db)
    assert order.id is not None
    async with db.session() as session:
        shop = await session.get(Shop, order.shop_id)
        assert shop is not None
        staff_order = StaffOrder(
            order_id=order.id,
            shop_id=order.shop_id,
            shop_name=shop.name,
            slack_channel=shop.slack_channel,
            status=order.status,
            lines=(),
            total=order.total,
            payment_method="급식카드",
            customer="민지",
            created_at=order.created_at,
        )
        ref = await board.post(staff_order)
        assert ref is not None
        await OrderingRepository(session).set_staff_ref(order.id, ref)
    channel, _, ts = ref.rpartition("|")
    return order.id, slack.messages[(channel, ts)]


def the_channel(client: TestClient) -> SlackChannel:
    channel = mounted(client).slack
    assert channel is not None
    return channel


async def order_status(db: Database, order_id: int) -> tuple[str, str | None, list[str]]:
    """(status, reject reason, texts of the customer's order_status notices)."""
    async with db.session() as session:
        order = await session.get(Order, order_id)
        found = await session.exec(select(Notification).where(Notification.kind == "order_status"))
        texts = [notice.text for notice in found.all() if notice.payload.get("order_id") == order_id]
    assert order is not None
    return order.status, order.reject_reason, texts


async def reject_form_opened(client: TestClient, slack: FakeSlack, db: Database) -> tuple[int, Message, dict[str, Any]]:
    """A placed order whose 거절 button staff pressed: its id, its message on the board and the form that opened."""
    order_id, message = await placed_order(db, the_channel(client).board, slack)
    await deliver(client, button_press("order_reject", order_id, message))
    (view,) = [call.params["view"] for call in await slack.wait_for("views.open")]
    return order_id, message, view
