"""Terminal escape sequences and other control characters are dropped before understanding: their digits are
never read as a quantity, a price or a menu number."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialogue.guard import check, clean
from storage.hours import SEOUL
from tests.dialogue.ordering.conftest import OrderingApp
from tests.dialogue.ordering.script import Conversation, Say

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday
BULGOGI_SET = "불고기버거 세트"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("\x1b[31m불고기버거 세트 하나\x1b[0m 주세요", "불고기버거 세트 하나 주세요"),
        ("\x1b[1;31;42m빨간\x1b[m 글씨", "빨간 글씨"),
        ("\x9b31m8비트 CSI", "8비트 CSI"),
        ("\x1b]0;제목 20\x07창 제목", "창 제목"),
        ("\x1b]8;;https://x.example/20\x1b\\링크\x1b]8;;\x1b\\ 걸기", "링크 걸기"),
        ("\x1bP1$r20\x1b\\장치 제어", "장치 제어"),
        ("\x1b(B\x1b7문자셋\x1b8", "문자셋"),
        ("줄\r\n바꿈\t탭\x00널\x7f", "줄 바꿈 탭 널"),
        ("\x1b[", ""),
        ("\x1b]0;끝나지 않은 제목\x1b[1m굵게", "굵게"),
        ("끝에 남은 ESC\x1b", "끝에 남은 ESC"),
        ("2개 주세요", "2개 주세요"),
    ],
)
def test_escape_sequences_go_whole_and_control_characters_become_spaces(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_a_message_of_escape_sequences_only_is_empty() -> None:
    assert check("\x1b[31m\x1b[0m").kind == "empty"


@pytest.mark.asyncio(loop_scope="module")
async def test_a_coloured_order_adds_one_item_not_the_colour_code(ordering_app: OrderingApp) -> None:
    await Conversation(ordering_app.engine, ordering_app.services.kv, "demo07", LUNCH).play(
        [
            # Before the guard dropped whole sequences, "[31m" was left behind and read as 31, capped at 20.
            Say(f"{BULGOGI_SET} \x1b[31m주세요\x1b[0m", (f"{BULGOGI_SET} x1",), 6900, says="1개를 담았어요"),
            Say("\x1b[1;33m장바구니 보여줘\x1b[0m", (f"{BULGOGI_SET} x1",), 6900, says="합계 6,900원"),
        ]
    )
