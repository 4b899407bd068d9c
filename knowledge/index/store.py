"""FAQ collections in chromadb: one record per entry, precomputed vectors only, incremental and resumable updates.

A record's id is ``entry_key(original question)``; its metadata (`knowledge.index.records`) holds the entry, its
content hash, its morphemes and the keys of its embedded texts (its question and answer passages); its own vector
is its question's. The vectors of the embedded texts live in ``<name>.vectors``, keyed by the
text's hash. The collection's metadata records the embedder's name and dimension and the tokenizer version.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import numpy.typing as npt
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from knowledge.index.documents import IndexedEntry, content_hash, document_text, entry_key, unit_key
from knowledge.index.embeddings import Embedder, EmbeddingMismatch
from knowledge.index.guard import forbid_default_embedding
from knowledge.index.progress import IngestProgress, as_progress
from knowledge.index.records import PAGE, Terms, entry_metadata, indexed_entry, pages, terms_metadata
from knowledge.index.tokens import TOKENIZER_VERSION
from knowledge.settings import KnowledgeSettings
from knowledge.types import FaqEntry

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
Tokenize = Callable[[FaqEntry], Terms]
"""An entry -> (question morphemes, question-and-answer morphemes)."""

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")
_EMBED_BATCH = 32
"""Texts embedded between two writes to the vector store: what an interrupted ingest can lose."""
SCHEMA = 2
"""1: one vector per entry (question and answer); 2: a vector per embedded text, in ``<name>.vectors``."""
Units = Callable[[FaqEntry], list[str]]


VECTORS_SUFFIX = ".vectors"


def vectors_name(name: str) -> str:
    """The vector store of collection ``name``: embedded texts by hash."""
    return name + VECTORS_SUFFIX


@dataclass(frozen=True, slots=True)
class IngestReport:
    collection: str
    embedder: str
    total: int
    added: int
    updated: int
    unchanged: int
    removed: int
    embedded: int
    """Texts (questions and passages) embedded in this run; 0 when every vector was stored already."""
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class StoredCollection:
    """Everything a searcher needs, read back from chromadb in source order."""

    name: str
    embedder: str
    dimension: int
    tokenizer: str
    entries: list[IndexedEntry]
    vectors: FloatArray
    """Every embedded text of every entry (each entry's question first, then its passages), one row each."""
    owners: npt.NDArray[np.int64]
    """The entry (its position in ``entries``) of each row of ``vectors``."""


@dataclass(frozen=True, slots=True)
class _Stored:
    digest: str
    position: int
    units: list[str]


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"collection name {name!r}: use 3-512 characters of a-z, A-Z, 0-9, '.', '_', '-'")
    return name


def connect(settings: KnowledgeSettings, data_dir: Path) -> ClientAPI:
    """A chromadb client: the server at ``chroma_url``, or the persistent folder under the data dir."""
    forbid_default_embedding()
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    path = settings.chroma_path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChromaStore:
    """Reads and writes FAQ collections; never lets chromadb embed anything itself."""

    def __init__(self, client: ClientAPI) -> None:
        forbid_default_embedding()
        self.client = client

    def _get(self, name: str) -> Collection | None:
        try:
            return self.client.get_collection(check_name(name), embedding_function=None)
        except chromadb.errors.NotFoundError:
            return None

    def metadata(self, name: str) -> dict[str, Any] | None:
        """The collection's metadata (embedder, dimension, tokenizer ...), or None when there is no collection."""
        collection = self._get(name)
        return dict(collection.metadata or {}) if collection is not None else None

    def sync(
        self,
        name: str,
        entries: Sequence[FaqEntry],
        embedder: Embedder,
        tokenize: Tokenize,
        units: Units,
        progress: IngestProgress | None = None,
    ) -> IngestReport:
        """Make the collection hold exactly ``entries``: new ones added, changed ones replaced, missing ones deleted,
        unchanged ones left alone. ``units(entry)`` gives the texts the dense leg embeds for an entry (its question
        first). Raises EmbeddingMismatch when the collection was built with another embedder.

        Embedded texts go to the vector store (``<name>.vectors``) in small batches as they are computed, keyed by
        the text's hash, so that an interrupted ingest keeps what it embedded and a re-run embeds only the rest; the
        entries are written once every vector they need is stored, so a failing embedder leaves them as they were.
        A collection of the previous layout (one vector per entry) is rebuilt."""
        started = time.perf_counter()
        progress = as_progress(progress)
        check_name(name)
        keys = [entry_key(entry.id) for entry in entries]
        if len(set(keys)) != len(keys):
            raise ValueError("two entries share an original question; ids must be unique")
        hashes = [content_hash(entry) for entry in entries]
        collection = self._get(name)
        meta = dict(collection.metadata or {}) if collection is not None else {}
        if collection is not None and meta.get("embedder") != embedder.name:
            raise EmbeddingMismatch(
                f"collection {name!r} was built with {meta.get('embedder')!r}, not {embedder.name!r}; "
                "re-ingest with --rebuild to switch"
            )
        if collection is not None and meta.get("kkini_schema") != SCHEMA:
            progress.step(f"{name}: built by an older kkini (one vector per entry); rebuilding")
            self.delete(name)
            collection, meta = None, {}
        texts = [units(entry) for entry in entries]
        unit_ids = [[unit_key(text) for text in group] for group in texts]
        stored = self._stored(collection) if collection is not None else {}
        changed = [
            i
            for i, key in enumerate(keys)
            if key not in stored or stored[key].digest != hashes[i] or stored[key].units != unit_ids[i]
        ]
        changed_set = set(changed)
        retokenize = collection is not None and meta.get("tokenizer") != TOKENIZER_VERSION
        # Unchanged entries keep their vectors; they only get a new position or, after a tokenizer change, terms.
        touched = [
            i for i, key in enumerate(keys) if i not in changed_set and (retokenize or stored[key].position != i)
        ]
        wanted = set(keys)
        removed = [key for key in stored if key not in wanted]

        vectors = self._vector_store(name, embedder)
        have = self._ids(vectors)
        needed: dict[str, str] = {}
        for i in changed:
            for key, text in zip(unit_ids[i], texts[i], strict=True):
                if key not in have:
                    needed[key] = text
        batch = max(1, min(PAGE, self.client.get_max_batch_size()))
        if needed:
            progress.start(len(needed), name)
            try:
                pending = list(needed.items())
                for begin in range(0, len(pending), _EMBED_BATCH):
                    part = pending[begin : begin + _EMBED_BATCH]
                    found = embedder.embed([text for _, text in part], advance=progress.advance)
                    vectors.upsert(ids=[key for key, _ in part], embeddings=found)
                    have.update(key for key, _ in part)
            finally:
                progress.finish()

        if collection is None:
            collection = self._create(name, embedder)
        for begin in range(0, len(removed), PAGE):
            collection.delete(ids=removed[begin : begin + PAGE])
        if changed:
            progress.step(f"{name}: writing {len(changed):,} entries")
        for begin in range(0, len(changed), batch):
            chunk = changed[begin : begin + batch]
            questions = self._vectors_of(vectors, [unit_ids[i][0] for i in chunk])
            collection.upsert(
                ids=[keys[i] for i in chunk],
                embeddings=questions,
                documents=[document_text(entries[i]) for i in chunk],
                metadatas=[entry_metadata(entries[i], hashes[i], i, tokenize(entries[i]), unit_ids[i]) for i in chunk],
            )
        for begin in range(0, len(touched), batch):
            chunk = touched[begin : begin + batch]
            collection.update(
                ids=[keys[i] for i in chunk],
                metadatas=[terms_metadata(i, tokenize(entries[i]) if retokenize else None) for i in chunk],
            )
        if retokenize:
            collection.modify(metadata={**meta, "tokenizer": TOKENIZER_VERSION})
        if changed or removed:
            referenced = {key for group in unit_ids for key in group}
            stale = [key for key in have if key not in referenced]
            for begin in range(0, len(stale), PAGE):
                vectors.delete(ids=stale[begin : begin + PAGE])
        added = sum(1 for i in changed if keys[i] not in stored)
        return IngestReport(
            collection=name,
            embedder=embedder.name,
            total=len(entries),
            added=added,
            updated=len(changed) - added,
            unchanged=len(entries) - len(changed),
            removed=len(removed),
            embedded=len(needed),
            seconds=time.perf_counter() - started,
        )

    def delete(self, name: str) -> bool:
        """Drop the collection and its vector store; False when there was no collection."""
        for extra in (vectors_name(name),):
            if self._get(extra) is not None:
                self.client.delete_collection(extra)
        if self._get(name) is None:
            return False
        self.client.delete_collection(name)
        return True

    def _vector_store(self, name: str, embedder: Embedder) -> Collection:
        """The collection's embedded texts (get or create); one whose embedder differs is emptied first."""
        found = self._get(vectors_name(name))
        if found is not None and (found.metadata or {}).get("embedder") != embedder.name:
            self.client.delete_collection(vectors_name(name))
            found = None
        if found is not None:
            return found
        return self.client.create_collection(
            vectors_name(name),
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder.name, "dimension": embedder.dimension, "kkini_schema": SCHEMA},
        )

    def _ids(self, collection: Collection) -> set[str]:
        return {key for ids, _, _, _ in pages(collection, include=[]) for key in ids}

    def _vectors_of(self, collection: Collection, ids: Sequence[str]) -> FloatArray:
        page = collection.get(ids=list(ids), include=["embeddings"])
        found: Any = page["embeddings"]
        by_id = dict(zip(page["ids"], found, strict=True))
        return np.array([by_id[key] for key in ids], dtype=np.float32)

    def _create(self, name: str, embedder: Embedder) -> Collection:
        return self.client.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={
                "embedder": embedder.name,
                "dimension": embedder.dimension,
                "tokenizer": TOKENIZER_VERSION,
                "kkini_schema": SCHEMA,
            },
        )

    def _stored(self, collection: Collection) -> dict[str, _Stored]:
        found: dict[str, _Stored] = {}
        for ids, metadatas, _, _ in pages(collection, include=["metadatas"]):
            for key, meta in zip(ids, metadatas, strict=True):
                found[key] = _Stored(
                    str(meta.get("content_hash", "")),
                    int(meta.get("position", -1)),
                    list(json.loads(meta.get("units") or "[]")),
                )
        return found

    def load(self, name: str) -> StoredCollection | None:
        """Every record of the collection with its embedded texts' vectors, in source order; None when there is no
        collection. Raises EmbeddingMismatch for a collection of the previous layout."""
        collection = self._get(name)
        if collection is None:
            return None
        meta = collection.metadata or {}
        if meta.get("kkini_schema") != SCHEMA:
            raise EmbeddingMismatch(
                f"collection {name!r} was built by an older kkini (one vector per entry); rebuild it: "
                f"kkini knowledge ingest --collection {name} --rebuild PATH"
            )
        rows: list[tuple[int, IndexedEntry, list[str]]] = []
        for _ids, metadatas, _docs, _ in pages(collection, include=["metadatas"]):
            for record in metadatas:
                units = list(json.loads(record.get("units") or "[]"))
                rows.append((int(record.get("position", 0)), indexed_entry(record, name), units))
        rows.sort(key=lambda row: row[0])
        dimension = int(meta.get("dimension") or 0)
        vectors_by_id: dict[str, Any] = {}
        store = self._get(vectors_name(name))
        if store is not None:
            for ids, _, _, embeddings in pages(store, include=["embeddings"]):
                vectors_by_id.update(zip(ids, embeddings, strict=True))
        owners: list[int] = []
        matrix_rows: list[Any] = []
        for number, (_, _, units) in enumerate(rows):
            for key in units:
                vector = vectors_by_id.get(key)
                if vector is not None:
                    owners.append(number)
                    matrix_rows.append(vector)
        matrix = np.asarray(matrix_rows, dtype=np.float32).reshape(len(matrix_rows), dimension)
        return StoredCollection(
            name=name,
            embedder=str(meta.get("embedder", "")),
            dimension=dimension,
            tokenizer=str(meta.get("tokenizer", "")),
            entries=[row[1] for row in rows],
            vectors=matrix,
            owners=np.asarray(owners, dtype=np.int64),
        )
