"""BM25 scores checked against values computed by hand from the formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from knowledge.index.bm25 import BM25Index

DOCS = [["정산", "계좌", "정산"], ["배송비", "설정"], ["정산", "배송비", "반품", "설정"]]


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _impact(tf: int, dl: int, avgdl: float, idf: float, k1: float = 1.2, b: float = 0.75) -> float:
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def test_scores_match_the_formula() -> None:
    index = BM25Index(DOCS)
    avgdl = 9 / 3
    idf_settle = _idf(3, 2)
    idf_fee = _idf(3, 2)
    expected = [
        _impact(2, 3, avgdl, idf_settle),
        _impact(1, 2, avgdl, idf_fee),
        _impact(1, 4, avgdl, idf_settle) + _impact(1, 4, avgdl, idf_fee),
    ]
    scores = index.scores({"정산": 1.0, "배송비": 1.0})
    assert scores == pytest.approx(expected, rel=1e-6)
    # Worked by hand, so that the same mistake in both places still shows: idf = ln(1 + 1.5 / 2.5) = ln 1.6;
    # document 0 (tf 2, length = average): ln 1.6 * 2 * 2.2 / (2 + 1.2) = 0.6463.
    assert idf_settle == pytest.approx(0.470003629, rel=1e-6)
    assert scores[0] == pytest.approx(0.6463, abs=1e-4)


def test_query_weights_multiply_and_unknown_terms_add_nothing() -> None:
    index = BM25Index(DOCS)
    once = index.scores({"반품": 1.0})
    assert index.scores({"반품": 2.5, "없는말": 3.0}) == pytest.approx(2.5 * once)
    assert np.count_nonzero(once) == 1


def test_parameters_change_length_normalisation() -> None:
    flat = BM25Index(DOCS, b=0.0).scores({"설정": 1.0})
    assert flat[1] == pytest.approx(flat[2])  # b = 0 ignores length
    normal = BM25Index(DOCS).scores({"설정": 1.0})
    assert normal[1] > normal[2]  # the shorter document wins


def test_self_score_and_idf() -> None:
    index = BM25Index(DOCS)
    assert index.idf("반품") == pytest.approx(_idf(3, 1))
    assert index.idf("없는말") == 0.0
    assert index.known("계좌") and not index.known("없는말")
    assert index.self_score({"반품": 1.0, "없는말": 1.0}) == pytest.approx(_idf(3, 1))


def test_empty_index_scores_nothing() -> None:
    index = BM25Index([])
    assert index.scores({"정산": 1.0}).shape == (0,)
