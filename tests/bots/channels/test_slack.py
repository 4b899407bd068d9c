"""Slack end to end: Bolt behind our route, signatures, retries, the seller thread, staff commands and the board."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient
from sqlmodel import col, select

from bots.channels.slack import REJECT_REASONS, SlackChannel, SlackStaffBoard
from dialogue.messages import Button
from dialogue.ordering.staff import StaffOrder, StaffOrderLine
from storage.database import Database
from storage.models import MenuItem, Notification, Order, Shop
from storage.repositories.ordering import OrderingRepository
from storage.sample.burger import BURGER_SHOP_NAME
from tests.bots.channels.conftest import ClientFactory, Scripted, ScriptedEngine, channel_settings, slack_settings
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


async def test_bad_signatures_are_refused(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    raw = mention("안녕")
    forged = signed_headers(raw, secret="wrong-secret")
    assert (await client.post("/slack/events", data=raw, headers=forged)).status == 401
    stale = signed_headers(raw, timestamp=int(time.time()) - 3600)
    assert (await client.post("/slack/events", data=raw, headers=stale)).status == 401
    assert (await client.post("/slack/events", data=raw)).status == 401
    garbled = {**signed_headers(raw), "X-Slack-Request-Timestamp": "yesterday"}
    assert (await client.post("/slack/events", data=raw, headers=garbled)).status == 401
    await asyncio.sleep(0.1)
    assert engine.messages == []


async def test_url_verification(make_client: ClientFactory, tmp_path: Path, slack: FakeSlack) -> None:
    client = await client_for(make_client, tmp_path, slack)
    status, text = await deliver(client, json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"}))
    assert status == 200 and "abc123" in text


async def test_mention_streams_the_seller_answer_in_a_thread(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    answer = "스마트스토어 정산은 구매확정 다음 날부터 진행돼요. " * 12
    engine.script["정산은 언제 되나요?"] = Scripted(answer, quick_replies=(Button("정산 주기", "faq:3"),))
    client = await client_for(make_client, tmp_path, slack)
    started = time.monotonic()
    status, _ = await deliver(client, mention("정산은 언제 되나요?"))
    assert status == 200 and time.monotonic() - started < 3
    (stop,) = await slack.wait_for("chat.stopStream")
    (start,) = slack.calls_to("chat.startStream")
    assert start.params["thread_ts"] == "1700000000.000100" and start.params["recipient_user_id"] == "U0STAFF"
    assert slack.calls_to("chat.appendStream"), "long answers are appended as they are written"
    message = slack.messages[("C0SHOP", start_ts(slack))]
    assert message.text == answer and not message.streaming
    assert "정산 주기" in json.dumps(stop.params["blocks"], ensure_ascii=False)
    assert engine.messages[0].assistant == "seller" and engine.messages[0].text == "정산은 언제 되나요?"


def start_ts(slack: FakeSlack) -> str:
    return next(message.ts for message in slack.messages.values() if message.thread_ts)


async def test_without_streaming_the_answer_is_posted_in_the_thread(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    slack.streaming_enabled = False
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, mention("배송비 설정"))
    (posted,) = await slack.wait_for("chat.postMessage")
    assert posted.params["thread_ts"] == "1700000000.000100"
    assert posted.params["text"] == "배송비 설정에 대한 답이에요."


async def test_slack_retries_are_answered_once(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    raw = mention("반품 방법", event_id="Ev0RETRY")
    assert (await deliver(client, raw))[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await deliver(client, raw, headers=retry))[0] == 200
    await slack.wait_for("chat.postMessage")  # a short answer is posted in the thread without a stream
    await asyncio.sleep(0.2)
    assert len(engine.messages) == 1 and len(slack.calls_to("chat.postMessage")) == 1


async def test_events_arriving_together_share_one_auth_test(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    events = [mention(f"질문 {i}", event_id=f"Ev0BURST{i}", ts=f"1700000000.{i:06d}") for i in range(8)]
    statuses = await asyncio.gather(*(deliver(client, raw) for raw in events))
    assert [status for status, _ in statuses] == [200] * 8
    await slack.wait_for("chat.postMessage", count=8)
    assert len(slack.calls_to("auth.test")) == 1
    assert sorted(message.text for message in engine.messages) == sorted(f"질문 {i}" for i in range(8))


async def test_an_event_is_answered_after_auth_test_failed_at_start(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    slack.fail_error("auth.test", "service_unavailable")
    client = await client_for(make_client, tmp_path, slack)
    await slack.wait_for("auth.test")
    assert (await deliver(client, mention("교환 방법", event_id="Ev0AUTH")))[0] == 200
    (posted,) = await slack.wait_for("chat.postMessage")
    assert posted.params["text"] == "교환 방법에 대한 답이에요."
    assert len(slack.calls_to("auth.test")) == 2


async def test_events_without_a_listener_are_acknowledged_and_malformed_ones_refused(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    event = {"type": "reaction_added", "user": "U0STAFF", "reaction": "thumbsup", "item": {"type": "message"}}
    raw = json.dumps(event_callback(event, event_id="Ev0REACT")).encode()
    assert (await deliver(client, raw))[0] == 200
    malformed = json.dumps({"type": "event_callback", "event_id": "Ev0BAD", "event": "not an object"})
    assert (await deliver(client, malformed))[0] == 400
    await asyncio.sleep(0.1)
    assert engine.messages == [] and not slack.calls_to("chat.postMessage")


async def test_soldout_restock_and_menu(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    async with db.session() as session:
        shop = (await session.exec(select(Shop).where(Shop.slack_channel == f"#{SHOP_CHANNEL}"))).one()
        item = (
            await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id).order_by(col(MenuItem.id)))
        ).first()
    assert item is not None
    client = await client_for(make_client, tmp_path, slack)
    started = time.monotonic()
    status, _ = await deliver(client, command(f"soldout {item.name}"))
    assert status == 200 and time.monotonic() - started < 3
    (posted,) = await slack.wait_for("chat.postMessage")
    assert item.name in posted.params["text"] and "품절" in posted.params["text"]
    async with db.session() as session:
        assert (await session.get(MenuItem, item.id)).sold_out is True  # type: ignore[union-attr]
    await deliver(client, command("menu"))
    (menu,) = await slack.wait_for("chat.postEphemeral")
    assert f"{item.name}" in menu.params["text"] and "(품절)" in menu.params["text"]
    await deliver(client, command(f"restock {item.name}"))
    await slack.wait_for("chat.postMessage", 2)
    async with db.session() as session:
        assert (await session.get(MenuItem, item.id)).sold_out is False  # type: ignore[union-attr]


async def test_open_close_break(make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database) -> None:
    client = await client_for(make_client, tmp_path, slack)
    for verb, expected, count in (("close", "closed", 1), ("break", "break", 2), ("auto", None, 3)):
        await deliver(client, command(verb))
        await slack.wait_for("chat.postMessage", count)
        async with db.session() as session:
            shop = (await session.exec(select(Shop).where(Shop.slack_channel == f"#{SHOP_CHANNEL}"))).one()
        assert shop.status_override == expected


async def test_commands_outside_a_shop_channel_or_unknown(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, command("close", channel_name="random"))
    await deliver(client, command("dance"))
    notices = await slack.wait_for("chat.postEphemeral", 2)
    texts = sorted(call.params["text"] for call in notices)
    assert any("연결된 가게가 없어요" in text for text in texts)
    assert any("/kkini soldout" in text for text in texts)
    assert slack.calls_to("chat.postMessage") == []


class RecordingStaff:
    """A `StaffActions` over the board, as the ordering service does it: move the order, then update its message."""

    def __init__(self, board: SlackStaffBoard, order: StaffOrder) -> None:
        self.board = board
        self.order = order
        self.moves: list[tuple[int, str, str, str | None]] = []

    async def set_status(self, order_id: int, status: str, *, actor: str, reason: str | None = None) -> StaffOrder:
        if order_id != self.order.order_id:
            raise LookupError(order_id)
        self.moves.append((order_id, status, actor, reason))
        self.order = replace(self.order, status=status, reject_reason=reason)
        await self.board.update(self.order)
        return self.order


async def test_orders_on_the_board_with_buttons_updated_in_place(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack
) -> None:
    order = StaffOrder(
        order_id=41,
        shop_id=1,
        shop_name=BURGER_SHOP_NAME,
        slack_channel=f"#{SHOP_CHANNEL}",
        status="placed",
        lines=(StaffOrderLine("불고기버거 세트", 1, ("감자튀김 (M) → 양념감자 (칠리) (+600원)",), 7500),),
        total=7500,
        payment_method="급식카드",
        customer="민지",
        created_at=datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
    )
    holder: dict[str, RecordingStaff] = {}

    class LateStaff:
        async def set_status(self, order_id: int, status: str, *, actor: str, reason: str | None = None) -> StaffOrder:
            return await holder["staff"].set_status(order_id, status, actor=actor, reason=reason)

    client = await client_for(make_client, tmp_path, slack, staff=LateStaff())
    channel = the_channel(client)
    ref = await channel.board.post(order)
    assert ref is not None
    order = replace(order, staff_message_ref=ref)
    holder["staff"] = RecordingStaff(channel.board, order)
    (message,) = slack.in_channel(f"#{SHOP_CHANNEL}")
    buttons = [element["action_id"] for element in message.blocks[-1]["elements"]]
    assert buttons == ["order_accept", "order_reject"]
    assert "양념감자" in json.dumps(message.blocks, ensure_ascii=False)

    async def press(action_id: str, count: int) -> None:
        status, _ = await deliver(client, button_press(action_id, 41, message))
        assert status == 200
        await slack.wait_for("chat.update", count)

    await press("order_accept", 1)
    assert [element["action_id"] for element in message.blocks[-1]["elements"]] == ["order_ready"]
    await press("order_ready", 2)
    assert message.blocks[-1]["type"] != "actions" and "준비 완료" in message.text
    assert [move[1] for move in holder["staff"].moves] == ["accepted", "ready"]
    assert holder["staff"].moves[0][2] == "slack:U0STAFF"
    assert len(slack.in_channel(f"#{SHOP_CHANNEL}")) == 1, "updated in place, never posted again"


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
    return next(
        route.handler.__self__  # type: ignore[union-attr]
        for route in client.app.router.routes()  # type: ignore[union-attr]
        if route.resource is not None and route.resource.canonical == "/slack/events"
    )


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


async def test_reject_asks_for_the_reason_and_the_customer_is_told_it(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, message = await placed_order(db, the_channel(client).board, slack)

    assert (await deliver(client, button_press("order_reject", order_id, message)))[0] == 200
    (opened,) = await slack.wait_for("views.open")
    assert opened.params["trigger_id"] == "1.2.U0STAFF"
    (view,) = slack.views
    assert view["title"]["text"] == "주문 거절" and json.loads(view["private_metadata"])["order_id"] == order_id
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert all(reason in shown for reason in REJECT_REASONS) and "plain_text_input" in shown
    assert (await order_status(db, order_id))[0] == "placed", "nothing changes until the reason is given"

    status, text = await deliver(client, view_submission(view, choice="재료가 떨어졌어요"))
    assert status == 200 and "errors" not in text
    await slack.wait_for("chat.update")
    status_now, reason, notices = await order_status(db, order_id)
    assert (status_now, reason) == ("rejected", "재료가 떨어졌어요")
    (notice,) = notices
    assert "사유: 재료가 떨어졌어요" in notice
    assert "재료가 떨어졌어요" in json.dumps(message.blocks, ensure_ascii=False) and "거절함" in message.text
    assert message.blocks[-1]["type"] != "actions", "no buttons left under a rejected order"
    assert not slack.calls_to("chat.postEphemeral")


async def test_a_typed_reason_is_trimmed_and_wins_over_the_choice(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, _, view = await reject_form_opened(client, slack, db)
    typed = "  오늘은   불고기 패티가 다 떨어졌어요. " + "죄송해요 " * 60
    await deliver(client, view_submission(view, choice="곧 마감이에요", typed=typed))
    await slack.wait_for("chat.update")
    _, reason, _ = await order_status(db, order_id)
    assert reason is not None and reason.startswith("오늘은 불고기 패티가 다 떨어졌어요.") and len(reason) == 200


async def test_an_empty_form_is_answered_in_the_modal(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, _, view = await reject_form_opened(client, slack, db)
    status, text = await deliver(client, view_submission(view, typed="   "))
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["reject_choice"] == "거절 사유를 고르거나 직접 적어 주세요."
    await asyncio.sleep(0.1)
    assert (await order_status(db, order_id))[:2] == ("placed", None)
    assert not slack.calls_to("chat.update")


async def test_a_second_rejection_is_refused_politely_and_changes_nothing(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, message = await placed_order(db, the_channel(client).board, slack)
    # Both staff members open the form before either submits it.
    await deliver(client, button_press("order_reject", order_id, message))
    await deliver(client, button_press("order_reject", order_id, message, user="U0OTHER"))
    first, second = [call.params["view"] for call in await slack.wait_for("views.open", 2)]
    await deliver(client, view_submission(first, choice="주문이 너무 많아요"))
    await slack.wait_for("chat.update")

    status, text = await deliver(client, view_submission(second, choice="곧 마감이에요", user="U0OTHER"))
    assert status == 200
    refusal = json.loads(text)["errors"]["reject_choice"]
    assert refusal.startswith(f"주문 #{order_id}") and refusal.endswith(" 이미 거절된 주문이라 거절할 수 없어요.")
    # A click on a board that has not refreshed yet is answered privately instead of opening the form again.
    await deliver(client, button_press("order_reject", order_id, message, user="U0OTHER"))
    (notice,) = await slack.wait_for("chat.postEphemeral")
    assert notice.params["user"] == "U0OTHER" and "이미 거절된 주문" in notice.params["text"]
    await asyncio.sleep(0.1)
    _, reason, notices = await order_status(db, order_id)
    assert reason == "주문이 너무 많아요" and len(notices) == 1
    assert len(slack.views) == 2 and len(slack.calls_to("chat.update")) == 1


async def test_an_accepted_order_cannot_be_rejected_from_the_form(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, message, view = await reject_form_opened(client, slack, db)
    await deliver(client, button_press("order_accept", order_id, message, user="U0OTHER"))
    await slack.wait_for("chat.update")
    status, text = await deliver(client, view_submission(view, choice="곧 마감이에요"))
    assert status == 200 and "이미 수락된 주문이라 거절할 수 없어요" in json.loads(text)["errors"]["reject_choice"]
    assert (await order_status(db, order_id))[:2] == ("accepted", None)


async def test_an_expired_trigger_is_answered_privately(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, message = await placed_order(db, the_channel(client).board, slack)
    slack.expired_triggers.add("1.2.U0STAFF")
    await deliver(client, button_press("order_reject", order_id, message))
    (notice,) = await slack.wait_for("chat.postEphemeral")
    assert "다시 눌러 주세요" in notice.params["text"] and not slack.views
    assert (await order_status(db, order_id))[0] == "placed"


async def test_a_crafted_button_value_is_acknowledged_and_reaches_no_order(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, caplog: Any
) -> None:
    """A 400-digit order id once reached the database driver (OverflowError, a 500 and a traceback)."""
    touched: list[int] = []

    class Staff:
        async def set_status(self, order_id: int, status: str, *, actor: str, reason: str | None = None) -> StaffOrder:
            touched.append(order_id)
            raise AssertionError("no order should be touched")

    client = await client_for(make_client, tmp_path, slack, staff=Staff())
    message = Message(channel="C0SHOP", ts="1700000000.000200", text="", blocks=[])
    for value in ("9" * 400, "-1", "0", "1e9", "٣", str(2**63)):
        status, _ = await deliver(client, button_press("order_accept", 0, message, value=value))
        assert status == 200
    await asyncio.sleep(0.2)
    assert touched == []
    assert not [record for record in caplog.records if record.exc_info], "no traceback logged"


async def test_model_text_is_escaped_so_it_cannot_ping_the_channel(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    slack.streaming_enabled = False
    engine.script["공지"] = Scripted("<!channel> 떡볶이 & 김밥 <@U0BOSS> 확인")
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, mention("공지"))
    (posted,) = await slack.wait_for("chat.postMessage")
    assert posted.params["text"] == "&lt;!channel&gt; 떡볶이 &amp; 김밥 &lt;@U0BOSS&gt; 확인"
    assert "<!channel>" not in json.dumps(posted.params["blocks"], ensure_ascii=False)


async def test_a_refused_append_stops_the_stream_before_the_update(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    answer = "정산은 구매확정 다음 날부터 진행돼요. " * 20
    engine.script["정산"] = Scripted(answer)
    slack.fail_error("chat.appendStream", "message_not_in_streaming_state", times=5)
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, mention("정산"))
    (update,) = await slack.wait_for("chat.update")
    order = [call.method for call in slack.calls if call.method.startswith("chat.")]
    assert order.index("chat.stopStream") < order.index("chat.update")  # the fake refuses to update a live stream
    message = slack.messages[("C0SHOP", update.params["ts"])]
    assert not message.streaming and message.text.strip() == answer.strip()


async def test_a_long_push_is_cut_to_one_section_and_escaped(slack: FakeSlack) -> None:
    from bots.channels.notifiers import SlackNotifier
    from bots.settings import SlackSettings
    from jobs.notifier import Push
    from tests.fakes import slack_api

    notifier = SlackNotifier(SlackSettings(bot_token=slack_api.TOKEN, api_base_url=slack.base_url))
    text = "<!here> 잔액이 얼마 남지 않았어요. " * 300
    await notifier.send(Push("slack", "U0KID", text, "push-1", buttons=(("쿠폰 보기", "coupons"),)))
    (posted,) = await slack.wait_for("chat.postMessage")
    section = posted.params["blocks"][0]["text"]["text"]
    assert len(section) <= 3000 and section.startswith("&lt;!here&gt;") and "<!here>" not in posted.params["text"]
    await notifier.aclose()
