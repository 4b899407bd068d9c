"""How an FAQ entry is kept in a chromadb record's metadata, and how records are read back a page at a time.

The metadata holds the original question (also the record's id, through ``entry_key``), the cleaned question and
answer, tags and related ids (JSON), the content hash, the entry's position in its source, the morphemes of both
fields (so that opening a collection needs no morphological analysis) and the keys of its embedded texts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from chromadb.api.models.Collection import Collection

from knowledge.index.documents import IndexedEntry
from knowledge.types import FaqEntry

PAGE = 1000
"""Records read or deleted per chromadb call."""

Terms = tuple[tuple[str, ...], tuple[str, ...]]
"""An entry's (question morphemes, question-and-answer morphemes)."""


def pages(collection: Collection, include: list[Any]) -> Any:
    """Every record of ``collection``, `PAGE` at a time: (ids, metadatas, documents, embeddings) per page."""
    offset = 0
    while True:
        page = collection.get(include=include, limit=PAGE, offset=offset)
        ids = page["ids"]
        if not ids:
            return
        metadatas = page.get("metadatas") or [{}] * len(ids)
        embeddings = page.get("embeddings")
        yield ids, metadatas, page.get("documents"), embeddings if embeddings is not None else [None] * len(ids)
        offset += len(ids)


def entry_metadata(entry: FaqEntry, digest: str, position: int, terms: Terms, units: Sequence[str]) -> dict[str, Any]:
    """The metadata of ``entry``'s record: the entry itself, its content hash, position, morphemes and text keys."""
    return {
        "units": json.dumps(list(units)),
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


def terms_metadata(position: int, terms: Terms | None) -> dict[str, Any]:
    """What an unchanged entry's record is updated with: its position, and its morphemes when they are redone."""
    if terms is None:
        return {"position": position}
    return {"position": position, "question_terms": " ".join(terms[0]), "document_terms": " ".join(terms[1])}


def indexed_entry(record: Any, collection: str) -> IndexedEntry:
    """The entry a record's metadata holds, with its morphemes, as a searcher reads it."""
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
