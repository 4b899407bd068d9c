"""Fusing the legs' scores into one ranking.

Two methods: ``score`` (default) adds each leg's score normalised by the query's reference score for that leg
(BM25 legs) or as is (cosine, clipped at 0), weighted; ``rrf`` is weighted reciprocal rank fusion, each leg voting
``weight / (c + rank)`` for its first ``depth`` documents. On kkini's own paraphrase and answer-detail questions
the normalised score sum ranked the right entry first noticeably more often than RRF: ranks throw away how much
better a leg's first document is than its second, which is what separates near-duplicate FAQ questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """Leg weights, the method, and RRF's constant ``c`` and depth."""

    legs: Mapping[str, float] = field(default_factory=dict)
    method: Literal["score", "rrf"] = "score"
    c: float = 10.0
    depth: int = 50
    title_bonus: Mapping[str, float] = field(default_factory=dict)
    """Per question leg, added times how far the leg's normalised score passes the title threshold (see
    ``knowledge.retrieval.hybrid``)."""
    dense_expansions: bool = True
    """Whether the dense leg reads the query with its synonyms and typo fixes (lsa, fitted on the corpus's words,
    needs them) or as written (a pretrained encoder knows the words; the added ones only blur the question)."""

    def best_possible(self, legs: Mapping[str, object] | None = None) -> float:
        """The fused score of a document that every leg (or every leg of ``legs``) scores as well as possible."""
        names = [name for name in self.legs if legs is None or name in legs]
        total = sum(self.legs[name] for name in names)
        return total / (self.c + 1) if self.method == "rrf" else total


def fuse(scores: Mapping[str, tuple[FloatArray, float]], weights: FusionWeights) -> FloatArray:
    """One fused score per document from each leg's (scores, reference). A reference of 0 marks a leg whose scores
    are already on a common scale (cosines); legs without a weight do not count."""
    size = len(next(iter(scores.values()))[0]) if scores else 0
    fused = np.zeros(size, dtype=np.float32)
    for leg, (values, reference) in scores.items():
        weight = weights.legs.get(leg, 0.0)
        if weight <= 0:
            continue
        if weights.method == "rrf":
            fused += weight * rrf_votes(values, weights.c, weights.depth)
        elif reference > 0:
            fused += np.float32(weight / reference) * values
        else:
            fused += np.float32(weight) * np.clip(values, 0, None)
    return fused


def rrf_votes(values: FloatArray, c: float, depth: int) -> FloatArray:
    """``1 / (c + rank)`` for the ``depth`` best positive scores (ranks from 1), 0 elsewhere."""
    votes = np.zeros(len(values), dtype=np.float32)
    for rank, document in enumerate(top_k(values, depth), start=1):
        votes[document] = 1.0 / (c + rank)
    return votes


def top_k(values: FloatArray, k: int) -> list[int]:
    """Indices of the ``k`` largest positive values, best first; ties by index, so results are deterministic."""
    if k <= 0 or values.size == 0:
        return []
    positive = int(np.count_nonzero(values > 0))
    k = min(k, positive)
    if k == 0:
        return []
    candidates = np.argpartition(-values, k - 1)[:k] if k < values.size else np.arange(values.size)
    return sorted(candidates.tolist(), key=lambda i: (-float(values[i]), i))
