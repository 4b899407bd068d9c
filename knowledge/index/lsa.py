"""The offline embedder: latent semantic analysis fitted on the corpus itself, nothing downloaded.

Features are content morphemes and character bigrams, weighted by sublinear tf-idf and projected by a
truncated SVD onto a few hundred dimensions; vectors are L2-normalised so that a dot product is a cosine.
Fitting is deterministic (fixed seed, fixed sign convention); the fitted state is saved as one ``.npz`` file.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.index.documents import read_mark
from knowledge.index.embeddings import unit_rows
from knowledge.index.sparse import CsrMatrix, randomized_svd
from knowledge.index.tokens import Analyzer, char_ngrams

FloatArray = npt.NDArray[np.float32]

LSA_VERSION = "lsa-v2"
_MAX_FEATURES = 40_000
_MIN_DF = 2
_SMALL_CORPUS = 500
"""Below this many texts every feature is kept (min df 1): a small FAQ has few shared words to lose."""


class OfflineEmbedder:
    """LSA over tf-idf of morphemes and character bigrams (trigrams cost time and, measured on kkini's own
    questions, ranked worse). Build with ``fit`` or ``load``."""

    def __init__(
        self, analyzer: Analyzer, vocabulary: Sequence[str], idf: FloatArray, components: FloatArray, fit_id: str
    ) -> None:
        self.analyzer = analyzer
        self.vocabulary = list(vocabulary)
        self._index = {term: number for number, term in enumerate(self.vocabulary)}
        self.idf = idf.astype(np.float32)
        # Kept at the precision it is saved with, so a loaded embedder reproduces the vectors of a fitted one.
        self.components = components.astype(np.float16).astype(np.float32)
        self.fit_id = fit_id
        self.dimension = int(components.shape[1])
        self.name = f"offline-{fit_id}"

    @staticmethod
    def fingerprint(texts: Sequence[str], dimension: int) -> str:
        """What identifies a fit ("lsa-v2-256-<hash>"): the algorithm version, the dimension and the corpus texts in
        order. It names the embedder, so that a collection's vectors are never compared with another fit's."""
        digest = hashlib.sha256(f"{LSA_VERSION}|{dimension}|{_MAX_FEATURES}|{_MIN_DF}".encode())
        for text in texts:
            digest.update(text.encode("utf-8"))
            digest.update(b"\x00")
        return f"{LSA_VERSION}-{dimension}-{digest.hexdigest()[:12]}"

    @classmethod
    def fit(cls, analyzer: Analyzer, texts: Sequence[str], *, dimension: int = 256) -> OfflineEmbedder:
        """Fit on the corpus ``texts`` (one per entry, in a stable order)."""
        features = [_features(analyzer, text) for text in texts]
        df: Counter[str] = Counter()
        for counts in features:
            df.update(counts.keys())
        min_df = _MIN_DF if len(texts) >= _SMALL_CORPUS else 1
        kept = [term for term, count in df.items() if count >= min_df]
        kept.sort(key=lambda term: (-df[term], term))
        vocabulary = sorted(kept[:_MAX_FEATURES])
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[term])) + 1 for term in vocabulary], dtype=np.float32)
        embedder = cls(analyzer, vocabulary, idf, np.zeros((len(vocabulary), 1), np.float32), "unfitted")
        matrix = embedder._tfidf(features)
        _, vectors = randomized_svd(matrix, dimension)
        # Named by the dimension it has (a corpus smaller than the request caps it), so a refit reproduces it.
        return cls(analyzer, vocabulary, idf, vectors, cls.fingerprint(texts, int(vectors.shape[1])))

    def embed(self, texts: Sequence[str], advance: Callable[[int], None] | None = None) -> FloatArray:
        """One L2-normalised row per text; a text with no known feature gets a zero row."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        matrix = self._tfidf([_features(self.analyzer, read_mark(text)[1]) for text in texts])
        if advance is not None:
            advance(len(texts))
        return unit_rows(matrix.dot(self.components))

    def query(self, text: str) -> FloatArray:
        return self.embed([text])[0]

    def _tfidf(self, features: Sequence[Counter[str]]) -> CsrMatrix:
        rows: list[tuple[list[int], list[float]]] = []
        for counts in features:
            columns = [self._index[term] for term in counts if term in self._index]
            if not columns:
                rows.append(([], []))
                continue
            weights = np.array(
                [(1 + math.log(counts[self.vocabulary[c]])) * self.idf[c] for c in columns], dtype=np.float32
            )
            weights /= np.linalg.norm(weights)
            rows.append((columns, weights.tolist()))
        return CsrMatrix.from_rows(rows, len(self.vocabulary))

    def save(self, path: Path) -> None:
        """Write the fitted state to ``path`` (an ``.npz`` file), atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as handle:
            np.savez(
                handle,
                vocabulary=np.array(self.vocabulary, dtype=str),
                idf=self.idf,
                components=self.components.astype(np.float16),
                fit_id=np.array(self.fit_id),
            )
        os.replace(partial, path)

    @classmethod
    def load(cls, analyzer: Analyzer, path: Path) -> OfflineEmbedder:
        """Read state written by ``save``; raises FileNotFoundError when there is none."""
        with np.load(path, allow_pickle=False) as state:
            return cls(
                analyzer,
                state["vocabulary"].tolist(),
                state["idf"],
                state["components"].astype(np.float32),
                str(state["fit_id"]),
            )


def _features(analyzer: Analyzer, text: str) -> Counter[str]:
    counts: Counter[str] = Counter("m:" + term for term in analyzer.morphemes(text))
    counts.update("c:" + gram for gram in char_ngrams(text, (2,)))
    return counts
