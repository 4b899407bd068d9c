"""Character-bigram overlap between short texts, weighted by how rare each bigram is in a collection's questions.

Used three ways: how much of a query the questions of the retrieved hits cover (scope evidence), the nearest real
question to a topic phrase (refusal suggestions) and the nearest neighbours of an entry (follow-ups).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from knowledge.gate.text import bigrams


class LexicalIndex:
    """An inverted index from bigrams to the texts containing them, with IDF weights.

    ``nearest`` ranks texts by IDF-weighted cosine; ``coverage`` says which share of a query's weight a text contains.
    Build once per collection (2,717 questions take about 50 ms); lookups take a fraction of a millisecond.
    """

    def __init__(self, keys: Sequence[str], texts: Sequence[str]) -> None:
        if len(keys) != len(texts):
            raise ValueError("keys and texts differ in length")
        self.keys = tuple(keys)
        self._grams = [bigrams(text) for text in texts]
        frequency: dict[str, int] = {}
        for grams in self._grams:
            for gram in grams:
                frequency[gram] = frequency.get(gram, 0) + 1
        total = max(len(texts), 1)
        self._idf = {gram: math.log((1 + total) / (1 + count)) + 1.0 for gram, count in frequency.items()}
        self._unseen_idf = math.log(1 + total) + 1.0
        self._postings: dict[str, list[int]] = {}
        for i, grams in enumerate(self._grams):
            for gram in grams:
                self._postings.setdefault(gram, []).append(i)
        self._norms = [math.sqrt(sum(self._idf[g] ** 2 for g in grams)) or 1.0 for grams in self._grams]

    def idf(self, gram: str) -> float:
        """The weight of one bigram; bigrams the collection never uses weigh the most."""
        return self._idf.get(gram, self._unseen_idf)

    def nearest(self, text: str, k: int = 5, exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """Up to ``k`` (key, cosine in [0, 1]) pairs, best first, ties by collection order; ``exclude`` keys skipped."""
        query = bigrams(text)
        if not query:
            return []
        scores: dict[int, float] = {}
        for gram in query:
            weight = self.idf(gram) ** 2
            for i in self._postings.get(gram, ()):
                scores[i] = scores.get(i, 0.0) + weight
        query_norm = math.sqrt(sum(self.idf(g) ** 2 for g in query))
        skip = set(exclude)
        ranked = sorted(scores.items(), key=lambda item: (-item[1] / self._norms[item[0]], item[0]))
        out: list[tuple[str, float]] = []
        for i, score in ranked:
            if self.keys[i] in skip:
                continue
            out.append((self.keys[i], score / (self._norms[i] * query_norm)))
            if len(out) == k:
                break
        return out

    def coverage(self, query: str, text: str) -> float:
        """The IDF-weighted share of ``query``'s bigrams that ``text`` also contains, in [0, 1]."""
        wanted = bigrams(query)
        if not wanted:
            return 0.0
        found = bigrams(text)
        total = sum(self.idf(g) for g in wanted)
        return sum(self.idf(g) for g in wanted & found) / total
