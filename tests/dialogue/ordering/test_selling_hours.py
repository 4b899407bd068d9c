"""Items the burger shop sells only at some hours, through the real engine: the breakfast muffins from 07:00 to
10:30 (their set too), soft-serve from 11:00 to 22:00. Outside its hours an item is not added and the reply says
when it is sold; a cart that still holds one when its hours end is stopped at checkout."""

from __future__ import annotations

from datetime import datetime

import pytest

from storage.hours import SEOUL
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
