"""FAQ collections in chromadb: one record per entry, precomputed vectors only, incremental updates.

A record's id is ``entry_key(original question)``; its metadata holds the original question, the cleaned question
and answer, tags and related ids (JSON), the content hash and the morphemes of both fields (so that opening a
collection needs no morphological analysis). The collection's metadata records the embedder's name and dimension
and the tokenizer version.
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

from knowledge.index.documents import IndexedEntry, content_hash, document_text, entry_key
from knowledge.index.embeddings import Embedder, EmbeddingMismatch
from knowledge.index.guard import forbid_default_embedding
from knowledge.index.tokens import TOKENIZER_VERSION
from knowledge.settings import KnowledgeSettings
from knowledge.types import FaqEntry

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
Tokenize = Callable[[FaqEntry], tuple[tuple[str, ...], tuple[str, ...]]]
"""An entry -> (question morphemes, question-and-answer morphemes)."""

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")
_PAGE = 1000


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
    """Entries whose vectors were computed in this run (added + updated)."""
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
    embeddings: FloatArray


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

    def delete(self, name: str) -> bool:
        if self._get(name) is None:
            return False
        self.client.delete_collection(name)
        return True

    def sync(
        self,
        name: str,
        entries: Sequence[FaqEntry],
        embedder: Embedder,
        tokenize: Tokenize,
        progress: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Make the collection hold exactly ``entries``: new ones added, changed ones re-embedded and replaced,
        missing ones deleted, unchanged ones left alone. Raises EmbeddingMismatch when the collection was built
        with another embedder. Vectors are computed before anything is written, so a failing embedder leaves the
        collection as it was."""
        started = time.perf_counter()
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
        stored = self._stored_hashes(collection) if collection is not None else {}
        changed = [i for i, key in enumerate(keys) if stored.get(key, ("", -1))[0] != hashes[i]]
        changed_set = set(changed)
        retokenize = collection is not None and meta.get("tokenizer") != TOKENIZER_VERSION
        # Unchanged entries keep their vectors; they only get a new position or, after a tokenizer change, terms.
        touched = [i for i, key in enumerate(keys) if i not in changed_set and (retokenize or stored[key][1] != i)]
        wanted = set(keys)
        removed = [key for key in stored if key not in wanted]
        say = progress or (lambda _line: None)
        if changed:
            say(f"{name}: embedding {len(changed):,} entries")
        vectors = embedder.embed([document_text(entries[i]) for i in changed]) if changed else None

        if collection is None:
            collection = self._create(name, embedder)
        for start in range(0, len(removed), _PAGE):
            collection.delete(ids=removed[start : start + _PAGE])
        batch = max(1, min(_PAGE, self.client.get_max_batch_size()))
        for start in range(0, len(changed), batch):
            chunk = changed[start : start + batch]
            assert vectors is not None
            collection.upsert(
                ids=[keys[i] for i in chunk],
                embeddings=vectors[start : start + len(chunk)],
                documents=[document_text(entries[i]) for i in chunk],
                metadatas=[_metadata(entries[i], hashes[i], i, tokenize(entries[i])) for i in chunk],
            )
            say(f"{name}: written {start + len(chunk):,} of {len(changed):,}")
        for start in range(0, len(touched), batch):
            chunk = touched[start : start + batch]
            collection.update(
                ids=[keys[i] for i in chunk],
                metadatas=[_terms_metadata(i, tokenize(entries[i]) if retokenize else None) for i in chunk],
            )
        if retokenize:
            collection.modify(metadata={**meta, "tokenizer": TOKENIZER_VERSION})
        added = sum(1 for i in changed if keys[i] not in stored)
        return IngestReport(
            collection=name,
            embedder=embedder.name,
            total=len(entries),
            added=added,
            updated=len(changed) - added,
            unchanged=len(entries) - len(changed),
            removed=len(removed),
            embedded=len(changed),
            seconds=time.perf_counter() - started,
        )

    def _create(self, name: str, embedder: Embedder) -> Collection:
        return self.client.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={
                "embedder": embedder.name,
                "dimension": embedder.dimension,
                "tokenizer": TOKENIZER_VERSION,
                "kkini_schema": 1,
            },
        )

    def _stored_hashes(self, collection: Collection) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for ids, metadatas, _, _ in _pages(collection, include=["metadatas"]):
            for key, meta in zip(ids, metadatas, strict=True):
                found[key] = (str(meta.get("content_hash", "")), int(meta.get("position", -1)))
        return found

    def load(self, name: str) -> StoredCollection | None:
        """Every record of the collection with its vector, in source order; None when there is no collection."""
        collection = self._get(name)
        if collection is None:
            return None
        meta = collection.metadata or {}
        rows: list[tuple[int, IndexedEntry, FloatArray]] = []
        for _ids, metadatas, _docs, embeddings in _pages(collection, include=["metadatas", "embeddings"]):
            for record, vector in zip(metadatas, embeddings, strict=True):
                rows.append((int(record.get("position", 0)), _indexed(record, name), np.asarray(vector, np.float32)))
        rows.sort(key=lambda row: row[0])
        dimension = int(meta.get("dimension") or (rows[0][2].shape[0] if rows else 0))
        matrix = np.vstack([row[2] for row in rows]) if rows else np.zeros((0, dimension), np.float32)
        return StoredCollection(
            name=name,
            embedder=str(meta.get("embedder", "")),
            dimension=dimension,
            tokenizer=str(meta.get("tokenizer", "")),
            entries=[row[1] for row in rows],
            embeddings=matrix.astype(np.float32),
        )


def _pages(collection: Collection, include: list[Any]) -> Any:
    offset = 0
    while True:
        page = collection.get(include=include, limit=_PAGE, offset=offset)
        ids = page["ids"]
        if not ids:
            return
        metadatas = page.get("metadatas") or [{}] * len(ids)
        embeddings = page.get("embeddings")
        yield ids, metadatas, page.get("documents"), embeddings if embeddings is not None else [None] * len(ids)
        offset += len(ids)


def _metadata(
    entry: FaqEntry, digest: str, position: int, terms: tuple[tuple[str, ...], tuple[str, ...]]
) -> dict[str, Any]:
    return {
        "question": entry.id,
        "clean_question": entry.question,
        "answer": entry.answer,
        "tags": json.dumps(list(entry.tags), ensure_ascii=False),
        "related": json.dumps(list(entry.related), ensure_ascii=False),
        "content_hash": digest,
        "position": position,
        "question_terms": " ".join(terms[0]),
        "document_terms": " ".join(terms[1]),
    }


def _terms_metadata(position: int, terms: tuple[tuple[str, ...], tuple[str, ...]] | None) -> dict[str, Any]:
    if terms is None:
        return {"position": position}
    return {"position": position, "question_terms": " ".join(terms[0]), "document_terms": " ".join(terms[1])}


def _indexed(record: Any, collection: str) -> IndexedEntry:
    entry = FaqEntry(
        id=str(record["question"]),
        question=str(record.get("clean_question", "")),
        answer=str(record.get("answer", "")),
        tags=tuple(json.loads(record.get("tags") or "[]")),
        related=tuple(json.loads(record.get("related") or "[]")),
        collection=collection,
    )
    return IndexedEntry(
        entry=entry,
        question_terms=tuple(str(record.get("question_terms", "")).split()),
        document_terms=tuple(str(record.get("document_terms", "")).split()),
    )
