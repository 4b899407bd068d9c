"""What a search's hits say about scope, read from ``Hit`` alone so that any retriever can feed the gate.

- coverage: how much of the query (IDF-weighted character bigrams) the best of the first hits' questions contains.
  It is absolute, unlike fused scores, which are "comparable within one search only".
- margin: the first fused score's lead over the second, relative to the first, in [0, 1].
- agreement: the share of retrieval legs whose own best hit is the fused first hit; None with fewer than two legs.
  A leg whose name contains "rank" or "dist" counts lower values as better; a hit a leg did not score is skipped.
- similarity: the first hit's score in an embedding leg (a name with "dense", "cos", "embed", "vector" or
  "semantic"; "dist" read as 1 - distance), an absolute similarity; None without such a leg.
- question_similarity, passage_similarity: the first hit's raw cosines in the legs ``dense_q_cos`` (the query
  against the entry's question) and ``dense_p_cos`` (against its best answer passage); None without them. With e5
  these separate answerable from off-topic questions best (near-scope ones included).
- reliability: how much all this counts, by the query's length: "하이" is wholly covered by "하이라이트 관리가
  뭔가요?", which says nothing; a query of five bigrams or more counts fully.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.gate.lexical import LexicalIndex
from knowledge.gate.text import bigrams
from knowledge.types import Hit

COVERAGE_DEPTH = 3
"""How many of the first hits may supply the coverage: the best answer is often not the first hit's question."""
QUESTION_COSINE = "dense_q_cos"
PASSAGE_COSINE = "dense_p_cos"
FULL_LENGTH = 5
"""Query bigrams from which evidence counts fully."""


@dataclass(frozen=True, slots=True)
class Evidence:
    coverage: float
    margin: float
    agreement: float | None
    similarity: float | None
    reliability: float
    question_similarity: float | None = None
    passage_similarity: float | None = None


def read_evidence(query: str, hits: Sequence[Hit], index: LexicalIndex) -> Evidence | None:
    """The evidence of ``hits`` (best first) for ``query``, or None when there are no hits."""
    if not hits:
        return None
    coverage = max(index.coverage(query, hit.question) for hit in hits[:COVERAGE_DEPTH])
    reliability = min(1.0, len(bigrams(query)) / FULL_LENGTH)
    return Evidence(
        coverage=coverage,
        margin=_margin(hits),
        agreement=_agreement(hits),
        similarity=_similarity(hits[0]),
        reliability=reliability,
        question_similarity=hits[0].legs.get(QUESTION_COSINE),
        passage_similarity=hits[0].legs.get(PASSAGE_COSINE),
    )


def _margin(hits: Sequence[Hit]) -> float:
    if len(hits) < 2:
        return 1.0
    first, second = hits[0].score, hits[1].score
    if first <= 0:
        return 0.0
    return min(max((first - second) / first, 0.0), 1.0)


_EMBEDDING_LEGS = ("dense", "cos", "embed", "vector", "semantic")


def _similarity(hit: Hit) -> float | None:
    for leg, value in sorted(hit.legs.items()):
        if leg in (QUESTION_COSINE, PASSAGE_COSINE):
            continue
        name = leg.lower()
        if any(word in name for word in _EMBEDDING_LEGS):
            return 1.0 - value if "dist" in name else value
    return None


def _lower_is_better(leg: str) -> bool:
    name = leg.lower()
    return "rank" in name or "dist" in name


def _agreement(hits: Sequence[Hit]) -> float | None:
    legs = sorted({leg for hit in hits for leg in hit.legs})
    if len(legs) < 2:
        return None
    agreeing = 0
    for leg in legs:
        scored = [(hit.legs[leg], i) for i, hit in enumerate(hits) if leg in hit.legs]
        if _lower_is_better(leg):
            best = min(scored)[1]
        else:
            best = min((-value, i) for value, i in scored)[1]
        agreeing += best == 0
    return agreeing / len(legs)
