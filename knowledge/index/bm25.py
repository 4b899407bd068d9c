"""Okapi BM25 over sparse term counts, scored through an inverted index.

Each term keeps its postings as two arrays (document numbers, precomputed BM25 impacts), so scoring a query
costs one vectorised add per query term: well under a millisecond for a few thousand documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


class BM25Index:
    """BM25 (Lucene's non-negative idf) over documents given as term sequences.

    ``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))`` and a document's score for a query is
    ``sum(w_t * impact(t, d))`` over the query's terms, where ``w_t`` is the term's weight in the query
    (its count, or an expansion's weight).
    """

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(documents)
        lengths = np.array([len(doc) for doc in documents], dtype=np.float64)
        self.avgdl = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        # One flat (term id, document, count) triple per distinct term of each document, grouped by term with a
        # stable sort: building is a few C-level passes rather than a dict append per posting.
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        counts: list[int] = []
        owners: list[int] = []
        for number, doc in enumerate(documents):
            counted = Counter(doc)
            term_ids.extend([vocabulary.setdefault(term, len(vocabulary)) for term in counted])
            counts.extend(counted.values())
            owners.extend([number] * len(counted))
        ids = np.array(term_ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        docs = np.array(owners, dtype=np.int32)[order]
        tf = np.array(counts, dtype=np.float64)[order]
        df = np.bincount(ids, minlength=len(vocabulary))
        starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(df, out=starts[1:])
        idf = np.log(1 + (self.size - df + 0.5) / (df + 0.5))
        norm = k1 * (1 - b + b * lengths[docs] / self.avgdl)
        self.vocabulary = vocabulary
        """term -> its number; postings of term n are ``docs[starts[n]:starts[n + 1]]`` and the same of ``impacts``."""
        self.starts = starts
        self.docs = docs
        self.impacts = (np.repeat(idf, df) * tf * (k1 + 1) / (tf + norm)).astype(np.float32)
        """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) of each posting."""
        self.idfs = idf

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        """The index as named arrays (for ``numpy.savez``; ``from_arrays`` reads them back)."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            f"{prefix}.terms": np.array(terms, dtype=str),
            f"{prefix}.starts": self.starts,
            f"{prefix}.docs": self.docs,
            f"{prefix}.impacts": self.impacts,
            f"{prefix}.idfs": self.idfs,
            f"{prefix}.shape": np.array([self.size, self.avgdl, self.k1, self.b], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], prefix: str) -> BM25Index:
        index = cls.__new__(cls)
        size, avgdl, k1, b = (float(value) for value in arrays[f"{prefix}.shape"])
        index.size, index.avgdl, index.k1, index.b = int(size), avgdl, k1, b
        terms = arrays[f"{prefix}.terms"].tolist()
        index.vocabulary = {term: number for number, term in enumerate(terms)}
        index.starts = arrays[f"{prefix}.starts"]
        index.docs = arrays[f"{prefix}.docs"]
        index.impacts = arrays[f"{prefix}.impacts"]
        index.idfs = arrays[f"{prefix}.idfs"]
        if len(index.starts) != len(terms) + 1 or len(index.docs) != len(index.impacts):
            raise ValueError(f"{prefix}: the kept index does not hold together")
        return index

    def scores(self, query: Mapping[str, float]) -> FloatArray:
        """Every document's score for a query of term -> weight; unknown terms add nothing."""
        total = np.zeros(self.size, dtype=np.float32)
        for term, weight in query.items():
            number = self.vocabulary.get(term)
            if number is not None:
                low, high = self.starts[number], self.starts[number + 1]
                # A term's postings hold each document once, so fancy-index += is exact here.
                total[self.docs[low:high]] += np.float32(weight) * self.impacts[low:high]
        return total

    def self_score(self, query: Mapping[str, float]) -> float:
        """The score of an average-length document that holds each known query term once: an upper reference
        that turns a score into a rough [0, 1] match strength."""
        one = (self.k1 + 1) / (1 + self.k1)
        return sum(weight * self.idf(term) * one for term, weight in query.items())

    def idf(self, term: str) -> float:
        """The term's idf; 0 for a term no document has."""
        number = self.vocabulary.get(term)
        return float(self.idfs[number]) if number is not None else 0.0

    def known(self, term: str) -> bool:
        return term in self.vocabulary
