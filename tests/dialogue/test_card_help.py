"""Why the card cannot pay, when that changes and what to do: one CardTrouble per card state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dialogue.account import CardView
from dialogue.card_help import asks_why_not, card_trouble
from dialogue.wallet import balance_reply

CARD = CardView(
    card_id="KC-1",
    number_masked="9410-****-****-0001",
    program="서울 꿈나무카드",
    program_code="seoul-kkumnamu",
    status="ACTIVE",
    balance=54_000,
    daily_limit=28_500,
    spent_today=0,
    monthly_limit=300_000,
    meal_amount=9_500,
    next_top_up=date(2026, 12, 1),
)


def test_a_card_that_can_pay_has_no_trouble() -> None:
    assert card_trouble(CARD) is None and card_trouble(None) is None


@pytest.mark.parametrize(
    ("card", "kind", "reason", "changes", "todo"),
    [
        (replace(CARD, balance=0), "balance", "잔액이 0원", "12월 1일에 다시 채워져요", "보호자나 선생님"),
        (replace(CARD, spent_today=28_500), "daily", "한도 28,500원을 다 써서", "내일이 되면 다시 28,500원", "선생님"),
        (replace(CARD, status="SUSPENDED"), "suspended", "정지", "정지가 풀리면", "주민센터"),
        (replace(CARD, status="EXPIRED"), "expired", "유효기간", "새 카드를 받으면", "주민센터"),
        (replace(CARD, status="LOST"), "lost", "분실 신고", "새 카드를 받으면", "주민센터에 신청"),
    ],
)
def test_every_state_says_why_when_and_what_to_do(
    card: CardView, kind: str, reason: str, changes: str, todo: str
) -> None:
    trouble = card_trouble(card)
    assert trouble is not None and trouble.kind == kind
    assert reason in trouble.reason and changes in trouble.changes and todo in trouble.todo
    assert trouble.answer() != trouble.full()  # "왜 안돼?" is answered in other words than the list's opening
    assert "부끄" not in trouble.full() and "창피" not in trouble.full()  # no lecture about feelings not said


def test_tomorrows_limit_is_what_the_balance_allows() -> None:
    trouble = card_trouble(replace(CARD, balance=5_000, spent_today=28_500))
    assert trouble is not None and "내일이 되면 다시 5,000원까지" in trouble.changes


def test_the_balance_reply_gives_the_next_step() -> None:
    lost = balance_reply(replace(CARD, status="LOST"))
    assert "분실 신고된 카드예요" in lost.text and "주민센터" in lost.text
    spent = balance_reply(replace(CARD, spent_today=28_500))
    assert "내일이 되면 다시 28,500원까지" in spent.text
    assert [button.label for button in spent.quick_replies] == ["현금으로 갈 곳"]


@pytest.mark.parametrize("text", ["왜 안돼?", "왜?", "카드 왜 안 돼", "결제가 안 돼요", "카드 못 써?", "왜 결제 안됨"])
def test_questions_about_not_paying(text: str) -> None:
    assert asks_why_not(text)


@pytest.mark.parametrize(
    ("text", "stated"), [("매운 거 안 돼", True), ("오이 빼면 안 돼?", True), ("치킨 먹고 싶어", False)]
)
def test_other_messages_are_not_about_the_card(text: str, stated: bool) -> None:
    assert not asks_why_not(text, stated)
