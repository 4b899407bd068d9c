"""Ordering conversations through the real engine and the offline understanding, each line with the cart after it.

The sample burger shop (든든버거 강남역점, open 07:00-01:00) sells sets of a burger, 감자튀김 (M) and 콜라 (M);
changing the side to 양념감자 costs 600 won, the cola to 사이다 nothing. demo07's card can pay 28,500 won today,
demo06's 9,500 and demo44's 10,000 (their balances), demo38's card is suspended. The conversations share one
engine; each has a user of its own.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from storage.hours import SEOUL
from storage.models import OrderLine, OrderStatus
from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Conversation, Press, Say, orders_of, sold_out

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def app(ordering_app: OrderingApp) -> OrderingApp:
    return ordering_app


LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday
LATE = datetime(2026, 11, 24, 1, 30, tzinfo=SEOUL)  # Monday's opening hours ended at 01:00

BULGOGI_SET = "불고기버거 세트"


def talk(app: OrderingApp, user: str, at: datetime = LUNCH) -> Conversation:
    """A conversation of ``user``; every test has a user of its own, so carts and orders never mix."""
    return Conversation(app.engine, app.services.kv, user, at)


async def test_the_burger_set_order_from_the_brief(app: OrderingApp) -> None:
    await talk(app, "demo07").play(
        [
            Say("불고기버거 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900, says="6,900원"),
            Say("감자튀김 양념감자로 바꿔줘", (f"{BULGOGI_SET} x1 / 양념감자 (칠리)",), 7500, says="+600원"),
            Say("콜라 사이다로", (f"{BULGOGI_SET} x1 / 양념감자 (칠리) / 사이다 (M)",), 7500, says="+0원"),
            Say(
                "장바구니 보여줘",
                (f"{BULGOGI_SET} x1 / 양념감자 (칠리) / 사이다 (M)",),
                7500,
                says="합계 7,500원",
            ),
            Say("주문할게", (), 0, says="주문번호 #"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo07")
    assert (order.status, order.total, order.payment_method, order.card_id is not None) == (
        "placed",
        7500,
        "card",
        True,
    )
    async with app.services.db.session() as session:
        [line] = (await session.exec(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    assert (line.name, line.quantity, line.unit_price, line.line_total) == (BULGOGI_SET, 1, 7500, 7500)
    assert [(o["to"], o["delta"]) for o in line.options] == [("양념감자 (칠리)", 600), ("사이다 (M)", 0)]
    [posted] = [shown for shown in app.board.posted if shown.order_id == order.id]
    assert posted.order_id == order.id and posted.total == 7500 and posted.slack_channel == "#kkini-dundeun-burger"
    assert posted.lines[0].options == (
        "감자튀김 (M) → 양념감자 (칠리) (+600원)",
        "콜라 (M) → 사이다 (M) (+0원)",
    )
    assert order.staff_message_ref == f"ts-{order.id}"  # kept to update the staff's message later


async def test_cancelling_an_order_the_shop_has_not_accepted(app: OrderingApp) -> None:
    await talk(app, "demo10").play(
        [
            Say("데리버거 세트 하나 주세요", ("데리야끼버거 세트 x1",), 5900),
            Say("주문할게", (), 0, says="주문을 보냈어요"),
            Say("주문 취소할래", (), 0, says="취소했어요"),
            Say("주문 취소할래", (), 0, says="취소할 주문이 없어요"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo10")
    assert order.status == OrderStatus.CANCELLED
    assert [shown.status for shown in app.board.updated if shown.order_id == order.id] == ["cancelled"]


async def test_cancelling_before_ordering_empties_the_cart(app: OrderingApp) -> None:
    await talk(app, "demo11").play(
        [
            Say("치즈스틱 두 개 주세요", ("치즈스틱 x2",), 5200),
            Say("주문 취소할래", (), 0, says="장바구니를 비웠어요"),
        ]
    )
    assert await orders_of(app.services.db, "demo11") == []


async def test_a_sold_out_item_is_not_added_and_alternatives_are_offered(app: OrderingApp) -> None:
    async with sold_out(app.services.db, "치즈스틱"):
        await talk(app, "demo12").play(
            [
                Say(
                    "치즈스틱 하나 주세요",
                    (),
                    0,
                    # One flavour of 양념감자 among other sides, not its three flavours.
                    says="치즈스틱은 지금 품절이에요. 대신 이건 어때요? 양념감자 (칠리) 2,600원, 감자튀김 (L) 2,500원, "
                    "코울슬로 1,800원",
                ),
                Press("양념감자 (칠리)", ("양념감자 (칠리) x1",), 2600),
            ]
        )


async def test_a_size_sold_out_is_not_offered_and_back_in_stock_is_taken_again(app: OrderingApp) -> None:
    conversation = talk(app, "demo30")
    async with sold_out(app.services.db, "콜라 (M)"):
        await conversation.play(
            [Say("콜라 하나 주세요", ("콜라 (L) x1",), 2300, says="콜라 (L) 1개를 담았어요 (2,300원).")]
        )
    assert conversation.last is not None and "콜라 (M)" not in conversation.last.text  # no "다른 선택: 콜라 (M)"
    # Restocked: at once, not when the cached menu expires.
    await talk(app, "demo31").play([Say("콜라 하나 주세요", ("콜라 (M) x1",), 2000)])


async def test_an_item_sold_out_after_it_was_added_stops_checkout(app: OrderingApp) -> None:
    conversation = talk(app, "demo13")
    await conversation.play(
        [
            Say("새우버거 세트 하나랑 치즈스틱 하나", ("새우버거 세트 x1", "치즈스틱 x1"), 9500),
        ]
    )
    async with sold_out(app.services.db, "치즈스틱"):
        await conversation.play(
            [
                Say("주문할게", ("새우버거 세트 x1", "치즈스틱 x1"), 9500, says="품절됐어요"),
                Press("치즈스틱 빼기", ("새우버거 세트 x1",), 6900),
                Say("주문할게", (), 0, says="주문번호"),
            ]
        )
    [order] = await orders_of(app.services.db, "demo13")
    assert order.total == 6900


async def test_an_order_over_what_the_card_can_pay_today_suggests_swaps(app: OrderingApp) -> None:
    await talk(app, "demo06").play(
        [
            Say("한우불고기버거 세트 하나 주세요", ("한우 불고기버거 세트 x1",), 10500),
            Say("주문할게", ("한우 불고기버거 세트 x1",), 10500, says="1,000원이 넘어요"),
            Press("단품으로", ("한우 불고기버거 x1",), 8900),
            Say("주문할게", (), 0, says="주문번호"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo06")
    assert (order.total, order.payment_method) == (8900, "card")


async def test_undoing_an_option_brings_an_order_within_the_limit(app: OrderingApp) -> None:
    changed = "더블 치즈버거 세트 x1 / 양념감자 (칠리) / 오렌지주스"
    await talk(app, "demo44").play(
        [
            Say("더블 치즈버거 세트 하나", ("더블 치즈버거 세트 x1",), 9000),
            Say("감자는 양념감자로 바꿔줘", ("더블 치즈버거 세트 x1 / 양념감자 (칠리)",), 9600),
            Say("음료는 오렌지주스로", (changed,), 10100, says="+500원"),
            Say("결제할게요", (changed,), 10100, says="100원이 넘어요"),
            Press(
                "양념감자 원래대로", ("더블 치즈버거 세트 x1 / 오렌지주스",), 9500, says="원래대로 돌렸어요 (-600원)."
            ),
            Say("이대로 주문할게", (), 0, says="주문번호"),
        ]
    )


async def test_one_more_and_taking_out_the_last_line(app: OrderingApp) -> None:
    await talk(app, "demo34").play(
        [
            Say("데리버거 하나 주세요", ("데리야끼버거 x1",), 3800),
            Say("하나 더", ("데리야끼버거 x2",), 7600),
            Say("콜라 하나 주세요", ("데리야끼버거 x2", "콜라 (M) x1"), 9600),
            Say("아까 그거 빼줘", ("데리야끼버거 x2",), 7600),
            Say("하나 더", ("데리야끼버거 x3",), 11400),
            Say("하나 빼줘", ("데리야끼버거 x2",), 7600),
        ]
    )


async def test_several_items_in_one_message(app: OrderingApp) -> None:
    await talk(app, "demo14").play(
        [
            Say("새우버거 세트 두 개랑 치즈스틱 하나 주세요", ("새우버거 세트 x2", "치즈스틱 x1"), 16400),
            Say("콜라 라지 하나도 주세요", ("새우버거 세트 x2", "치즈스틱 x1", "콜라 (L) x1"), 18700),
        ]
    )


async def test_a_set_with_its_drink_changed_in_the_same_message(app: OrderingApp) -> None:
    await talk(app, "demo15").play(
        [
            Say("치킨버거 세트 하나 음료는 사이다로 주세요", ("치킨버거 세트 x1 / 사이다 (M)",), 6500),
            Say("콜라 대신 제로콜라로", ("치킨버거 세트 x1 / 제로콜라 (M)",), 6500),
        ]
    )


async def test_an_unclear_product_is_asked_about_with_buttons(app: OrderingApp) -> None:
    await talk(app, "demo16").play(
        [
            Say("버거 하나 주세요", (), 0, says="어떤 걸로 담을까요"),
            Press("새우버거", ("새우버거 x1",), 5000),
        ]
    )


async def test_typos_spacing_and_slang_find_the_product(app: OrderingApp) -> None:
    await talk(app, "demo17").play(
        [
            Say("불고기벼거 세트 하나요", (f"{BULGOGI_SET} x1",), 6900),
            Say("감튀 하나 추가", (f"{BULGOGI_SET} x1", "감자튀김 (M) x1"), 8900),
            Say(
                "양념 감자 주세요",
                (f"{BULGOGI_SET} x1", "감자튀김 (M) x1", "양념감자 (칠리) x1"),
                11500,
                says="다른 선택: 치즈, 어니언.",  # flavours at one price, by their labels
            ),
        ]
    )


async def test_a_count_in_a_products_name_is_not_a_quantity(app: OrderingApp) -> None:
    """치킨너겟 (8조각) is one box of eight pieces, however it is said or pressed."""
    await talk(app, "demo32").play(
        [
            Say("치킨너겟 8조각 하나 주세요", ("치킨너겟 (8조각) x1",), 3900),
            Say("너겟 4조각 두 개", ("치킨너겟 (8조각) x1", "치킨너겟 (4조각) x2"), 8300),
        ]
    )
    async with sold_out(app.services.db, "치킨너겟 (4조각)"):
        await talk(app, "demo33").play(
            [
                Say("치킨너겟 4조각 하나 주세요", (), 0, says="치킨너겟 (4조각)은 지금 품절이에요."),
                Press("치킨너겟 (8조각)", ("치킨너겟 (8조각) x1",), 3900),
            ]
        )


async def test_a_larger_size_for_the_whole_set(app: OrderingApp) -> None:
    await talk(app, "demo18").play(
        [
            Say("데리버거 세트 하나", ("데리야끼버거 세트 x1",), 5900),
            Say("라지로 바꿔줘", ("데리야끼버거 세트 x1 / 감자튀김 (L) / 콜라 (L)",), 6700, says="+800원"),
        ]
    )


async def test_another_flavour_by_its_button(app: OrderingApp) -> None:
    await talk(app, "demo19").play(
        [
            Say("불고기 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900),
            Say("감자 양념감자로", (f"{BULGOGI_SET} x1 / 양념감자 (칠리)",), 7500, says="다른 맛"),
            Press("어니언", (f"{BULGOGI_SET} x1 / 양념감자 (어니언)",), 7500),
        ]
    )


async def test_a_component_changes_only_within_its_group(app: OrderingApp) -> None:
    await talk(app, "demo21").play(
        [
            Say("치킨버거 세트 하나", ("치킨버거 세트 x1",), 6500),
            Say("감자튀김 사이다로 바꿔줘", ("치킨버거 세트 x1",), 6500, says="사이드끼리만"),
            Say("감자튀김 치즈스틱으로 바꿔줘", ("치킨버거 세트 x1 / 치즈스틱",), 7100, says="+600원"),
        ]
    )


async def test_toppings_go_on_the_burger_and_come_off_again(app: OrderingApp) -> None:
    await talk(app, "demo22").play(
        [
            Say("치즈버거 하나 주세요", ("치즈버거 x1",), 5300),
            Say("베이컨 토핑 추가해줘", ("치즈버거 x1 + 베이컨토핑",), 6300),
            Say("하나 더", ("치즈버거 x2 + 베이컨토핑",), 12600),
            Say("베이컨토핑 빼줘", ("치즈버거 x2",), 10600),
        ]
    )


async def test_cheese_added_to_a_burger_is_the_topping_not_the_cheeseburger(app: OrderingApp) -> None:
    """치즈 is 치즈버거 without its head word as much as 치즈토핑; "추가" on a burger means the topping."""
    await talk(app, "demo29").play(
        [
            Say("치즈버거 하나 주세요", ("치즈버거 x1",), 5300),
            Say("치즈 추가", ("치즈버거 x1 + 치즈토핑",), 6000, says="치즈토핑을 추가했어요 (+700원)"),
            Say("계란 올려줘", ("치즈버거 x1 + 치즈토핑 + 계란토핑",), 6800),
            Say("감튀 하나 추가", ("치즈버거 x1 + 치즈토핑 + 계란토핑", "감자튀김 (M) x1"), 8800),
            Say(
                "치즈스틱 두 개 추가요", ("치즈버거 x1 + 치즈토핑 + 계란토핑", "감자튀김 (M) x1", "치즈스틱 x2"), 14000
            ),
        ]
    )


async def test_a_single_becomes_a_set_and_back(app: OrderingApp) -> None:
    await talk(app, "demo23").play(
        [
            Say("새우버거 하나 주세요", ("새우버거 x1",), 5000),
            Say("세트로 바꿔줘", ("새우버거 세트 x1",), 6900, says="+1,900원"),
            Say("음료는 아이스티로", ("새우버거 세트 x1 / 아이스티 (M)",), 7200),
            Say("단품으로 바꿔줘", ("새우버거 x1",), 5000),
        ]
    )


async def test_quantities_are_set_and_lowered(app: OrderingApp) -> None:
    await talk(app, "demo24").play(
        [
            Say("사이다 하나 주세요", ("사이다 (M) x1",), 2000),
            Say("3개로 해줘", ("사이다 (M) x3",), 6000),
            Say("사이다 하나 빼줘", ("사이다 (M) x2",), 4000),
            Say("콜라로 바꿔줘", ("콜라 (M) x2",), 4000),
        ]
    )


async def test_emptying_the_cart(app: OrderingApp) -> None:
    await talk(app, "demo25").play(
        [
            Say("매운 치킨버거 세트 하나랑 코울슬로 하나", ("매운 치킨버거 세트 x1", "코울슬로 x1"), 9600),
            Say("장바구니 비워줘", (), 0, says="비웠어요"),
            Say("장바구니 보여줘", (), 0, says="비어 있어요"),
        ]
    )


async def test_a_closed_shop_keeps_the_cart_until_it_opens(app: OrderingApp) -> None:
    await talk(app, "demo26", at=LATE).play(
        [
            Say("매운 치킨버거 세트 하나", ("매운 치킨버거 세트 x1",), 7800),
            Say(
                "주문할게",
                ("매운 치킨버거 세트 x1",),
                7800,
                says="영업시간이 아니라 주문을 보낼 수 없어요. 07:00에 열어요. 장바구니는 그대로 둘게요.",
            ),
        ]
    )
    assert await orders_of(app.services.db, "demo26") == []


async def test_saying_order_twice_places_one_order(app: OrderingApp) -> None:
    await talk(app, "demo27").play(
        [
            Say("더블 불고기버거 세트 하나", ("더블 불고기버거 세트 x1",), 8900),
            Say("주문할게", (), 0, says="주문번호"),
            Say("주문할게", (), 0, says="이미 가게에 보냈어요"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo27")
    assert order.id is not None and [shown.order_id for shown in app.board.posted].count(order.id) == 1


async def test_a_suspended_card_orders_with_payment_at_the_shop(app: OrderingApp) -> None:
    await talk(app, "demo38").play(
        [
            Say("치킨너겟 하나 주세요", ("치킨너겟 (4조각) x1",), 2200, says="다른 선택: 8조각 +1,700원."),
            Say("주문할게", ("치킨너겟 (4조각) x1",), 2200, says="카드를 지금 쓸 수 없어요"),
            Press("현장 결제", (), 0, says="현장 결제"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo38")
    assert (order.payment_method, order.card_id) == ("cash", None)


async def test_ordering_starts_from_the_shop_name(app: OrderingApp) -> None:
    await talk(app, "demo28").play(
        [
            Say("든든버거에서 주문할래", (), 0, says="무엇을 담을까요"),
            # The cheapest sets on sale at lunch: 에그 불고기 머핀 세트 (4,900) is a breakfast.
            Say(
                "든든버거에서 주문할래",
                (),
                0,
                says="예: 데리야끼버거 세트 5,900원, 치킨버거 세트 6,500원, 불고기버거 세트 6,900원",
            ),
            Press("데리야끼버거 세트", ("데리야끼버거 세트 x1",), 5900),
        ]
    )


async def test_a_cart_edit_misread_as_another_intent_still_edits_the_cart(app: OrderingApp) -> None:
    await talk(app, "demo36").play(
        [
            Say("치즈스틱 하나랑 콜라 하나", ("치즈스틱 x1", "콜라 (M) x1"), 4600),
            Say("콜라 빼줘", ("치즈스틱 x1",), 2600),
            Say("어니언으로 바꾸기", ("양념감자 (어니언) x1",), 2600),
            Say("오이 빼주세요", ("양념감자 (어니언) x1",), 2600),
        ]
    )
