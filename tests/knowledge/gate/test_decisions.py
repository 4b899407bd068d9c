"""Clear cases each gate must get right, written for these tests (none is a training example)."""

from __future__ import annotations

import pytest

from knowledge.gate import ScopeGate
from knowledge.gate.examples import read_lines
from knowledge.types import Hit

SELLER_IN = [
    "스마트스토어 정산 주기가 어떻게 되나요?",
    "판매자 가입할 때 필요한 서류 알려주세요",
    "상품 등록할 때 옵션은 몇 개까지 만들 수 있어요?",
    "구매자가 반품 신청하면 배송비는 누가 내나요",
    "송장 번호를 잘못 넣었는데 수정할 수 있을까요",
    "네이버페이 주문관리 수수료는 몇 퍼센트인가요?",
    "톡톡 상담 알림을 받고 싶어요",
    "세금계산서는 어디서 발급받아요?",
    "판매자 등급이 빅파워가 되려면 어떻게 해야 하나요",
    "발송 지연 페널티 점수는 어떻게 매겨지나요",
    "정산 보류가 걸렸는데 풀 수 있나요",
    "상품이 네이버 쇼핑 검색에 노출되지 않아요",
]
SELLER_OUT = [
    "내일 서울 날씨 맑아?",
    "오늘 코스피 지수 알려줘",
    "중학교 수학 숙제 좀 풀어줘",
    "영어 숙제로 자기소개 써야 하는데 도와줄래",
    "아이유 콘서트 티켓 예매 언제야",
    "김치볶음밥 맛있게 만드는 법",
    "목이 아프고 열이 나요",
    "안녕하십니까 반갑습니다",
    "헬로우~",
    "고마워요",
    "심심한데 얘기하자",
    "쿠팡 정산은 언제 들어오나요?",
    "11번가 판매자 가입 서류가 뭐예요",
    "G마켓 반품 배송비 설정 방법",
    "에이블리 입점 수수료 알려주세요",
    "무신사 스토어 상품 등록 어떻게 해요",
    "당근마켓에 중고 의자 팔고 싶어요",
    "아마존 셀러 계정 만드는 법",
    "급식카드 잔액 확인하고 싶어",
]
MEAL_IN = [
    "급식카드 남은 금액 알려줘",
    "꿈나무카드로 편의점에서 도시락 사도 돼요?",
    "이 동네에 급식카드 받는 김밥집 있어?",
    "한 끼에 얼마까지 결제 돼?",
    "카드를 잃어버렸는데 어떻게 해요",
    "잔액 알림 좀 꺼줘",
    "배고픈데 5천원으로 먹을 거 추천해줘",
    "급식카드 충전은 매달 언제 돼요",
]
MEAL_OUT = [
    "내일 비 와?",
    "수학 숙제 풀어줘",
    "BTS 멤버 이름 알려줘",
    "주식 뭐 사면 좋을까",
    "스마트스토어 정산 주기가 어떻게 되나요?",
    "쿠팡 판매자 가입 방법",
]


@pytest.mark.parametrize("query", SELLER_IN)
def test_seller_answers_selling_questions(seller: ScopeGate, query: str) -> None:
    in_scope, score = seller.decide(query)
    assert in_scope, (query, score)


@pytest.mark.parametrize("query", SELLER_OUT)
def test_seller_refuses_everything_else(seller: ScopeGate, query: str) -> None:
    in_scope, score = seller.decide(query)
    assert not in_scope, (query, score)


@pytest.mark.parametrize("query", MEAL_IN)
def test_meal_answers_card_and_kkini_questions(meal: ScopeGate, query: str) -> None:
    assert meal.decide(query)[0], query


@pytest.mark.parametrize("query", MEAL_OUT)
def test_meal_refuses_everything_else(meal: ScopeGate, query: str) -> None:
    assert not meal.decide(query)[0], query


def test_test_cases_are_not_training_examples() -> None:
    written = {line for name in ("seller_in", "common_out", "marketplaces_out", "meal_in") for line in read_lines(name)}
    assert sorted(written & set(SELLER_IN + SELLER_OUT + MEAL_IN + MEAL_OUT)) == []


@pytest.mark.parametrize(
    "query",
    ["쿠팡이랑 스마트스토어 정산 주기 차이가 뭐예요?", "11번가에서 팔던 상품을 스마트스토어로 옮기고 싶어요"],
)
def test_naming_smartstore_beside_another_marketplace_is_not_refused_by_the_rule(seller: ScopeGate, query: str) -> None:
    assert seller.score(query) > 0.05
    assert seller.decide(query)[0]


def test_the_rule_caps_the_score_even_for_a_selling_question(seller: ScopeGate) -> None:
    in_scope, score = seller.decide("쿠팡 판매자 정산 보류 해제 방법과 반품 배송비 설정")
    assert not in_scope
    assert score <= 0.05


@pytest.mark.parametrize("query", ["", "   ", "?!", "\u200b"])
def test_blank_queries_are_out_of_scope_with_score_zero(seller: ScopeGate, query: str) -> None:
    assert seller.decide(query) == (False, 0.0)


def test_scores_are_probabilities_centred_on_the_threshold(seller: ScopeGate) -> None:
    for query in SELLER_IN + SELLER_OUT:
        in_scope, score = seller.decide(query)
        assert 0.0 <= score <= 1.0
        assert in_scope == (score >= 0.5)


def _hit(entry_id: str, question: str, score: float, **legs: float) -> Hit:
    return Hit(entry_id=entry_id, question=question, score=score, legs=dict(legs))


def test_hits_that_match_the_query_raise_the_score(seller: ScopeGate) -> None:
    query = "정산 예정금은 어디서 확인해요"
    matching = [
        _hit("a", "정산예정금은 어디서 확인하나요?", 0.12, q_morph=9.0, qa_morph=20.0, q_char=15.0, dense=0.8),
        _hit("b", "정산 내역은 어디서 확인하나요?", 0.08, q_morph=6.0, qa_morph=18.0, q_char=11.0, dense=0.7),
    ]
    unrelated = [
        _hit("c", "라이브 예고 페이지는 어디에 노출되나요?", 0.05, q_morph=1.0, qa_morph=3.0, q_char=2.0, dense=0.2),
        _hit("d", "숏클립 영상 다운로드 가능한가요?", 0.05, q_morph=2.0, qa_morph=1.0, q_char=4.0, dense=0.3),
    ]
    assert seller.score(query, matching) > seller.score(query, unrelated)
    assert seller.decide(query, matching)[0]


def test_hits_do_not_rescue_an_off_topic_question(seller: ScopeGate) -> None:
    hits = [
        _hit("a", "하이라이트 관리가 뭔가요?", 0.1, q_char=5.0),
        _hit("b", "날씨 정보가 노출되지 않아요.", 0.09, q_char=3.0),
    ]
    assert not seller.decide("내일 날씨 어때", hits)[0]
    assert not seller.decide("하이", hits)[0]


@pytest.mark.parametrize(
    "legs",
    [{}, {"dense": 0.5}, {"q_morph": 3.0, "q_char": 2.0}, {"bm25_rank": 1.0, "dense_distance": 0.3}],
)
def test_any_legs_or_none_are_accepted(seller: ScopeGate, legs: dict[str, float]) -> None:
    hits = [Hit("a", "정산은 언제 되나요?", 1.0, dict(legs)), Hit("b", "정산 주기는 어떻게 되나요?", 0.5, {})]
    in_scope, score = seller.decide("정산 언제 돼요?", hits)
    assert in_scope
    assert 0.0 <= score <= 1.0


def test_a_single_hit_is_enough(seller: ScopeGate) -> None:
    assert seller.decide("반품 배송비 누가 부담해요?", [Hit("a", "반품배송비는 누가 부담하나요?", 0.3)])[0]
