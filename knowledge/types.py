"""The knowledge base's vocabulary: FAQ entries, what a search finds, and the protocols between the parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One question and its answer, cleaned. ``id`` is the ORIGINAL question string, exactly as the source wrote it
    (tags, stars and spacing included): evaluation sets and related-help links refer to entries by it."""

    id: str
    question: str
    """The question without its bracketed tags, invisible characters and extra spaces."""
    answer: str
    """The answer without page boilerplate and the related-help block, sentences separated."""
    tags: tuple[str, ...] = ()
    """Bracketed category tags of the question, in order ("가입절차", ...)."""
    related: tuple[str, ...] = ()
    """Ids of entries the source links as related help (only those that exist in the same collection)."""
    collection: str = ""


@dataclass(frozen=True, slots=True)
class Chunk:
    """A part of an entry's answer small enough to embed and to show; long answers have several."""

    entry_id: str
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    entry_id: str
    question: str
    score: float
    """The fused score, higher is better; comparable within one search only."""
    legs: dict[str, float] = field(default_factory=dict)
    """Each retrieval leg's own score or rank, for debugging and calibration."""
    passage: str = ""
    """The part of the entry's answer (a few sentences) that is nearest the query; empty when the retriever
    cannot tell (no dense leg), and then the answer's start answers."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]
    in_scope: bool
    scope_score: float
    """The gate's confidence that the question belongs to the collection, in [0, 1]."""
    query: str
    """The query that was searched: the question, rewritten with the previous turn's topic for follow-ups."""


class Searcher(Protocol):
    def search(self, query: str, *, k: int = 5, history: Sequence[str] = ()) -> SearchResult:
        """The best entries for ``query`` (``history``: the user's earlier questions, oldest first)."""
        ...


@runtime_checkable
class SimilarEntries(Protocol):
    def similar(self, entry_id: str, k: int) -> list[str]:
        """Ids of the ``k`` entries whose questions mean most nearly what ``entry_id``'s does, nearest first."""
        ...
