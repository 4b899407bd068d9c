"""Evidence read from hits: coverage, margin, legs' agreement, similarity and how much a short query counts."""

from __future__ import annotations

import pytest

from knowledge.gate.evidence import read_evidence
from knowledge.gate.lexical import LexicalIndex
from knowledge.types import Hit

QUESTIONS = ["정산은 언제 되나요?", "반품배송비는 누가 부담하나요?", "상품등록하는 방법", "하이라이트 관리가 뭔가요?"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex([str(i) for i in range(len(QUESTIONS))], QUESTIONS)


def test_no_hits_no_evidence(index: LexicalIndex) -> None:
    assert read_evidence("정산", [], index) is None


def test_coverage_takes_the_best_of_the_first_hits(index: LexicalIndex) -> None:
    hits = [Hit("1", QUESTIONS[1], 1.0), Hit("0", QUESTIONS[0], 0.9)]
    found = read_evidence("정산은 언제 되나요", hits, index)
    assert found is not None
    assert found.coverage == pytest.approx(1.0)
    unrelated = read_evidence("내일 날씨 어때요", hits, index)
    assert unrelated is not None and unrelated.coverage < 0.3


def test_a_short_query_counts_little(index: LexicalIndex) -> None:
    found = read_evidence("하이", [Hit("3", QUESTIONS[3], 1.0)], index)
    assert found is not None
    assert found.coverage == pytest.approx(1.0)
    assert found.reliability < 0.5


def test_margin_is_relative_and_bounded(index: LexicalIndex) -> None:
    found = read_evidence("정산", [Hit("0", QUESTIONS[0], 0.04), Hit("1", QUESTIONS[1], 0.03)], index)
    assert found is not None and found.margin == pytest.approx(0.25)
    single = read_evidence("정산", [Hit("0", QUESTIONS[0], 0.04)], index)
    assert single is not None and single.margin == 1.0
    negative = read_evidence("정산", [Hit("0", QUESTIONS[0], -1.0), Hit("1", QUESTIONS[1], -2.0)], index)
    assert negative is not None and negative.margin == 0.0


def test_agreement_counts_legs_whose_best_is_the_first_hit(index: LexicalIndex) -> None:
    hits = [
        Hit("0", QUESTIONS[0], 0.1, {"q_morph": 9.0, "q_char": 3.0, "dense": 0.8, "bm25_rank": 1}),
        Hit("1", QUESTIONS[1], 0.09, {"q_morph": 2.0, "q_char": 7.0, "dense": 0.5, "bm25_rank": 2}),
    ]
    found = read_evidence("정산", hits, index)
    assert found is not None
    assert found.agreement == pytest.approx(3 / 4)  # q_char prefers the second hit; a rank leg counts low as best
    assert found.similarity == pytest.approx(0.8)


def test_missing_legs_are_tolerated(index: LexicalIndex) -> None:
    hits = [Hit("0", QUESTIONS[0], 0.1, {"q_morph": 1.0}), Hit("1", QUESTIONS[1], 0.09, {"dense_distance": 0.4})]
    found = read_evidence("정산", hits, index)
    assert found is not None
    assert found.agreement == pytest.approx(0.5)  # q_morph: first hit; the distance leg only scored the second
    assert found.similarity is None  # the first hit has no embedding leg
    only_one_leg = read_evidence("정산", [Hit("0", QUESTIONS[0], 0.1, {"q_morph": 1.0})], index)
    assert only_one_leg is not None and only_one_leg.agreement is None
