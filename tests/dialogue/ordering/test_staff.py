"""Staff actions on orders (accept, reject with a reason, ready), the customer's notices written with them, and
placing an order once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from dialogue.ordering.catalogue import OrderCatalogue
from dialogue.ordering.orders import OrderDesk
from storage.database import Database
from storage.models import MenuItem, Notification, Order, OrderLine, OrderStatus, Shop
from storage.repositories import UserRepository
from storage.repositories.ordering import OrderingRepository
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.conftest import postgres_schema
from tests.dialogue.conftest import KEY
from tests.dialogue.ordering.conftest import RecordingBoard
from tests.storage.conftest import migrated


@pytest.fixture(params=["sqlite", "postgres"])
async def sample_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    settings = SampleDataSettings()
    if request.param == "sqlite":
        async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}") as db:
            await load_sample_data(db, settings, KEY)
            yield db
        return
    server = request.getfixturevalue("postgres_server")
    async with postgres_schema(server) as url, migrated(url) as db:
        await load_sample_data(db, settings, KEY)
        yield db


async def new_order(db: Database, key: str = "key-1") -> Order:
    async with db.session() as session:
        user = await UserRepository(session).by_identity("console", "demo07")
        shop = (await session.exec(select(Shop).where(col(Shop.accepts_orders).is_(True)))).one()
        item = (await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id).limit(1))).one()
        assert user is not None and user.id is not None and item.id is not None
        order = Order(
            user_id=user.id,
            shop_id=shop.id or 0,
            channel="telegram",
            subtotal=item.price,
            total=item.price,
            idempotency_key=key,
        )
        line = OrderLine(
            order_id=0, menu_item_id=item.id, name=item.name, quantity=1, unit_price=item.price, line_total=item.price
        )
        placed = await OrderingRepository(session).place(order, [line])
    return placed.order


async def notices(db: Database) -> list[Notification]:
    async with db.session() as session:
        return list((await session.exec(select(Notification).order_by(col(Notification.id)))).all())


async def test_each_staff_move_reaches_the_customer_once(sample_db: Database) -> None:
    board = RecordingBoard()
    desk = OrderDesk(sample_db, OrderCatalogue(sample_db), board=board)
    order = await new_order(sample_db)
    assert order.id is not None

    accepted = await desk.set_status(order.id, "accepted", actor="slack:U1")
    again = await desk.set_status(order.id, "accepted", actor="slack:U2")  # a second click on the same button
    ready = await desk.set_status(order.id, "ready", actor="slack:U1")
    await desk.set_status(order.id, "picked_up", actor="slack:U1")

    assert (accepted.status, again.status, ready.status) == ("accepted", "accepted", "ready")
    assert accepted.shop_name == "든든버거 강남역점" and accepted.lines[0].quantity == 1
    assert [shown.status for shown in board.updated] == ["accepted", "ready", "picked_up"]
    sent = await notices(sample_db)
    assert [(n.kind, n.dedup_key) for n in sent] == [
        ("order_status", f"order:{order.id}:accepted"),
        ("order_status", f"order:{order.id}:ready"),
    ]
    assert sent[0].user_id == order.user_id and sent[0].payload["channel"] == "telegram"
    assert f"주문 #{order.id}" in sent[0].text and "접수" in sent[0].text
    assert "받아 가세요" in sent[1].text


async def test_a_rejection_needs_a_reason_and_tells_it(sample_db: Database) -> None:
    desk = OrderDesk(sample_db, OrderCatalogue(sample_db))
    order = await new_order(sample_db)
    assert order.id is not None
    with pytest.raises(ValueError, match="reason"):
        await desk.set_status(order.id, "rejected", actor="slack:U1", reason="  ")
    rejected = await desk.set_status(order.id, "rejected", actor="slack:U1", reason="재료가 다 떨어졌어요")
    assert rejected.reject_reason == "재료가 다 떨어졌어요"
    [notice] = await notices(sample_db)
    assert "재료가 다 떨어졌어요" in notice.text
    with pytest.raises(ValueError, match="cannot become"):
        await desk.set_status(order.id, "ready", actor="slack:U1")
    with pytest.raises(LookupError):
        await desk.set_status(order.id + 1000, "accepted", actor="slack:U1")
    assert len(await notices(sample_db)) == 1


async def test_two_staff_accepting_at_once_move_the_order_once(sample_db: Database) -> None:
    desk = OrderDesk(sample_db, OrderCatalogue(sample_db))
    order = await new_order(sample_db)
    assert order.id is not None
    results = await asyncio.gather(
        desk.set_status(order.id, "accepted", actor="slack:U1"),
        desk.set_status(order.id, "accepted", actor="slack:U2"),
        return_exceptions=True,
    )
    assert [getattr(result, "status", result) for result in results] == ["accepted", "accepted"]
    assert len(await notices(sample_db)) == 1


async def test_an_order_key_stores_one_order_however_often_it_is_placed(sample_db: Database) -> None:
    first, second = await asyncio.gather(new_order(sample_db, "same"), new_order(sample_db, "same"))
    assert first.id == second.id
    async with sample_db.session() as session:
        stored = (await session.exec(select(Order))).all()
        lines = (await session.exec(select(OrderLine))).all()
    assert len(stored) == 1 and len(lines) == 1
    assert stored[0].status == OrderStatus.PLACED
