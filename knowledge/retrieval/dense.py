"""The dense leg's index: every embedded text of every entry (its question, then answer passages), searched by cosine.

An entry's dense scores are its question's cosine (``dense_q``), its best passage's (``dense_p``) and the better of
the two (``dense``); the scope gate reads the raw cosines (``dense_q_cos``, ``dense_p_cos``). For fusion the first two are rescaled per query
(``relative``): e5's cosines crowd into a narrow band (0.75-0.90 for anything Korean), so what tells the answer
apart is how far an entry stands above the bulk of the collection for this query, not the cosine itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

DENSE = "dense"
DENSE_Q = "dense_q"
DENSE_P = "dense_p"
DENSE_Q_COS = "dense_q_cos"
DENSE_P_COS = "dense_p_cos"
"""The raw cosines of the entry's question and best passage: not fused (weight 0), read by the scope gate."""
PASSAGE_MARGIN = 0.02
"""How much nearer than an earlier passage a later one must be to be shown instead: e5's cosines between one query
and the passages of one answer differ by a few hundredths, and "사업자 전환은 어떻게 신청해?" stood 0.013 nearer the
answer's review-result sentences than its first passage, which says how to apply."""
BASELINE_RANK = 10
"""The cosine of the entry at this rank is the floor of ``relative``: only the few entries above it count."""


@dataclass(frozen=True, slots=True)
class DenseScores:
    best: FloatArray
    question: FloatArray
    passage: FloatArray
    rows: FloatArray
    """The cosine of every row (``DenseIndex.vectors``), for finding the passage that answers."""

    def blend(self, other: DenseScores) -> DenseScores:
        """The mean of two queries' scores (a follow-up read with and without the previous question)."""
        half = np.float32(0.5)
        return DenseScores(
            (self.best + other.best) * half,
            (self.question + other.question) * half,
            (self.passage + other.passage) * half,
            (self.rows + other.rows) * half,
        )


class DenseIndex:
    """Rows of ``vectors`` belong to entries ``owners`` (0 .. ``size`` - 1), each entry's question row first."""

    def __init__(self, vectors: FloatArray, owners: IntArray, size: int) -> None:
        if len(vectors) != len(owners):
            raise ValueError("one owner per vector")
        if len(owners) and bool(np.any(np.diff(owners) < 0)):
            raise ValueError("rows must come entry by entry, in order")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.owners = owners.astype(np.int64)
        self.size = size
        first = np.ones(len(owners), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        self.question_rows = np.flatnonzero(first)
        self.passage_rows = np.flatnonzero(~first)
        self.has_question = np.zeros(size, dtype=bool)
        self.has_question[owners[self.question_rows]] = True

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, vector: FloatArray) -> DenseScores:
        # einsum's own loop rather than a BLAS matrix-vector product: the product is small (well under a
        # millisecond), and OpenBLAS spreads it over threads whose start-up, on a busy machine, cost 5-10 ms a query.
        cosines: FloatArray = np.einsum("ij,j->i", self.vectors, vector)
        question = np.zeros(self.size, dtype=np.float32)
        question[self.owners[self.question_rows]] = cosines[self.question_rows]
        passage = np.zeros(self.size, dtype=np.float32)
        if len(self.passage_rows):
            np.maximum.at(passage, self.owners[self.passage_rows], cosines[self.passage_rows])
        return DenseScores(np.maximum(question, passage), question, passage, cosines)

    def best_passage(self, scores: DenseScores, entry: int) -> int:
        """The number (from 0) of ``entry``'s answer passage that answers the query: the earliest one within
        ``PASSAGE_MARGIN`` of the nearest (an answer says the main thing first); 0 when it has none stored."""
        start, end = self._span(entry)
        passages = scores.rows[start + 1 : end]
        if not len(passages):
            return 0
        return int(np.flatnonzero(passages >= passages.max() - PASSAGE_MARGIN)[0])

    def similar(self, entry: int, k: int) -> list[int]:
        """The ``k`` entries whose questions are nearest ``entry``'s question (not itself), nearest first."""
        if not self.has_question[entry]:
            return []
        questions = self.vectors[self.question_rows]
        owners = self.owners[self.question_rows]
        own = questions[int(np.searchsorted(owners, entry))]
        cosines = np.einsum("ij,j->i", questions, own)
        order = np.argsort(-cosines, kind="stable")
        return [int(owners[i]) for i in order if owners[i] != entry][:k]

    def _span(self, entry: int) -> tuple[int, int]:
        """The rows of ``entry``: ``start`` (its question) to ``end`` (excluded)."""
        start = int(np.searchsorted(self.owners, entry, side="left"))
        end = int(np.searchsorted(self.owners, entry, side="right"))
        return start, end


def relative(values: FloatArray, rank: int = BASELINE_RANK) -> FloatArray:
    """``values`` rescaled to [0, 1] between the ``rank``-th best value (0) and the best (1), clipped below."""
    if values.size == 0:
        return values
    top = float(values.max())
    floor = float(np.partition(values, -rank)[-rank]) if values.size > rank else float(values.min())
    if top <= floor:
        return np.zeros_like(values)
    scaled: FloatArray = np.clip((values - floor) / (top - floor), 0.0, None).astype(np.float32)
    return scaled


def fusion_scores(values: FloatArray) -> FloatArray:
    """What fusion reads of a dense leg: ``relative`` to the ``BASELINE_RANK``-th entry (chosen with the leg
    weights by cross-validation on faq_dev and faq_paraphrase_dev; see README, knowledge section)."""
    return relative(values, BASELINE_RANK)
