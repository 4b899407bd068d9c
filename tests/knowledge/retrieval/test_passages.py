"""The passage leg: answers cut into windows of morphemes, an entry scored by its best passage."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.retrieval.hybrid import HybridSearcher
from knowledge.retrieval.lexical import P_MORPH, LexicalIndex, LexicalQuery, PassageIndex, windows
from tests.knowledge.index.support import analyzer, faq, indexed


def test_windows_cover_every_term_and_end_at_the_end() -> None:
    terms = [str(n) for n in range(10)]
    parts = windows(terms, 4, 3)
    assert [list(part) for part in parts] == [["0", "1", "2", "3"], ["3", "4", "5", "6"], ["6", "7", "8", "9"]]
    assert [list(part) for part in windows(terms, 4, 4)][-1] == ["6", "7", "8", "9"]
    assert windows(terms[:3], 4, 2) == [terms[:3]]
    assert windows([], 4, 2) == [[]]
    with pytest.raises(ValueError):
        windows(terms, 0, 1)


def test_a_document_scores_as_its_best_passage() -> None:
    index = PassageIndex([[["a", "b"], ["c", "d"]], [["a", "c"]], [["e"]]])
    assert index.count == 4
    scores = index.scores({"c": 1.0, "d": 1.0})
    assert scores.shape == (3,)
    assert scores[0] > scores[1] > 0 and scores[2] == 0
    assert scores[0] == pytest.approx(float(index.index.scores({"c": 1.0, "d": 1.0})[1]))
    assert PassageIndex([]).scores({"a": 1.0}).shape == (0,)


LONG_ANSWER = " ".join(
    [
        "정산 내역은 정산관리 메뉴에서 확인할 수 있습니다.",
        "일별 정산 내역과 건별 정산 내역을 각각 조회할 수 있습니다.",
        "조회 기간은 최대 1년까지 선택할 수 있으며 엑셀로 내려받을 수 있습니다.",
        "부가세 신고 자료는 별도의 메뉴에서 제공합니다.",
        "정산 보류 사유는 판매자 정보 화면의 알림 영역에 표시됩니다.",
        "보류가 해제되면 다음 정산일에 함께 지급됩니다.",
        "문의가 있으면 고객센터로 연락해 주세요.",
    ]
    * 2
    + ["빠른정산 신청 후 첫 지급은 집화 다음 영업일에 이루어집니다."]
)


def test_a_fact_deep_in_a_long_answer_is_found_by_the_passage_leg() -> None:
    entries = [
        faq("정산 내역은 어디서 확인하나요?", LONG_ANSWER),
        faq("빠른정산은 무엇인가요?", "빠른정산은 배송 완료 다음 날 정산금을 먼저 지급하는 서비스입니다."),
        faq("정산 주기는 어떻게 되나요?", "구매확정 다음 영업일에 정산됩니다."),
    ]
    analysis = analyzer()
    items = indexed(entries, analysis)
    lexical = LexicalIndex(items, window=12, stride=6)
    assert lexical.passages.count > len(entries)
    query = LexicalQuery()
    text = "빠른정산 첫 지급은 집화 다음 영업일인가요?"
    morphemes = analysis.morphemes(text)
    query.add(morphemes, lexical.decompound(morphemes), [], 1.0)
    scores = lexical.scores(query)
    passage, reference = scores[P_MORPH]
    assert reference > 0 and passage.shape == (3,)
    # In its best passage the long answer holds the fact undiluted by the rest of the answer: it leads the short
    # entry on the same topic by more than the whole answer does.
    whole, _ = scores["qa_morph"]
    assert passage[0] / passage[1] > whole[0] / whole[1] > 0

    searcher = HybridSearcher(items, None, None, analysis)
    hits = {hit.entry_id: hit for hit in searcher.search(text, k=3).hits}
    legs = hits["정산 내역은 어디서 확인하나요?"].legs
    assert np.isfinite(legs[P_MORPH]) and legs[P_MORPH] > 0
