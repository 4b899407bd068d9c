"""A change that names a set's component changes that component, through the real engine: "감자튀김 양념감자 칠리로
바꿔줘" after "불고기버거 세트 하나 주세요" makes the set's side 양념감자 (칠리) at +600 (7,500 in all), however the
side is called, and never adds a second side (`cart_rules.is_change_source`). A product named beside a change that
is not its source is still added."""

from __future__ import annotations

import pytest

from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Conversation, Say
from tests.dialogue.ordering.test_scenarios import BULGOGI_SET, LUNCH

pytestmark = pytest.mark.asyncio(loop_scope="module")

ORDERED = Say("불고기버거 세트 하나 주세요", (f"{BULGOGI_SET} x1",), 6900, says="6,900원")
CHILI = (f"{BULGOGI_SET} x1 / 양념감자 (칠리)",)


SIDE_CHANGES = [
    "감자튀김 양념감자 칠리로 바꿔줘",
    "감자튀김 (M) 양념감자 칠리로 바꿔줘",  # added a 감자튀김 (M) before (8,900원)
    "감자튀김 M 양념감자 칠리로 바꿔줘",  # the same
    "감튀 양념감자 칠리로 바꿔줘",
    "감자튀김을 양념감자 칠리로 바꿔줘",
    "감자튀김 대신 양념감자 칠리로",
]


@pytest.mark.parametrize("said", SIDE_CHANGES)
async def test_the_sets_side_changes_however_it_is_called(ordering_app: OrderingApp, said: str) -> None:
    user = f"side{SIDE_CHANGES.index(said)}"
    await Conversation(ordering_app.engine, ordering_app.services.kv, user, LUNCH).play(
        [ORDERED, Say(said, CHILI, 7500, says="감자튀김 (M)을 양념감자 (칠리)로 바꿨어요 (+600원)")]
    )


async def test_the_sets_drink_changes_to_another_drink_and_size(ordering_app: OrderingApp) -> None:
    await Conversation(ordering_app.engine, ordering_app.services.kv, "drink-size", LUNCH).play(
        [ORDERED, Say("콜라 사이다 라지로 바꿔줘", (f"{BULGOGI_SET} x1 / 사이다 (L)",), 7200, says="+300원")]
        # added a 콜라 (M) before (8,900원)
    )


async def test_a_product_beside_a_change_is_still_added(ordering_app: OrderingApp) -> None:
    await Conversation(ordering_app.engine, ordering_app.services.kv, "beside", LUNCH).play(
        [
            ORDERED,
            Say(
                "새우버거 세트 하나, 음료는 사이다로",
                (f"{BULGOGI_SET} x1", "새우버거 세트 x1 / 사이다 (M)"),
                13800,
            ),
        ]
    )
