"""Fusing leg scores: the normalised score sum and weighted reciprocal rank fusion."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.retrieval.fusion import FusionWeights, fuse, rrf_votes, top_k


def _scores() -> dict[str, tuple[np.ndarray, float]]:
    return {
        "a": (np.array([4.0, 2.0, 0.0, 1.0], dtype=np.float32), 4.0),
        "b": (np.array([0.0, 3.0, 6.0, 0.0], dtype=np.float32), 6.0),
        "dense": (np.array([0.5, -0.2, 0.1, 0.9], dtype=np.float32), 0.0),
    }


def test_score_fusion_normalises_each_leg_by_its_reference() -> None:
    weights = FusionWeights(legs={"a": 1.0, "b": 0.5, "dense": 2.0})
    fused = fuse(_scores(), weights)
    expected = [1.0 + 0 + 1.0, 0.5 + 0.25 + 0, 0 + 0.5 + 0.2, 0.25 + 0 + 1.8]
    assert fused == pytest.approx(expected)
    assert weights.best_possible() == pytest.approx(3.5)
    assert weights.best_possible({"a": 0, "b": 0}) == pytest.approx(1.5)


def test_legs_without_weight_do_not_count() -> None:
    fused = fuse(_scores(), FusionWeights(legs={"a": 1.0}))
    assert fused == pytest.approx([1.0, 0.5, 0.0, 0.25])


def test_rrf_votes_by_rank() -> None:
    weights = FusionWeights(legs={"a": 1.0, "b": 2.0}, method="rrf", c=10.0, depth=2)
    fused = fuse(_scores(), weights)
    # a ranks 0 then 1; b ranks 2 then 1 (depth 2: document 3 gets no vote from a).
    expected = [1 / 11, 1 / 12 + 2 / 12, 2 / 11, 0.0]
    assert fused == pytest.approx(expected)
    assert weights.best_possible() == pytest.approx(3 / 11)
    assert rrf_votes(np.array([0.0, 0.0], dtype=np.float32), 10, 5) == pytest.approx([0.0, 0.0])


def test_top_k_is_deterministic_and_skips_non_positive_scores() -> None:
    values = np.array([1.0, 3.0, 3.0, 0.0, -1.0, 2.0], dtype=np.float32)
    assert top_k(values, 3) == [1, 2, 5]
    assert top_k(values, 10) == [1, 2, 5, 0]
    assert top_k(values, 0) == []
    assert top_k(np.zeros(3, dtype=np.float32), 2) == []
