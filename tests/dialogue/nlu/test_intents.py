"""Intent decisions: the spec's rules for close calls, follow-ups that lean on earlier messages, confidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialogue.nlu.evaluate import evaluate, load_cases
from dialogue.nlu.types import INTENTS
from dialogue.nlu.understander import OfflineNLU

OWN_CASES = Path(__file__).parent / "data" / "own_cases.jsonl"


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("5천원으로 치킨 먹을 수 있어?", {"food_request", "budget_inquiry"}),
        ("만원 있는데 피자 될까", {"food_request", "budget_inquiry"}),
        ("지금 열린 곳 있어?", {"time_inquiry"}),
        ("지금 영업하는 데 알려줘", {"time_inquiry"}),
        ("배고파 죽겠어 빨리", {"emergency_food"}),
        ("급해 당장 먹을 거", {"emergency_food"}),
        ("안녕 반가워", {"general_chat"}),
        ("고마워 덕분이야", {"general_chat"}),
        ("내일 날씨 어때", {"out_of_scope"}),
        ("영어 숙제 도와줘", {"out_of_scope"}),
        ("장바구니 비워줘", {"cart_clear"}),
        ("장바구니 보여줘", {"cart_view"}),
        ("이대로 결제할게", {"checkout"}),
        ("불고기버거 두 개 주세요", {"order_add"}),
        ("쿠폰 뭐 있어", {"coupon_inquiry"}),
        ("카드 잔액 알려줘", {"balance_inquiry"}),
        ("스마트스토어 정산 언제 돼요", {"faq"}),
        ("반품 배송비는 누가 내나요", {"faq"}),
        ("나 땅콩 알레르기 있어", {"preference_update"}),
        ("피클 빼주세요", {"menu_option"}),
        ("친구 4명이랑 갈 곳", {"group_dining"}),
        ("강남역 근처 먹을 데", {"location_inquiry"}),
    ],
)
def test_intents_of_single_messages(nlu: OfflineNLU, text: str, accepted: set[str]) -> None:
    result = nlu.parse(text)
    assert result.intent in accepted, (text, result.intent)
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    ("context", "text", "intent"),
    [
        (["5천원으로 뭐 먹지"], "그럼 중식은?", "food_request"),
        (["치킨 먹고 싶어"], "아까 거기 말고 다른 데", "food_request"),
        (["치킨 먹고 싶어"], "딴 데는?", "food_request"),
        (["친구들이랑 먹을 데 추천해줘"], "3명", "group_dining"),
        (["친구들이랑 먹을 데 추천해줘"], "네 명이요", "group_dining"),
        (["김밥천국 몇 시까지 해?"], "그럼 맘스터치는?", "time_inquiry"),
        (["근처 맛집 알려줘"], "그럼 홍대는?", "location_inquiry"),
        (["떡볶이 먹고 싶어"], "만원", "budget_inquiry"),
        (["불고기버거 세트 하나 주세요"], "그리고 치즈스틱도", "order_add"),
        (["치킨 먹고 싶어"], "근데 내일 비 와?", "out_of_scope"),
        (["집 근처 국밥집 있어?"], "거기 급식카드 돼요?", "faq"),
        # Written after this session's changes: a new question after the balance, a change after a list.
        (["카드 잔액"], "뭐 먹지", "food_request"),
        (["남은 돈 얼마야"], "편의점에서도 돼?", "faq"),
        (["6천원으로 먹을 데 알려줘"], "햄버거로 바꿔", "budget_inquiry"),
        (["만원으로 뭐 먹지"], "분식으로 바꿀래", "budget_inquiry"),
        (["불고기버거 세트 하나 주세요"], "감자튀김 양념감자로 바꿔줘", "order_add"),
        (["쿠폰 뭐 있어?"], "분식은?", "food_request"),  # the wallet is not by food: a food asks for food
        (["쿠폰 뭐 있어?"], "언제까지 써?", "coupon_inquiry"),
    ],
)
def test_follow_ups_read_in_context(nlu: OfflineNLU, context: list[str], text: str, intent: str) -> None:
    assert nlu.parse(text, context).intent == intent


def test_a_follow_up_states_only_its_own_entities(nlu: OfflineNLU) -> None:
    result = nlu.parse("그럼 중식은?", ["5천원으로 뭐 먹지"])
    assert result.entities == {"food_type": "중식"}
    assert result.food_category == "중식"
    other = nlu.parse("아까 거기 말고 다른 데", ["치킨 먹고 싶어"])
    assert other.entities == {}
    assert other.wants_other and other.reference == "shop"


def test_without_context_a_bare_count_is_still_about_a_group(nlu: OfflineNLU) -> None:
    assert nlu.parse("6명").intent == "group_dining"


def test_every_returned_intent_is_in_the_contract(nlu: OfflineNLU) -> None:
    for text in ("ㅋㅋ", "", "   ", "?!", "🍕🍕", "a" * 500, "만원" * 50):
        result = nlu.parse(text)
        assert result.intent in INTENTS
        assert 0.0 <= result.confidence <= 1.0


def test_own_cases_written_apart_from_the_training_examples(nlu: OfflineNLU) -> None:
    """Fresh sentences (not in training) in the labelled format: the model generalises beyond its examples."""
    report = evaluate(nlu, load_cases(OWN_CASES)).as_dict()
    assert report["intent_accuracy"] >= 0.9, json.dumps(report["errors"], ensure_ascii=False)
    assert report["entity_f1"] >= 0.9, json.dumps(report["entity_errors"], ensure_ascii=False)
