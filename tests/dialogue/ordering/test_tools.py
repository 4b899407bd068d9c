"""The ordering tools as a language model calls them: JSON arguments checked by the registry, facts in ``data``, the
cart kept in the turn's session."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from bots.app import Services
from dialogue.account import card_view
from dialogue.messages import IncomingMessage
from dialogue.nlu.types import Understanding
from dialogue.ordering.catalogue import OrderCatalogue
from dialogue.ordering.orders import OrderDesk
from dialogue.ordering.service import CartService
from dialogue.ordering.tools import ordering_tools
from dialogue.session import Session
from dialogue.tools.registry import ToolRegistry
from dialogue.turn import TurnContext
from storage.hours import SEOUL
from storage.repositories import UserRepository
from tests.dialogue.ordering.script import sold_out

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)
BREAKFAST = datetime(2026, 11, 23, 8, 0, tzinfo=SEOUL)
EVENING = datetime(2026, 11, 23, 20, 0, tzinfo=SEOUL)


async def context(services: Services, user: str, now: datetime = LUNCH) -> TurnContext:
    async with services.db.session() as session:
        found = await UserRepository(session).profile("console", user)
    assert found is not None
    person, card, program = found
    assert card is not None and program is not None
    message = IncomingMessage("web", user, text="", received_at=now)
    return TurnContext(
        message,
        "",
        now,
        "turn",
        person,
        Session(key=f"s:{user}"),
        Understanding("", 0.0),
        card_view(card, program, now),
    )


async def test_a_model_orders_a_set_with_changes_and_checks_out(ordering_services: Services) -> None:
    catalogue = OrderCatalogue(ordering_services.db)
    tools = ToolRegistry(ordering_tools(CartService(catalogue), OrderDesk(ordering_services.db, catalogue)))
    ctx = await context(ordering_services, "demo07")

    found = await tools.call(ctx, "find_product", json.dumps({"query": "불고기 세트"}))
    assert found.data["products"][0]["name"] == "불고기버거 세트" and found.data["products"][0]["price"] == 6900
    assert found.data["products"][0]["components"] == ["불고기버거", "감자튀김 (M)", "콜라 (M)"]

    added = await tools.call(
        ctx,
        "add_to_cart",
        json.dumps(
            {"product": "불고기버거 세트", "quantity": 2, "changes": [{"component": "감자튀김", "to": "양념감자"}]}
        ),
    )
    assert added.error is None, added.data
    assert added.data["cart"]["total"] == 15000 and added.data["cart"]["lines"][0]["unit_price"] == 7500

    changed = await tools.call(ctx, "update_item", json.dumps({"line": 1, "change": {"to": "사이다"}}))
    assert changed.data["cart"]["lines"][0]["options"][-1] == "콜라 (M) → 사이다 (M) (+0원)"
    fewer = await tools.call(ctx, "update_item", json.dumps({"line": 1, "quantity": 1}))
    assert fewer.data["cart"]["total"] == 7500
    large = await tools.call(ctx, "add_to_cart", json.dumps({"product": "감자튀김 (L)"}))
    assert large.data["cart"]["lines"][-1]["name"] == "감자튀김 (L)" and large.data["cart"]["total"] == 10000
    await tools.call(ctx, "remove_item", json.dumps({"product": "감자튀김 (L)"}))

    refused = await tools.call(ctx, "add_to_cart", json.dumps({"product": "불고기버거 세트", "user_id": 3}))
    assert refused.error is not None and refused.invalid  # who orders comes from the turn, not the model

    placed = await tools.call(ctx, "checkout", json.dumps({}))
    assert placed.data["ok"] and placed.data["total"] == 7500 and placed.data["payment"] == "card"
    viewed = await tools.call(ctx, "view_cart", "{}")
    assert viewed.data["cart"]["lines"] == [] and viewed.data["cart"]["total"] == 0
    cancelled = await tools.call(ctx, "cancel_order", "{}")
    assert cancelled.data == {"ok": True, "order_id": placed.data["order_id"], "status": "cancelled"}


async def test_over_the_limit_the_model_learns_by_how_much_and_what_to_swap(ordering_services: Services) -> None:
    catalogue = OrderCatalogue(ordering_services.db)
    tools = ToolRegistry(ordering_tools(CartService(catalogue), OrderDesk(ordering_services.db, catalogue)))
    ctx = await context(ordering_services, "demo06")  # 9,500 won on the card
    await tools.call(ctx, "add_to_cart", json.dumps({"product": "한우불고기버거 세트"}))
    over = await tools.call(ctx, "checkout", "{}")
    assert over.error is not None
    assert (over.data["total"], over.data["spendable"], over.data["over"]) == (10500, 9500, 1000)
    assert over.data["swaps"][0] == {"change": "한우 불고기버거 세트 대신 한우 불고기버거 단품", "saving": 1600}
    removed = await tools.call(ctx, "remove_item", json.dumps({"product": "한우불고기버거 세트"}))
    assert removed.data["cart"]["lines"] == []


async def test_checkout_after_an_items_hours_tells_the_model_it_is_the_hour(ordering_services: Services) -> None:
    catalogue = OrderCatalogue(ordering_services.db)
    tools = ToolRegistry(ordering_tools(CartService(catalogue), OrderDesk(ordering_services.db, catalogue)))
    morning = await context(ordering_services, "demo07", BREAKFAST)
    added = await tools.call(morning, "add_to_cart", json.dumps({"product": "에그 치즈 머핀"}))
    assert added.error is None and added.data["cart"]["total"] == 3000
    later = replace(morning, now=LUNCH)
    stopped = await tools.call(later, "checkout", "{}")
    assert stopped.error == "not sold at this hour" and stopped.reply is not None
    assert "에그 치즈 머핀은 07:00~10:30에만 팔아서 지금은 주문할 수 없어요." in stopped.reply.text
    assert "품절" not in stopped.reply.text
    found = await tools.call(later, "find_product", json.dumps({"query": "에그 치즈 머핀"}))
    assert found.data["products"][0]["sold_out"] is True and found.reply is not None
    assert "(07:00~10:30에만 팔아요)" in found.reply.text and not found.reply.quick_replies


async def test_a_shop_named_by_the_model_sells_only_what_is_on_sale_now(ordering_services: Services) -> None:
    catalogue = OrderCatalogue(ordering_services.db)
    tools = ToolRegistry(ordering_tools(CartService(catalogue), OrderDesk(ordering_services.db, catalogue)))
    evening = await context(ordering_services, "demo07", EVENING)
    arguments = {"product": "에그 불고기 머핀", "shop": "든든버거 강남역점"}
    refused = await tools.call(evening, "add_to_cart", json.dumps(arguments))
    assert refused.error == "sold out" and refused.reply is not None
    assert "07:00~10:30에만 팔아서" in refused.reply.text
    morning = await context(ordering_services, "demo08", BREAKFAST)
    added = await tools.call(morning, "add_to_cart", json.dumps(arguments))
    assert added.error is None and added.data["cart"]["total"] == 3500


async def test_a_sold_out_size_is_shown_as_sold_out_among_the_others(ordering_services: Services) -> None:
    catalogue = OrderCatalogue(ordering_services.db)
    tools = ToolRegistry(ordering_tools(CartService(catalogue), OrderDesk(ordering_services.db, catalogue)))
    ctx = await context(ordering_services, "demo07")
    async with sold_out(ordering_services.db, "콜라 (M)"):
        found = await tools.call(ctx, "find_product", json.dumps({"query": "콜라"}))
    assert found.data["products"][0]["name"] == "콜라 (L)" and found.reply is not None
    assert [(v["name"], v["sold_out"]) for v in found.data["variants"]] == [("콜라 (M)", True)]
    assert "다른 선택: 콜라 (M) (품절) 2,000원." in found.reply.text
