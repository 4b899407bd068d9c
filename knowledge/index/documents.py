"""How an FAQ entry is indexed: its stable id, the text of each field, and the hash that detects changes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from knowledge.types import FaqEntry


def entry_key(original_question: str) -> str:
    """The chroma id of an entry: a stable hash of its original question (ids have length limits; questions
    repeat after tag stripping, the original never does)."""
    return "q-" + hashlib.sha256(original_question.encode("utf-8")).hexdigest()[:32]


def question_text(entry: FaqEntry) -> str:
    """The question field: its tags (topic words such as 정기구독, 풀필먼트) and the cleaned question."""
    return " ".join([*entry.tags, entry.question]).strip()


def document_text(entry: FaqEntry) -> str:
    """The question and the answer: the text of the answer field and of the embedding."""
    return f"{question_text(entry)}\n{entry.answer}".strip()


def content_hash(entry: FaqEntry) -> str:
    """Changes whenever anything stored or embedded for the entry changes."""
    payload = json.dumps(
        [entry.id, entry.question, entry.answer, list(entry.tags), list(entry.related)], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IndexedEntry:
    """An entry as the searcher holds it: the entry and the morphemes of its two fields."""

    entry: FaqEntry
    question_terms: tuple[str, ...]
    document_terms: tuple[str, ...]
