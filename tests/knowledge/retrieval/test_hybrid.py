"""HybridSearcher over a small hand-written FAQ held in memory (no chromadb): ranking, expansion, follow-ups."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from knowledge.index.documents import document_text
from knowledge.index.lsa import OfflineEmbedder
from knowledge.retrieval.dense import DenseIndex
from knowledge.retrieval.hybrid import HybridSearcher
from knowledge.types import Hit, Searcher
from tests.knowledge.index.support import SIGNUP, SMALL_FAQ, analyzer, indexed

LEGS = {
    "q_morph",
    "qa_morph",
    "q_char",
    "qa_char",
    "p_morph",
    "dense",
    "dense_q",
    "dense_p",
    "dense_q_cos",
    "dense_p_cos",
}


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    analysis = analyzer()
    embedder = OfflineEmbedder.fit(analysis, [document_text(e) for e in SMALL_FAQ], dimension=len(SMALL_FAQ))
    dense = DenseIndex(embedder.embed([document_text(e) for e in SMALL_FAQ]), np.arange(len(SMALL_FAQ)), len(SMALL_FAQ))
    return HybridSearcher(indexed(SMALL_FAQ, analysis), dense, embedder, analysis)


def _top(searcher: HybridSearcher, query: str, history: Sequence[str] = ()) -> str:
    return searcher.search(query, history=history).hits[0].question


def test_it_is_a_searcher(searcher: HybridSearcher) -> None:
    typed: Searcher = searcher
    result = typed.search("정산은 언제 되나요?", k=3)
    assert len(result.hits) == 3 and result.query == "정산은 언제 되나요?"
    assert result.hits[0].question == "정산은 언제 되나요?"
    assert result.hits[0].entry_id == "정산은 언제 되나요?"
    assert set(result.hits[0].legs) == LEGS
    assert [hit.score for hit in result.hits] == sorted((hit.score for hit in result.hits), reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("셀러센터 탈퇴하고 싶어요", "스마트스토어센터 판매자 탈퇴는 어떻게 하나요?"),
        ("택배비 설정은 어디서 해요?", "배송비는 어떻게 설정하나요?"),
        ("비번 바꾸는 법", "스마트스토어센터 로그인 비밀번호를 변경하고 싶어요."),
        ("구매자 후기는 어디에 보여요?", "구매자가 작성한 리뷰는 어디에 노출되나요?"),
        ("엔페이 수수료 얼마에요", "네이버페이 주문관리 수수료는 얼마인가요?"),
        ("채팅 상담 연결하려면?", "네이버 톡톡 연동 설정은 어떻게 하나요?"),
        ("스마트스토워 회원가입", "스마트스토어센터 회원가입은 어떻게 하나요?"),
        ("정산금입금언제돼요", "정산은 언제 되나요?"),
        ("단순 변심이면 반품 택배비 누가 내요", "반품 배송비는 누가 부담하나요?"),
        ("사업자등록증이랑 통장 사본 필요해요?", "사업자 판매자로 가입할 때 필요한 서류는 무엇인가요?"),
    ],
)
def test_user_wording_finds_the_entry(searcher: HybridSearcher, query: str, expected: str) -> None:
    assert _top(searcher, query) == expected


def test_follow_up_borrows_the_previous_topic(searcher: HybridSearcher) -> None:
    result = searcher.search("그건 얼마나 걸려?", history=["회원가입은 어떻게 해?"])
    assert result.query == "회원가입은 어떻게 해? 그건 얼마나 걸려?"
    assert result.hits[0].question == "가입 심사는 얼마나 걸리나요?"
    alone = searcher.search("그건 얼마나 걸려?")
    assert alone.query == "그건 얼마나 걸려?"


def test_another_way_prefers_a_different_entry(searcher: HybridSearcher) -> None:
    assert _top(searcher, "회원가입은 어떻게 해?") == "스마트스토어센터 회원가입은 어떻게 하나요?"
    result = searcher.search("다른 방법은 없어?", history=["회원가입은 어떻게 해?"])
    ids = [hit.entry_id for hit in result.hits]
    assert SIGNUP not in ids
    # The previous answer's related entry and other signup entries come first.
    assert result.hits[0].question in {
        "가입 심사는 얼마나 걸리나요?",
        "사업자 판매자로 가입할 때 필요한 서류는 무엇인가요?",
    }


def test_a_new_topic_after_history_is_searched_alone(searcher: HybridSearcher) -> None:
    result = searcher.search("반품 배송비는 누가 내요?", history=["회원가입은 어떻게 해?"])
    assert result.query == "반품 배송비는 누가 내요?"
    assert result.hits[0].question == "반품 배송비는 누가 부담하나요?"


def test_the_gate_decides_scope_and_sees_the_rewritten_query(searcher: HybridSearcher) -> None:
    seen: list[tuple[str, int]] = []

    def gate(query: str, hits: Sequence[Hit]) -> tuple[bool, float]:
        seen.append((query, len(hits)))
        return False, 0.125

    gated = HybridSearcher(searcher.entries, searcher.dense, searcher.embedder, searcher.analyzer, gate=gate)
    result = gated.search("그럼 수수료는?", k=2, history=["정산은 언제 되나요?"])
    assert (result.in_scope, result.scope_score) == (False, 0.125)
    assert seen == [("정산은 언제 되나요? 그럼 수수료는?", 2)]


def test_without_a_gate_everything_is_in_scope_with_a_bounded_confidence(searcher: HybridSearcher) -> None:
    strong = searcher.search("정산은 언제 되나요?")
    weak = searcher.search("오늘 점심 메뉴 추천")
    assert strong.in_scope and weak.in_scope
    assert 0 <= weak.scope_score < strong.scope_score <= 1


def test_nothing_matching_gives_no_hits(searcher: HybridSearcher) -> None:
    result = searcher.search("zzzz")
    assert result.hits == () and result.scope_score == 0.0


def test_lexical_only_without_embeddings() -> None:
    plain = HybridSearcher(indexed(SMALL_FAQ, analyzer()), None, None, analyzer())
    hit = plain.search("택배비 설정").hits[0]
    assert hit.question == "배송비는 어떻게 설정하나요?" and "dense" not in hit.legs
    assert plain.entry(SIGNUP) == SMALL_FAQ[0] and plain.entry("없는 질문") is None
