"""Ordering failures people found when they tried kkini, as conversations through the real engine and the offline
understanding (see `test_scenarios` for the shop and its prices).

Each conversation is what a child typed, not a command written for the bot: fillers ("아 그럼", "저기 혹시 ... 좀"),
a kind instead of a product ("햄버거 시킬래"), a set and its drink in one breath, questions in the middle of an
order, and "주문 됐어?" after it.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from dialogue.ordering.catalogue import OrderCatalogue
from dialogue.ordering.orders import OrderDesk
from storage.hours import SEOUL
from storage.models import OrderStatus
from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Press, Say, orders_of
from tests.dialogue.ordering.test_scenarios import BULGOGI_SET, talk

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOT_FOUND = "찾지 못했어요"
ONBOARDING = "알려 주시면 더 잘 맞게 추천할게요"
RECOMMENDED = "갈 수 있는 곳이에요"
DINNER = datetime(2026, 11, 23, 19, 0, tzinfo=SEOUL)


@pytest.fixture
def app(ordering_app: OrderingApp) -> OrderingApp:
    return ordering_app


async def test_fillers_are_not_looked_up_as_menu_items(app: OrderingApp) -> None:
    with_burger = (f"{BULGOGI_SET} x1", "치즈버거 x1")
    await talk(app, "demo50").play(
        [
            Say("아 그럼 불고기버거 세트로 할래", (f"{BULGOGI_SET} x1",), 6900, avoids=NOT_FOUND),
            # Read as a wish for food, but an order is open: the cheeseburger goes in, no restaurant is searched.
            Say("음 치즈버거 먹고 싶어", with_burger, 12200, says="치즈버거 1개를 담았어요", avoids=RECOMMENDED),
            Say("저기 혹시 콜라 좀 하나만 주세요", (*with_burger, "콜라 (M) x1"), 14200, avoids=NOT_FOUND),
            Say("아 그럼 콜라 빼줘", with_burger, 12200, says="뺐어요"),
            Say("그럼 그걸로 주세요", with_burger, 12200, avoids=NOT_FOUND),
        ]
    )


async def test_a_wish_joins_the_order_at_the_shop_chosen(app: OrderingApp) -> None:
    await talk(app, "demo51").play(
        [
            Say("든든버거에서 주문할래", (), 0, says="무엇을 담을까요"),
            Say("음... 그럼, 치즈버거 먹고 싶어", ("치즈버거 x1",), 5300, avoids=NOT_FOUND),
        ]
    )


async def test_a_kind_of_product_is_asked_about_never_picked(app: OrderingApp) -> None:
    conversation = talk(app, "demo52")
    await conversation.play([Say("햄버거 시킬래", (), 0, says="햄버거는 여러 메뉴가 있어요. 어떤 걸로 담을까요?")])
    # A few burgers that can be ordered now, cheapest first: the breakfast muffins are not sold at lunch.
    assert [button.label for button in conversation.buttons] == [
        "데리야끼버거 담기",
        "치킨버거 담기",
        "불고기버거 담기",
        "새우버거 담기",
    ]
    await conversation.play(
        [
            Press("치킨버거", ("치킨버거 x1",), 4500),
            Say("버거 주문할래", ("치킨버거 x1",), 4500, says="어떤 걸로 담을까요"),
            Say("음료수 하나 주세요", ("치킨버거 x1",), 4500, says="어떤 걸로 담을까요"),
            Press("우유", ("치킨버거 x1", "우유 x1"), 6000),
        ]
    )


async def test_without_an_order_a_food_wish_is_still_a_recommendation(app: OrderingApp) -> None:
    """ "치킨" is 치킨버거 without its head word, but a child wishing for chicken wants a restaurant (at dinner,
    when the chicken shops of the sample data are open)."""
    await talk(app, "demo53", DINNER).play([Say("치킨 먹고 싶어", (), 0, says=RECOMMENDED, avoids="담았어요")])


async def test_a_drink_said_with_a_set_is_the_sets_drink(app: OrderingApp) -> None:
    bulgogi = f"{BULGOGI_SET} x1 / 사이다 (M)"
    cheese = "치즈버거 세트 x1 / 사이다 (M)"
    shrimp = "새우버거 세트 x1 / 오렌지주스"
    await talk(app, "demo54").play(
        [
            Say("불고기버거 세트 콜라 말고 사이다로", (bulgogi,), 6900, says="사이다 (M)으로 바꿨어요 (+0원)"),
            Say("치즈버거 세트 하나 사이다로", (bulgogi, cheese), 14100),
            Say("새우버거 세트 오렌지주스", (bulgogi, cheese, shrimp), 21500, says="+500원"),
            # A drink with a quantity of its own, after "랑", is a drink of its own.
            Say(
                "치킨버거 세트 하나랑 사이다 하나",
                (bulgogi, cheese, shrimp, "치킨버거 세트 x1", "사이다 (M) x1"),
                30000,
            ),
        ]
    )


async def test_a_drink_said_after_a_set_changes_it(app: OrderingApp) -> None:
    await talk(app, "demo56").play(
        [
            Say("불고기버거 세트 하나", (f"{BULGOGI_SET} x1",), 6900),
            Say("세트 음료 사이다로", (f"{BULGOGI_SET} x1 / 사이다 (M)",), 6900),
            Say("불고기버거 세트 제로콜라로", (f"{BULGOGI_SET} x1 / 제로콜라 (M)",), 6900),
            Say("음료는 오렌지주스로", (f"{BULGOGI_SET} x1 / 오렌지주스",), 7400, says="+500원"),
        ]
    )


async def test_questions_in_the_middle_of_an_order_stay_in_the_order(app: OrderingApp) -> None:
    burger = ("치즈버거 x1",)
    hot = (*burger, "매운 치킨버거 세트 x1")
    await talk(app, "demo57").play(
        [
            Say("치즈버거 하나", burger, 5300),
            Say("맵나?", burger, 5300, says="아니요, 치즈버거는 안 매워요.", avoids=RECOMMENDED),
            Say("매운 치킨버거 세트 하나", hot, 13100),
            Say("이거 매워?", hot, 13100, says="네, 매운 치킨버거 세트에서 매운 치킨버거가 매워요."),
            Say("치즈버거 매워요?", hot, 13100, says="치즈버거는 안 매워요"),
            # 소프트콘 is sold from 11:00; with it the cheapest burger and set, what a meal costs.
            Say(
                "제일 싼 거 뭐야?",
                hot,
                13100,
                says="제일 싼 건 소프트콘 800원이에요. 버거는 데리야끼버거 3,800원, 세트는 데리야끼버거 세트 5,900원",
                avoids=RECOMMENDED,
            ),
            Press("데리야끼버거 세트", (*hot, "데리야끼버거 세트 x1"), 19000),
            Say("얼마야?", (*hot, "데리야끼버거 세트 x1"), 19000, says="합계는 19,000원이에요", avoids="잔액"),
            Say("총 얼마야?", (*hot, "데리야끼버거 세트 x1"), 19000, says="합계는 19,000원이에요"),
            # The card's balance is still the card's.
            Say("잔액 얼마야?", (*hot, "데리야끼버거 세트 x1"), 19000, says="잔액은"),
        ]
    )


async def test_a_set_is_hot_by_its_components_as_they_are_now(app: OrderingApp) -> None:
    await talk(app, "demo58").play(
        [
            Say("불고기버거 세트 하나", (f"{BULGOGI_SET} x1",), 6900),
            Say("매워?", (f"{BULGOGI_SET} x1",), 6900, says="아니요, 불고기버거 세트는 안 매워요."),
            Say("감자 양념감자로", (f"{BULGOGI_SET} x1 / 양념감자 (칠리)",), 7500),
            Say("이거 매워?", (f"{BULGOGI_SET} x1 / 양념감자 (칠리)",), 7500, says="양념감자 (칠리)가 매워요"),
        ]
    )


async def test_the_menu_while_ordering_is_the_shops_menu(app: OrderingApp) -> None:
    cart = (f"{BULGOGI_SET} x1",)
    await talk(app, "demo59").play(
        [
            Say("불고기버거 세트 하나", cart, 6900),
            Say(
                "메뉴 보여줘",
                cart,
                6900,
                says="든든버거 강남역점 메뉴예요.\n• 세트: 불고기버거 세트 6,900원",
                avoids="합계",
            ),
            Say("메뉴판", cart, 6900, says="• 음료: 콜라 2,000원~, 사이다 2,000원~", avoids=NOT_FOUND),
        ]
    )


async def test_asking_about_the_order_after_checkout(app: OrderingApp) -> None:
    conversation = talk(app, "demo45")
    await conversation.play(
        [
            Say("데리버거 세트 하나 주세요", ("데리야끼버거 세트 x1",), 5900),
            # A question never places the order.
            Say("주문 됐어?", ("데리야끼버거 세트 x1",), 5900, says="아직 주문하지 않았어요"),
            Say("주문할게", (), 0, says="주문번호"),
            Say("주문 들어갔어?", (), 0, says="잘 들어갔어요. 지금 가게에서 확인하고 있어요", avoids="비어 있어요"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo45")
    assert order.id is not None and order.status == OrderStatus.PLACED
    desk = OrderDesk(app.services.db, OrderCatalogue(app.services.db), board=app.board)
    await desk.set_status(order.id, OrderStatus.ACCEPTED, actor="slack:U1")
    await conversation.play([Say("주문 됐어?", (), 0, says=f"주문 #{order.id}을 접수했어요")])
    assert [o.id for o in await orders_of(app.services.db, "demo45")] == [order.id]


async def test_no_onboarding_question_breaks_into_an_order(app: OrderingApp) -> None:
    """demo35 was never asked the onboarding questions: they wait until the order is placed."""
    changed = f"{BULGOGI_SET} x1 / 사이다 (M)"
    await talk(app, "demo35").play(
        [
            Say("불고기버거 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900, avoids=ONBOARDING),
            Say("콜라 사이다로", (changed,), 6900, avoids=ONBOARDING),
            Say("주문할게", (), 0, says="주문번호", avoids=ONBOARDING),
            Say("고마워", (), 0, says=ONBOARDING),
        ]
    )


async def test_the_last_touches_of_a_reply_reach_the_order_too(app: OrderingApp) -> None:
    """Ordering answers from an interceptor, before any handler: the reply still says that a long message was read in
    part, and the same cart asked for twice is not the same words twice (``dialogue.routing`` step 6)."""
    story = "오늘 학교에서 체육 시간에 달리기를 했는데 너무 힘들어서 배가 엄청 고파요. " * 12
    await talk(app, "demo55").play(
        [
            Say("불고기버거 세트 하나 담아줘", (f"{BULGOGI_SET} x1",), 6900),
            Say(f"{story}콜라 사이다로 바꿔줘", (f"{BULGOGI_SET} x1",), 6900, says="글이 길어서"),
            Say("장바구니 보여줘", (f"{BULGOGI_SET} x1",), 6900, avoids="한 번 더"),
            Say("장바구니 보여줘", (f"{BULGOGI_SET} x1",), 6900, says="한 번 더 알려 드릴게요"),
        ]
    )
