"""Ordering conversations through the real engine and the offline understanding, each line with the cart after it.

The sample burger shop (버거리아 강남역점, open 10:00-22:00) sells sets of a burger, 포테이토 (미디움) and 콜라 (미디움);
changing the side to 양념감자 costs 600 won, the cola to 사이다 nothing. demo07's card can pay 28,500 won today,
demo06's 9,500 and demo44's 10,000 (their balances), demo38's card is suspended. The conversations share one
engine; each has a user of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlmodel import col, select

from storage.hours import SEOUL
from storage.models import MenuItem, Order, OrderLine, OrderStatus, Shop
from storage.repositories import UserRepository
from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Conversation, Press, Say

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def app(ordering_app: OrderingApp) -> OrderingApp:
    return ordering_app


LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday
LATE = datetime(2026, 11, 23, 23, 10, tzinfo=SEOUL)

BULGOGI_SET = "리아 불고기버거 세트"


def talk(app: OrderingApp, user: str, at: datetime = LUNCH) -> Conversation:
    """A conversation of ``user``; every test has a user of its own, so carts and orders never mix."""
    return Conversation(app.engine, app.services.kv, user, at)


async def orders_of(app: OrderingApp, user: str) -> list[Order]:
    async with app.services.db.session() as session:
        found = await UserRepository(session).by_identity("console", user)
        assert found is not None
        statement = select(Order).where(Order.user_id == found.id).order_by(col(Order.id))
        return list((await session.exec(statement)).all())


@asynccontextmanager
async def sold_out(app: OrderingApp, name: str) -> AsyncIterator[None]:
    """The burger shop's item marked sold out (as staff would, in the database only) for the block, then available."""

    async def mark(value: bool) -> None:
        async with app.services.db.session() as session:
            burger_shop = select(Shop.id).where(col(Shop.accepts_orders).is_(True))
            statement = select(MenuItem).where(MenuItem.name == name, col(MenuItem.shop_id).in_(burger_shop))
            item = (await session.exec(statement)).one()
            item.sold_out = value
            session.add(item)

    await mark(True)
    try:
        yield
    finally:
        await mark(False)


async def test_the_burger_set_order_from_the_brief(app: OrderingApp) -> None:
    await talk(app, "demo07").play(
        [
            Say("불고기버거 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900, says="6,900원"),
            Say("감자튀김 양념감자로 바꿔줘", (f"{BULGOGI_SET} x1 / 양념감자 (어니언)",), 7500, says="+600원"),
            Say("콜라 사이다로", (f"{BULGOGI_SET} x1 / 양념감자 (어니언) / 사이다 (미디움)",), 7500, says="+0원"),
            Say(
                "장바구니 보여줘",
                (f"{BULGOGI_SET} x1 / 양념감자 (어니언) / 사이다 (미디움)",),
                7500,
                says="합계 7,500원",
            ),
            Say("주문할게", (), 0, says="주문번호 #"),
        ]
    )
    [order] = await orders_of(app, "demo07")
    assert (order.status, order.total, order.payment_method, order.card_id is not None) == (
        "placed",
        7500,
        "card",
        True,
    )
    async with app.services.db.session() as session:
        [line] = (await session.exec(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    assert (line.name, line.quantity, line.unit_price, line.line_total) == (BULGOGI_SET, 1, 7500, 7500)
    assert [(o["to"], o["delta"]) for o in line.options] == [("양념감자 (어니언)", 600), ("사이다 (미디움)", 0)]
    [posted] = [shown for shown in app.board.posted if shown.order_id == order.id]
    assert posted.order_id == order.id and posted.total == 7500 and posted.slack_channel == "#kkini-burgeria"
    assert posted.lines[0].options == (
        "포테이토 (미디움) → 양념감자 (어니언) (+600원)",
        "콜라 (미디움) → 사이다 (미디움) (+0원)",
    )
    assert order.staff_message_ref == f"ts-{order.id}"  # kept to update the staff's message later


async def test_cancelling_an_order_the_shop_has_not_accepted(app: OrderingApp) -> None:
    await talk(app, "demo10").play(
        [
            Say("데리버거 세트 하나 주세요", ("데리버거 세트 x1",), 6100),
            Say("주문할게", (), 0, says="주문을 보냈어요"),
            Say("주문 취소할래", (), 0, says="취소했어요"),
            Say("주문 취소할래", (), 0, says="취소할 주문이 없어요"),
        ]
    )
    [order] = await orders_of(app, "demo10")
    assert order.status == OrderStatus.CANCELLED
    assert [shown.status for shown in app.board.updated if shown.order_id == order.id] == ["cancelled"]


async def test_cancelling_before_ordering_empties_the_cart(app: OrderingApp) -> None:
    await talk(app, "demo11").play(
        [
            Say("치즈스틱 두 개 주세요", ("치즈스틱 x2",), 5600),
            Say("주문 취소할래", (), 0, says="장바구니를 비웠어요"),
        ]
    )
    assert await orders_of(app, "demo11") == []


async def test_a_sold_out_item_is_not_added_and_alternatives_are_offered(app: OrderingApp) -> None:
    async with sold_out(app, "치즈스틱"):
        await talk(app, "demo12").play(
            [
                Say("치즈스틱 하나 주세요", (), 0, says="품절"),
                Press("롱 치즈스틱", ("롱 치즈스틱 x1",), 2400),
            ]
        )


async def test_an_item_sold_out_after_it_was_added_stops_checkout(app: OrderingApp) -> None:
    conversation = talk(app, "demo13")
    await conversation.play(
        [
            Say("새우버거 세트 하나랑 치즈스틱 하나", ("리아 새우버거 세트 x1", "치즈스틱 x1"), 10100),
        ]
    )
    async with sold_out(app, "치즈스틱"):
        await conversation.play(
            [
                Say("주문할게", ("리아 새우버거 세트 x1", "치즈스틱 x1"), 10100, says="품절됐어요"),
                Press("치즈스틱 빼기", ("리아 새우버거 세트 x1",), 7300),
                Say("주문할게", (), 0, says="주문번호"),
            ]
        )
    [order] = await orders_of(app, "demo13")
    assert order.total == 7300


async def test_an_order_over_what_the_card_can_pay_today_suggests_swaps(app: OrderingApp) -> None:
    await talk(app, "demo06").play(
        [
            Say("한우불고기버거 세트 하나 주세요", ("한우불고기버거 세트 x1",), 10200),
            Say("주문할게", ("한우불고기버거 세트 x1",), 10200, says="700원이 넘어요"),
            Press("단품으로", ("한우불고기버거 x1",), 9000),
            Say("주문할게", (), 0, says="주문번호"),
        ]
    )
    [order] = await orders_of(app, "demo06")
    assert (order.total, order.payment_method) == (9000, "card")


async def test_undoing_an_option_brings_an_order_within_the_limit(app: OrderingApp) -> None:
    await talk(app, "demo44").play(
        [
            Say("에그 김치 불고기버거 세트 하나", ("에그 김치 불고기버거 세트 x1",), 9500),
            Say("감자는 양념감자로 바꿔줘", ("에그 김치 불고기버거 세트 x1 / 양념감자 (어니언)",), 10100),
            Say("결제할게요", ("에그 김치 불고기버거 세트 x1 / 양념감자 (어니언)",), 10100, says="100원이 넘어요"),
            Press("양념감자 원래대로", ("에그 김치 불고기버거 세트 x1",), 9500),
            Say("이대로 주문할게", (), 0, says="주문번호"),
        ]
    )


async def test_one_more_and_taking_out_the_last_line(app: OrderingApp) -> None:
    await talk(app, "demo34").play(
        [
            Say("데리버거 하나 주세요", ("데리버거 x1",), 3700),
            Say("하나 더", ("데리버거 x2",), 7400),
            Say("콜라 하나 주세요", ("데리버거 x2", "콜라 (미디움) x1"), 9400),
            Say("아까 그거 빼줘", ("데리버거 x2",), 7400),
            Say("하나 더", ("데리버거 x3",), 11100),
            Say("하나 빼줘", ("데리버거 x2",), 7400),
        ]
    )


async def test_several_items_in_one_message(app: OrderingApp) -> None:
    await talk(app, "demo14").play(
        [
            Say("새우버거 세트 두 개랑 치즈스틱 하나 주세요", ("리아 새우버거 세트 x2", "치즈스틱 x1"), 17400),
            Say("콜라 라지 하나도 주세요", ("리아 새우버거 세트 x2", "치즈스틱 x1", "콜라 (라지) x1"), 19600),
        ]
    )


async def test_a_set_with_its_drink_changed_in_the_same_message(app: OrderingApp) -> None:
    await talk(app, "demo15").play(
        [
            Say("치킨버거 세트 하나 음료는 사이다로 주세요", ("치킨버거 세트 x1 / 사이다 (미디움)",), 6700),
            Say("콜라 대신 제로콜라로", ("치킨버거 세트 x1 / 제로슈거콜라 (미디움)",), 6700),
        ]
    )


async def test_an_unclear_product_is_asked_about_with_buttons(app: OrderingApp) -> None:
    await talk(app, "demo16").play(
        [
            Say("버거 하나 주세요", (), 0, says="어떤 걸로 담을까요"),
            Press("리아 새우버거", ("리아 새우버거 x1",), 5000),
        ]
    )


async def test_typos_spacing_and_slang_find_the_product(app: OrderingApp) -> None:
    await talk(app, "demo17").play(
        [
            Say("불고기벼거 세트 하나요", (f"{BULGOGI_SET} x1",), 6900),
            Say("감튀 하나 추가", (f"{BULGOGI_SET} x1", "포테이토 (미디움) x1"), 8900),
            Say("양념 감자 주세요", (f"{BULGOGI_SET} x1", "포테이토 (미디움) x1", "양념감자 (어니언) x1"), 11500),
        ]
    )


async def test_a_larger_size_for_the_whole_set(app: OrderingApp) -> None:
    await talk(app, "demo18").play(
        [
            Say("데리버거 세트 하나", ("데리버거 세트 x1",), 6100),
            Say("라지로 바꿔줘", ("데리버거 세트 x1 / 포테이토 (라지) / 콜라 (라지)",), 6800, says="+700원"),
        ]
    )


async def test_another_flavour_by_its_button(app: OrderingApp) -> None:
    await talk(app, "demo19").play(
        [
            Say("불고기 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900),
            Say("감자 양념감자로", (f"{BULGOGI_SET} x1 / 양념감자 (어니언)",), 7500, says="다른 맛"),
            Press("칠리", (f"{BULGOGI_SET} x1 / 양념감자 (칠리)",), 7500),
        ]
    )


async def test_a_component_changes_only_within_its_group(app: OrderingApp) -> None:
    await talk(app, "demo21").play(
        [
            Say("치킨버거 세트 하나", ("치킨버거 세트 x1",), 6700),
            Say("감자튀김 사이다로 바꿔줘", ("치킨버거 세트 x1",), 6700, says="사이드끼리만"),
            Say("감자튀김 치즈스틱으로 바꿔줘", ("치킨버거 세트 x1 / 치즈스틱",), 7500, says="+800원"),
        ]
    )


async def test_toppings_go_on_the_burger_and_come_off_again(app: OrderingApp) -> None:
    await talk(app, "demo22").play(
        [
            Say("클래식 치즈버거 하나 주세요", ("클래식 치즈버거 x1",), 5500),
            Say("베이컨 토핑 추가해줘", ("클래식 치즈버거 x1 + 베이컨토핑",), 6500),
            Say("하나 더", ("클래식 치즈버거 x2 + 베이컨토핑",), 13000),
            Say("베이컨토핑 빼줘", ("클래식 치즈버거 x2",), 11000),
        ]
    )


async def test_a_single_becomes_a_set_and_back(app: OrderingApp) -> None:
    await talk(app, "demo23").play(
        [
            Say("새우버거 하나 주세요", ("리아 새우버거 x1",), 5000),
            Say("세트로 바꿔줘", ("리아 새우버거 세트 x1",), 7300, says="+2,300원"),
            Say("음료는 아이스티로", ("리아 새우버거 세트 x1 / 아이스티 (미디움)",), 7600),
            Say("단품으로 바꿔줘", ("리아 새우버거 x1",), 5000),
        ]
    )


async def test_quantities_are_set_and_lowered(app: OrderingApp) -> None:
    await talk(app, "demo24").play(
        [
            Say("사이다 하나 주세요", ("사이다 (미디움) x1",), 2000),
            Say("3개로 해줘", ("사이다 (미디움) x3",), 6000),
            Say("사이다 하나 빼줘", ("사이다 (미디움) x2",), 4000),
            Say("콜라로 바꿔줘", ("콜라 (미디움) x2",), 4000),
        ]
    )


async def test_emptying_the_cart(app: OrderingApp) -> None:
    await talk(app, "demo25").play(
        [
            Say("T-Rex버거 세트 하나랑 코울슬로 하나", ("T-Rex버거 세트 x1", "코울슬로 x1"), 9200),
            Say("장바구니 비워줘", (), 0, says="비웠어요"),
            Say("장바구니 보여줘", (), 0, says="비어 있어요"),
        ]
    )


async def test_a_closed_shop_keeps_the_cart_until_it_opens(app: OrderingApp) -> None:
    await talk(app, "demo26", at=LATE).play(
        [
            Say("핫 크리스피치킨버거 세트 하나", ("핫 크리스피치킨버거 세트 x1",), 8300),
            Say("주문할게", ("핫 크리스피치킨버거 세트 x1",), 8300, says="내일 10:00에 열어요"),
        ]
    )
    assert await orders_of(app, "demo26") == []


async def test_saying_order_twice_places_one_order(app: OrderingApp) -> None:
    await talk(app, "demo27").play(
        [
            Say("더블 치킨버거 세트 하나", ("더블 치킨버거 세트 x1",), 8000),
            Say("주문할게", (), 0, says="주문번호"),
            Say("주문할게", (), 0, says="이미 가게에 보냈어요"),
        ]
    )
    [order] = await orders_of(app, "demo27")
    assert [shown.order_id for shown in app.board.posted].count(order.id) == 1


async def test_a_suspended_card_orders_with_payment_at_the_shop(app: OrderingApp) -> None:
    await talk(app, "demo38").play(
        [
            Say("치킨너겟 하나 주세요", ("치킨너겟 x1",), 3100),
            Say("주문할게", ("치킨너겟 x1",), 3100, says="카드를 지금 쓸 수 없어요"),
            Press("현장 결제", (), 0, says="현장 결제"),
        ]
    )
    [order] = await orders_of(app, "demo38")
    assert (order.payment_method, order.card_id) == ("cash", None)


async def test_ordering_starts_from_the_shop_name(app: OrderingApp) -> None:
    await talk(app, "demo28").play(
        [
            Say("버거리아에서 주문할래", (), 0, says="무엇을 담을까요"),
            Press("데리버거 세트", ("데리버거 세트 x1",), 6100),
        ]
    )


async def test_a_cart_edit_misread_as_another_intent_still_edits_the_cart(app: OrderingApp) -> None:
    await talk(app, "demo36").play(
        [
            Say("치즈스틱 하나랑 콜라 하나", ("치즈스틱 x1", "콜라 (미디움) x1"), 4800),
            Say("콜라 빼줘", ("치즈스틱 x1",), 2800),
            Say("실비김치로 바꾸기", ("양념감자 (실비김치) x1",), 2600),
            Say("오이 빼주세요", ("양념감자 (실비김치) x1",), 2600),
        ]
    )
