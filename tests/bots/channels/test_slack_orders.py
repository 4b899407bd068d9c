"""Slack and orders: the board with its buttons, updated in place, and the reject form; every move is the ordering
desk's (`ShopAdmin`), under its rules."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bots.channels.slack import REJECT_REASONS, SlackStaffBoard
from dialogue.ordering.staff import StaffOrder, StaffOrderLine, UnknownOrder
from storage.database import Database
from storage.sample.burger import BURGER_SHOP_NAME
from tests.bots.channels.conftest import ClientFactory, drain
from tests.bots.channels.slack_support import (
    SHOP_CHANNEL,
    button_press,
    client_for,
    deliver,
    order_status,
    placed_order,
    reject_form_opened,
    the_channel,
    view_submission,
)
from tests.fakes.slack_api import FakeSlack, Message


class RecordingStaff:
    """A `StaffActions` over the board, as the ordering service does it: move the order, then update its message."""

    def __init__(self, board: SlackStaffBoard, order: StaffOrder) -> None:
        self.board = board
        self.order = order
        self.moves: list[tuple[int, str, str, str | None]] = []

    async def check_move(self, order_id: int, status: str, *, channel: str | None = None) -> None:
        if order_id != self.order.order_id:
            raise UnknownOrder(order_id)

    async def set_status(
        self, order_id: int, status: str, *, actor: str, reason: str | None = None, channel: str | None = None
    ) -> StaffOrder:
        await self.check_move(order_id, status, channel=channel)
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
        async def check_move(self, order_id: int, status: str, *, channel: str | None = None) -> None:
            await holder["staff"].check_move(order_id, status, channel=channel)

        async def set_status(
            self, order_id: int, status: str, *, actor: str, reason: str | None = None, channel: str | None = None
        ) -> StaffOrder:
            return await holder["staff"].set_status(order_id, status, actor=actor, reason=reason, channel=channel)

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
    await drain(client)
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
    await drain(client)
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
        async def check_move(self, order_id: int, status: str, *, channel: str | None = None) -> None:
            touched.append(order_id)
            raise AssertionError("no order should be checked")

        async def set_status(
            self, order_id: int, status: str, *, actor: str, reason: str | None = None, channel: str | None = None
        ) -> StaffOrder:
            touched.append(order_id)
            raise AssertionError("no order should be touched")

    client = await client_for(make_client, tmp_path, slack, staff=Staff())
    message = Message(channel="C0SHOP", ts="1700000000.000200", text="", blocks=[])
    for value in ("9" * 400, "-1", "0", "1e9", "٣", str(2**63)):
        status, _ = await deliver(client, button_press("order_accept", 0, message, value=value))
        assert status == 200
    await drain(client)
    assert touched == []
    assert not [record for record in caplog.records if record.exc_info], "no traceback logged"
