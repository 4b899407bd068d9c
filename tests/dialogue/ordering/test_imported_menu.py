"""Ordering from a chain's own menu imported into the burger shop (`kkini shop import-menu`): the shared burger CSVs,
with the chain's names (리아 불고기버거 세트 of 리아 불고기버거, 포테이토 (미디움) and 콜라 (미디움)), sizes written
"(미디움)" and "(라지)", and the change rules the import derives from the prices.

The shop keeps its own name, 든든버거 강남역점, so the chain's brand word "리아" is known from the names alone.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from dialogue.ordering.catalogue import ShopMenu
from storage.hours import SEOUL
from storage.models import OrderLine
from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Conversation, Press, Say, orders_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)
BULGOGI_SET = "리아 불고기버거 세트"


@pytest.fixture
def app(imported_ordering_app: OrderingApp) -> OrderingApp:
    return imported_ordering_app


def talk(app: OrderingApp, user: str) -> Conversation:
    return Conversation(app.engine, app.services.kv, user, LUNCH)


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("불고기버거 세트", "리아 불고기버거 세트"),
        ("불고기 세트", "리아 불고기버거 세트"),
        ("새우버거", "리아 새우버거"),
        ("치킨버거", "치킨버거"),
        ("더블 치킨버거", "더블 치킨버거"),
        ("감튀", "포테이토 (미디움)"),
        ("감자튀김 라지", "포테이토 (라지)"),
        ("양념감자", "양념감자 (어니언)"),
        ("콜라 L", "콜라 (라지)"),
        ("제로콜라", "제로슈거콜라 (미디움)"),
        ("아아", "아이스 아메리카노"),
        ("핫크리스피버거", "핫 크리스피치킨버거"),
        ("치즈", "치즈토핑"),
    ],
)
async def test_the_chains_products_are_found_by_what_people_call_them(
    imported_burger_menu: ShopMenu, said: str, found: str
) -> None:
    result = imported_burger_menu.find(said)
    assert result.item is not None and result.item.name == found, result


async def test_the_burger_set_order_from_the_brief(app: OrderingApp) -> None:
    changed = f"{BULGOGI_SET} x1 / 양념감자 (어니언) / 사이다 (미디움)"
    await talk(app, "demo07").play(
        [
            Say("불고기버거 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900, says="6,900원"),
            Say("감자튀김 양념감자로 바꿔줘", (f"{BULGOGI_SET} x1 / 양념감자 (어니언)",), 7500, says="+600원"),
            Say("콜라 사이다로", (changed,), 7500, says="+0원"),
            Say("장바구니 보여줘", (changed,), 7500, says="합계 7,500원"),
            Say("주문할게", (), 0, says="주문번호 #"),
        ]
    )
    [order] = await orders_of(app.services.db, "demo07")
    assert (order.status, order.total, order.payment_method) == ("placed", 7500, "card")
    async with app.services.db.session() as session:
        [line] = (await session.exec(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    assert (line.name, line.unit_price, line.line_total) == (BULGOGI_SET, 7500, 7500)
    [posted] = [shown for shown in app.board.posted if shown.order_id == order.id]
    assert posted.shop_name == "든든버거 강남역점" and posted.lines[0].options == (
        "포테이토 (미디움) → 양념감자 (어니언) (+600원)",
        "콜라 (미디움) → 사이다 (미디움) (+0원)",
    )


async def test_a_larger_size_for_the_whole_set(app: OrderingApp) -> None:
    await talk(app, "demo18").play(
        [
            Say("데리버거 세트 하나", ("데리버거 세트 x1",), 6100),
            Say("라지로 바꿔줘", ("데리버거 세트 x1 / 포테이토 (라지) / 콜라 (라지)",), 6800, says="+700원"),
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
