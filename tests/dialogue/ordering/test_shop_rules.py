"""What the burger shop decides itself, through the real engine: items sold only at some hours, and a change
priced by the shop's own rule.

The breakfast muffins (their set too) are sold from 07:00 to 10:30, soft-serve from 11:00 to 22:00. Outside its
hours an item is not added and the reply says when it is sold; a cart that still holds one when its hours end is
stopped at checkout. Water instead of a set's cola is 500 won less, a discount the shop wrote.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from storage.hours import SEOUL
from storage.models import OrderLine
from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Conversation, Press, Say, orders_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

MUFFIN = "에그 불고기 머핀"
MUFFIN_HOURS = f"{MUFFIN}은 07:00~10:30에만 팔아서 지금은 주문할 수 없어요."


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=SEOUL)  # a Monday


def talk(app: OrderingApp, user: str, moment: datetime) -> Conversation:
    return Conversation(app.engine, app.services.kv, user, moment)


async def test_a_breakfast_item_is_added_in_the_morning(ordering_app: OrderingApp) -> None:
    await talk(ordering_app, "demo40", at(8)).play(
        [
            Say(f"{MUFFIN} 하나 주세요", (f"{MUFFIN} x1",), 3500, says="3,500원"),
            Say(f"{MUFFIN} 세트도 하나", (f"{MUFFIN} x1", f"{MUFFIN} 세트 x1"), 8400, says="해시브라운, 우유"),
            Say("주문할게", (), 0, says="주문번호"),
        ]
    )
    [order] = await orders_of(ordering_app.services.db, "demo40")
    assert order.total == 8400


async def test_the_shop_suggests_its_breakfast_set_only_in_the_morning(ordering_app: OrderingApp) -> None:
    await talk(ordering_app, "demo46", at(8)).play(
        [Say("든든버거에서 주문할래", (), 0, says=f"예: {MUFFIN} 세트 4,900원")]
    )
    evening = talk(ordering_app, "demo47", at(20))
    await evening.play([Say("든든버거에서 주문할래", (), 0, says="예: 데리야끼버거 세트 5,900원")])
    assert not any(MUFFIN in button.label for button in evening.buttons)


async def test_in_the_evening_a_breakfast_item_is_refused_with_its_hours(ordering_app: OrderingApp) -> None:
    conversation = talk(ordering_app, "demo41", at(20))
    await conversation.play(
        [
            Say(f"{MUFFIN} 하나 주세요", (), 0, says=MUFFIN_HOURS),
            Say(f"{MUFFIN} 세트 하나 주세요", (), 0, says=f"{MUFFIN} 세트는 07:00~10:30에만 팔아서"),
        ]
    )
    assert not any(MUFFIN in button.label for button in conversation.buttons)  # the alternatives are on sale
    await conversation.play([Press("불고기버거 세트", ("불고기버거 세트 x1",), 6900)])


async def test_soft_serve_waits_for_eleven(ordering_app: OrderingApp) -> None:
    await talk(ordering_app, "demo42", at(10, 59)).play(
        [Say("소프트콘 하나", (), 0, says="소프트콘은 11:00~22:00에만 팔아서 지금은 주문할 수 없어요.")]
    )
    await talk(ordering_app, "demo42", at(11)).play([Say("소프트콘 하나", ("소프트콘 x1",), 800)])


async def test_a_cart_holding_a_breakfast_item_after_its_hours_stops_at_checkout(ordering_app: OrderingApp) -> None:
    await talk(ordering_app, "demo43", at(10, 20)).play(
        [Say(f"{MUFFIN} 하나랑 콜라 하나", (f"{MUFFIN} x1", "콜라 (M) x1"), 5500)]
    )
    late = talk(ordering_app, "demo43", at(10, 45))
    await late.play(
        [
            Say("주문할게", (f"{MUFFIN} x1", "콜라 (M) x1"), 5500, says=f"{MUFFIN_HOURS} 빼고 다시 주문해 주세요."),
        ]
    )
    assert late.last is not None and "품절" not in late.last.text
    assert await orders_of(ordering_app.services.db, "demo43") == []
    await late.play(
        [
            Press(f"{MUFFIN} 빼기", ("콜라 (M) x1",), 2000),
            Say("주문할게", (), 0, says="주문번호"),
        ]
    )
    [order] = await orders_of(ordering_app.services.db, "demo43")
    assert order.total == 2000


async def test_water_instead_of_the_sets_cola_is_500_won_less(ordering_app: OrderingApp) -> None:
    await talk(ordering_app, "demo48", at(12, 30)).play(
        [
            Say("불고기버거 세트 하나 주세요", ("불고기버거 세트 x1",), 6900),
            Say("콜라는 생수로", ("불고기버거 세트 x1 / 생수",), 6400, says="콜라 (M)을 생수로 바꿨어요 (-500원)."),
            Say("하나 더", ("불고기버거 세트 x2 / 생수",), 12800),
            Say("장바구니 보여줘", ("불고기버거 세트 x2 / 생수",), 12800, says="- 콜라 (M) → 생수 (-500원)"),
            Say("주문할게", (), 0, says="합계 12,800원"),
        ]
    )
    [order] = await orders_of(ordering_app.services.db, "demo48")
    async with ordering_app.services.db.session() as session:
        [line] = (await session.exec(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    assert (order.total, line.unit_price, line.quantity) == (12800, 6400, 2)
    assert [(o["from"], o["to"], o["delta"]) for o in line.options] == [("콜라 (M)", "생수", -500)]
    [posted] = [shown for shown in ordering_app.board.posted if shown.order_id == order.id]
    assert posted.lines[0].options == ("콜라 (M) → 생수 (-500원)",)


async def test_back_to_the_cola_costs_the_500_won_again(ordering_app: OrderingApp) -> None:
    await talk(ordering_app, "demo49", at(12, 30)).play(
        [
            Say("불고기버거 세트 하나 주세요", ("불고기버거 세트 x1",), 6900),
            Say("콜라 생수로 바꿔줘", ("불고기버거 세트 x1 / 생수",), 6400),
            Say("생수 원래대로", ("불고기버거 세트 x1",), 6900, says="콜라 (M)을 원래대로 돌렸어요 (+500원)."),
        ]
    )
