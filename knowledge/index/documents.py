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


def passage_texts(entry: FaqEntry, chars: int, count: int) -> list[str]:
    """The first ``count`` passages of the cleaned answer (whole sentences, about ``chars`` characters each), each
    headed by the entry's question: a passage alone often never names its topic."""
    from knowledge.corpus.clean import chunk

    return [f"{entry.question}\n{part.text}" for part in chunk(entry, chars)[:count]]


QUESTION_MARK = "query: "
"""Heads the question among an entry's embedded texts: an asymmetric encoder (e5) reads it as a question, so that a
user's question meets it question to question (paraphrases R@1 0.72 -> 0.74 in cross-validation, faq_dev alike);
other embedders drop the mark (``read_mark``)."""


def unit_texts(entry: FaqEntry, chars: int, count: int) -> list[str]:
    """What the dense leg embeds for an entry: its question (with tags, marked) first, then its passages."""
    return [QUESTION_MARK + (question_text(entry) or entry.id), *passage_texts(entry, chars, count)]


def read_mark(text: str) -> tuple[bool, str]:
    """(is a question, the text without the mark) of an embedded text."""
    if text.startswith(QUESTION_MARK):
        return True, text[len(QUESTION_MARK) :]
    return False, text


def unit_key(text: str) -> str:
    """The id of an embedded text in a collection's vector store: the hash of the text, so that a text embedded once
    (by any entry, in any run, even an interrupted one) is never embedded again."""
    return "v-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
