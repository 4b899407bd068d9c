"""Refusal texts and the real question each refusal suggests."""

from __future__ import annotations

import pytest

from knowledge.gate import MEAL_CAN_DO, SELLER_REFUSAL, Suggester, refusal
from knowledge.gate.refusal import MEAL_TOPICS, SELLER_GREETING, SELLER_TOPICS, is_greeting
from knowledge.types import FaqEntry, Hit

EXACT = "저는 스마트 스토어 FAQ를 위한 챗봇입니다. 스마트 스토어에 대한 질문을 부탁드립니다."


def test_seller_refusal_is_exactly_the_product_sentence_then_the_suggestion() -> None:
    assert SELLER_REFUSAL == EXACT
    text = refusal("seller", "쿠팡 정산 언제 돼요?", "정산은 언제 되나요?")
    assert text == EXACT + "\n  - 정산은 언제 되나요?"
    assert refusal("seller", "오늘 날씨 어때", None) == EXACT


@pytest.mark.parametrize("greeting", ["안녕", "안녕하세요!", "하이~", "hello", "반갑습니다"])
def test_a_greeting_is_greeted_with_an_invitation_not_refused(greeting: str) -> None:
    text = refusal("seller", greeting, "정산은 언제 되나요?")
    assert text.startswith(SELLER_GREETING) and EXACT not in text
    assert text.endswith('"정산은 언제 되나요?" 하고 물어봐 주세요.')


@pytest.mark.parametrize("query", ["하이라이트 설정은 어떻게 해요", "안녕하세요 정산은 언제 돼요?"])
def test_a_question_that_starts_like_a_greeting_is_no_greeting(query: str) -> None:
    assert not is_greeting(query)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("쿠팡 정산 언제 돼요?", ("정산",)),
        ("11번가 반품 배송비는 누가 내요", ("반품",)),
        ("G마켓 판매자 가입 방법", ("가입",)),
        ("오늘 저녁에 여의도 가려는데 맛있는 거 추천좀 해줄래?", ("식품",)),
        ("에이블리 수수료 얼마예요", ("수수료",)),
        ("무신사 세금계산서", ("세금계산서",)),
    ],
)
def test_seller_suggestions_follow_the_topic_of_the_question(
    seller_suggestions: Suggester, seller_entries: list[FaqEntry], query: str, words: tuple[str, ...]
) -> None:
    entry = seller_suggestions.suggest(query)
    assert entry in seller_entries
    assert any(word in entry.question for word in words), entry.question


def test_every_topic_resolves_to_its_own_real_question(
    seller_suggestions: Suggester, meal_suggestions: Suggester
) -> None:
    for suggester, topics in ((seller_suggestions, SELLER_TOPICS), (meal_suggestions, MEAL_TOPICS)):
        questions = {entry.question for entry in suggester.entries.values()}
        for (_, seed), (_, entry) in zip(topics, suggester.topics, strict=True):
            assert seed in questions
            assert entry.question == seed


def test_without_a_topic_the_nearest_hit_is_suggested_when_it_covers_the_query(
    seller_suggestions: Suggester, seller_entries: list[FaqEntry]
) -> None:
    target = next(entry for entry in seller_entries if "숏클립" in entry.question and "다운로드" in entry.question)
    hits = [Hit(target.id, target.question, 0.2)]
    assert seller_suggestions.suggest("유튜브 숏클립 영상 다운로드", hits) == target


def test_otherwise_a_general_question(seller_suggestions: Suggester) -> None:
    weather = seller_suggestions.suggest("오늘 날씨 어때", [])
    assert weather is seller_suggestions.default
    assert "가입" in weather.question
    unrelated_hit = [Hit("x", "하이라이트 관리가 뭔가요?", 0.2)]
    assert seller_suggestions.suggest("내일 날씨", unrelated_hit) is seller_suggestions.default


def test_a_suggestion_retrieves_its_entry_by_id(seller_suggestions: Suggester) -> None:
    entry = seller_suggestions.suggest("쿠팡 정산")
    assert seller_suggestions.entries[entry.id] is entry


def test_meal_refusal_is_kind_and_says_what_kkini_does(meal_suggestions: Suggester) -> None:
    suggestion = meal_suggestions.suggest("주식 뭐 사야 돼").question
    text = refusal("meal", "주식 뭐 사야 돼", suggestion)
    assert text.startswith("미안해요")
    assert MEAL_CAN_DO in text
    assert f'"{suggestion}"' in text
    greeting = refusal("meal", "안녕하세요!", None)
    assert greeting.startswith("안녕하세요!")
    assert "미안" not in greeting


def test_meal_suggestions_follow_the_topic(meal_suggestions: Suggester, meal_entries: list[FaqEntry]) -> None:
    assert "잔액" in meal_suggestions.suggest("통장 잔액 알려줘").question
    assert meal_suggestions.suggest("떡볶이 레시피").question == "오늘 뭐 먹을지 추천해 줄 수 있어요?"
    assert meal_suggestions.suggest("BTS 노래") in meal_entries


def test_a_suggester_needs_entries() -> None:
    with pytest.raises(ValueError):
        Suggester([])


def test_hand_made_entries() -> None:
    entries = [
        FaqEntry(id="[정산] 정산은 언제?", question="정산은 언제?", answer="매일 됩니다."),
        FaqEntry(id="가입 방법", question="가입 방법", answer="센터에서 합니다."),
    ]
    suggester = Suggester(entries, topics=((("정산",), "정산은 언제?"),), default="가입 방법")
    assert suggester.suggest("쿠팡 정산").id == "[정산] 정산은 언제?"
    assert suggester.suggest("날씨").id == "가입 방법"
