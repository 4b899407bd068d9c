"""The dense leg's models: the ``Embedder`` protocol and the OpenAI embedder.

The default, multilingual-e5-small, lives in ``knowledge.index.e5``; LSA fitted on the corpus in ``knowledge.index.lsa``. A collection records the name
and dimension of the embedder that built it; opening it with another one raises ``EmbeddingMismatch``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from knowledge.index.documents import read_mark

if TYPE_CHECKING:
    import openai

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]

# The embeddings endpoint takes about 8k tokens an input; Korean runs near one token a character.
_MAX_INPUT_CHARS = 4000


class EmbeddingMismatch(RuntimeError):
    """A collection was built with a different embedding model (or dimension) than the one opening it."""


class EmbeddingUnavailable(RuntimeError):
    """The embedding service failed or answered something unusable."""


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of a fixed dimension.

    ``name`` identifies the model and its fitted state: vectors of two embedders with different names must never
    be compared. ``dimension`` is 0 until known (a remote model tells it with its first answer).
    """

    name: str
    dimension: int

    def embed(self, texts: Sequence[str], advance: Callable[[int], None] | None = None) -> FloatArray:
        """One row per indexed text, in order; float32, each row of length 1 (or all zeros for an empty text).
        ``advance`` hears how many more texts are done, as they are (for a progress bar)."""
        ...

    def query(self, text: str) -> FloatArray:
        """The vector of a user's question; asymmetric models (e5) encode it differently from indexed texts."""
        ...


class OpenAIEmbedder:
    """OpenAI's embeddings endpoint through the official SDK (sync client, no retries: a failed query falls back
    to the lexical legs, a failed ingest is re-run by the operator). A query waits on the network, so code on an
    event loop should call ``Searcher.search`` through ``asyncio.to_thread`` with this embedder; repeated queries
    are answered from a small cache."""

    def __init__(self, client: openai.OpenAI, model: str, *, batch_size: int = 128, cache_size: int = 1024) -> None:
        self.client = client
        self.model = model
        self.name = f"openai:{model}"
        self.dimension = 0
        self.batch_size = batch_size
        self._cache: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, api_key: str, base_url: str, model: str, *, timeout_s: float, batch_size: int, cache_size: int
    ) -> OpenAIEmbedder:
        import openai  # only when configured: the SDK takes a second to import

        client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout_s)
        return cls(client, model, batch_size=batch_size, cache_size=cache_size)

    def query(self, text: str) -> FloatArray:
        return self.embed([text])[0]

    def embed(self, texts: Sequence[str], advance: Callable[[int], None] | None = None) -> FloatArray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1:
            with self._lock:
                cached = self._cache.get(texts[0])
                if cached is not None:
                    self._cache.move_to_end(texts[0])
                    return cached[None, :]
        rows: list[FloatArray] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [read_mark(text)[1][:_MAX_INPUT_CHARS] or " " for text in texts[start : start + self.batch_size]]
            rows.append(self._request(batch))
            if advance is not None:
                advance(len(batch))
        vectors = np.vstack(rows)
        if len(texts) == 1 and self._cache_size:
            with self._lock:
                self._cache[texts[0]] = vectors[0]
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return vectors

    def _request(self, batch: list[str]) -> FloatArray:
        import openai

        try:
            response = self.client.embeddings.create(model=self.model, input=batch, encoding_format="float")
        except openai.OpenAIError as error:
            raise EmbeddingUnavailable(f"OpenAI embeddings failed: {error}") from error
        if len(response.data) != len(batch):
            raise EmbeddingUnavailable(f"OpenAI returned {len(response.data)} embeddings for {len(batch)} inputs")
        ordered = sorted(response.data, key=lambda item: item.index)
        vectors = np.array([item.embedding for item in ordered], dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] == 0:
            raise EmbeddingUnavailable("OpenAI returned empty embeddings")
        if self.dimension and vectors.shape[1] != self.dimension:
            raise EmbeddingMismatch(f"{self.name} returned {vectors.shape[1]} dimensions, expected {self.dimension}")
        self.dimension = int(vectors.shape[1])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1
        normalised: FloatArray = (vectors / norms).astype(np.float32)
        return normalised


def unit_rows(vectors: FloatArray) -> FloatArray:
    """Each row scaled to length 1 (rows of zeros stay zeros), as float32."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1
    result: FloatArray = (vectors / norms).astype(np.float32)
    return result
