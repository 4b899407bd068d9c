"""The shop admin behind Slack's buttons and commands: one rule book (`STAFF_MOVES`) for the check before the reject
form and for the move itself, a typed refusal for each reason, and no write from the adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.korean import particle
from dialogue.ordering.admin import (
    STAFF_MOVES,
    AmbiguousMenuItem,
    NoShopHere,
    NoSuchMenuItem,
    OpenStateChange,
    ShopAdmin,
)
from dialogue.ordering.staff import MoveNotAllowed, NotThisShopsOrder, ReasonRequired, UnknownOrder
from storage.database import Database
from storage.models import OrderStatus, Shop
from storage.repositories.ordering import OrderingRepository
from tests.bots.channels.conftest import ClientFactory, drain
from tests.bots.channels.slack_support import (
    SHOP_CHANNEL,
    button_press,
    client_for,
    deliver,
    order_status,
    placed_order,
    the_channel,
)
from tests.dialogue.ordering.test_staff import new_order
from tests.fakes.slack_api import FakeSlack, Message

STATUSES = ("placed", "accepted", "rejected", "ready", "picked_up", "cancelled")


async def order_in(db: Database, status: str, key: str) -> int:
    order = await new_order(db, key)
    assert order.id is not None
    if status != OrderStatus.PLACED:
        async with db.session() as session:
            await OrderingRepository(session).move(
                order.id, from_status=OrderStatus.PLACED, to_status=status, at=order.created_at
            )
    return order.id


@pytest.mark.parametrize("current", STATUSES)
async def test_the_check_and_the_move_follow_the_same_rules(db: Database, current: str) -> None:
    admin = ShopAdmin(db)
    for number, wanted in enumerate(("accepted", "rejected", "ready", "picked_up")):
        order_id = await order_in(db, current, f"{current}-{number}")
        allowed = wanted in STAFF_MOVES.get(current, frozenset())
        if allowed:
            await admin.check_move(order_id, wanted)
            moved = await admin.set_status(order_id, wanted, actor="test", reason="재료 소진")
            assert moved.status == wanted
            continue
        with pytest.raises(MoveNotAllowed) as refused:
            await admin.check_move(order_id, wanted)
        assert (refused.value.current, refused.value.wanted) == (current, wanted)
        if current != wanted:  # repeating a move the order made is no change, not a refusal
            with pytest.raises(MoveNotAllowed):
                await admin.set_status(order_id, wanted, actor="test", reason="재료 소진")


async def test_an_accepted_order_is_not_rejected_anywhere(db: Database) -> None:
    """Slack once refused this while the desk allowed it; now the desk's rule is the only one."""
    order_id = await order_in(db, "accepted", "accepted-reject")
    with pytest.raises(MoveNotAllowed, match="cannot become rejected"):
        await ShopAdmin(db).set_status(order_id, "rejected", actor="test", reason="곧 마감이에요")


async def test_each_refusal_has_its_type(db: Database) -> None:
    admin = ShopAdmin(db)
    with pytest.raises(UnknownOrder) as unknown:
        await admin.set_status(10**9, "accepted", actor="test")
    assert isinstance(unknown.value, LookupError) and unknown.value.order_id == 10**9
    order_id = await order_in(db, "placed", "typed")
    with pytest.raises(ReasonRequired):
        await admin.set_status(order_id, "rejected", actor="test", reason="   ")
    async with db.session() as session:
        await OrderingRepository(session).set_staff_ref(order_id, "C0SHOP|1700000000.000100")
    with pytest.raises(NotThisShopsOrder):
        await admin.set_status(order_id, "accepted", actor="test", channel="C0ELSEWHERE")
    await admin.check_move(order_id, "accepted", channel="C0SHOP")


async def test_a_button_pressed_in_another_shops_channel_moves_nothing(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    order_id, message = await placed_order(db, the_channel(client).board, slack)
    elsewhere = Message(channel="C0ELSEWHERE", ts=message.ts, text="", blocks=[])
    assert (await deliver(client, button_press("order_accept", order_id, elsewhere)))[0] == 200
    (notice,) = await slack.wait_for("chat.postEphemeral")
    assert (
        notice.params["text"] == f"{particle(f'주문 #{order_id}', '은', '는')} 이 채널의 가게에 들어온 주문이 아니에요."
    )
    await drain(client)
    assert (await order_status(db, order_id))[0] == "placed" and not slack.calls_to("chat.update")


async def test_shop_changes_name_their_refusals(db: Database) -> None:
    admin = ShopAdmin(db)
    with pytest.raises(NoShopHere):
        await admin.shop_in({"C0NOWHERE", "#nowhere"})
    shop = await admin.shop_in({f"#{SHOP_CHANNEL}"})
    with pytest.raises(NoSuchMenuItem):
        await admin.set_sold_out(shop.shop_id, "우주라면", True)
    with pytest.raises(AmbiguousMenuItem) as many:
        await admin.set_sold_out(shop.shop_id, "버거", True)
    assert len(many.value.candidates) > 1
    await admin.set_open_state(shop.shop_id, OpenStateChange.BREAK)
    async with db.session() as session:
        stored = await session.get(Shop, shop.shop_id)
    assert stored is not None and stored.status_override == "break" and stored.override_until is not None
