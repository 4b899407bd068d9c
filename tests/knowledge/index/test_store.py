"""FAQ collections in a real chromadb folder: incremental ingest, embedder mismatch, the default-model guard."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from dialogue.settings import OpenAISettings
from knowledge.index.documents import entry_key
from knowledge.index.embeddings import EmbeddingMismatch
from knowledge.index.guard import DefaultEmbeddingForbidden
from knowledge.index.registry import CollectionMissing, KnowledgeBase
from knowledge.index.store import ChromaStore
from knowledge.settings import KnowledgeSettings
from tests.knowledge.index.support import SIGNUP, SMALL_FAQ, HashEmbedder, analyzer


def _terms(entry: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return ("q",), ("q", "a")


@pytest.fixture
def store(tmp_path: Path) -> ChromaStore:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    return ChromaStore(client)


def test_first_ingest_stores_every_entry_with_its_metadata(store: ChromaStore) -> None:
    embedder = HashEmbedder()
    report = store.sync("faq", SMALL_FAQ, embedder, _terms)
    assert (report.total, report.added, report.embedded, report.unchanged) == (12, 12, 12, 0)
    meta = store.metadata("faq")
    assert meta is not None and meta["embedder"] == "hash-8" and meta["dimension"] == 8
    record: Any = store.client.get_collection("faq", embedding_function=None).get(ids=[entry_key(SIGNUP)])
    stored = record["metadatas"][0]
    assert stored["question"] == SIGNUP
    assert json.loads(stored["tags"]) == ["가입절차"]
    assert json.loads(stored["related"]) == ["가입 심사는 얼마나 걸리나요?"]
    assert len(stored["content_hash"]) == 64
    loaded = store.load("faq")
    assert loaded is not None
    assert [item.entry for item in loaded.entries] == [replace(entry, collection="faq") for entry in SMALL_FAQ]
    assert loaded.embeddings.shape == (12, 8)
    assert np.array_equal(loaded.embeddings[0], embedder.embed([record["documents"][0]])[0])


def test_reingest_embeds_only_what_changed(store: ChromaStore) -> None:
    store.sync("faq", SMALL_FAQ, HashEmbedder(), _terms)
    embedder = HashEmbedder()
    noop = store.sync("faq", SMALL_FAQ, embedder, _terms)
    assert (noop.added, noop.updated, noop.unchanged, noop.removed, noop.embedded) == (0, 0, 12, 0, 0)
    assert embedder.calls == []

    changed = list(SMALL_FAQ)
    changed[4] = replace(changed[4], answer=changed[4].answer + " 주말은 제외됩니다.")
    del changed[7]
    changed.append(SMALL_FAQ[0].__class__(id="새 질문?", question="새 질문?", answer="새 답변입니다."))
    report = store.sync("faq", changed, embedder, _terms)
    assert (report.added, report.updated, report.unchanged, report.removed, report.embedded) == (1, 1, 10, 1, 2)
    assert len(embedder.calls) == 1 and len(embedder.calls[0]) == 2
    loaded = store.load("faq")
    assert loaded is not None
    assert [item.entry.id for item in loaded.entries] == [entry.id for entry in changed]
    assert loaded.entries[4].entry.answer.endswith("주말은 제외됩니다.")


def test_duplicate_ids_are_refused(store: ChromaStore) -> None:
    with pytest.raises(ValueError, match="unique"):
        store.sync("faq", [SMALL_FAQ[0], SMALL_FAQ[0]], HashEmbedder(), _terms)


def test_another_embedder_is_refused(store: ChromaStore) -> None:
    store.sync("faq", SMALL_FAQ, HashEmbedder("model-a"), _terms)
    with pytest.raises(EmbeddingMismatch, match="model-a"):
        store.sync("faq", SMALL_FAQ, HashEmbedder("model-b"), _terms)


def test_bad_collection_names_are_refused(store: ChromaStore) -> None:
    with pytest.raises(ValueError, match="collection name"):
        store.sync("a b", SMALL_FAQ, HashEmbedder(), _terms)


@pytest.mark.filterwarnings("ignore:legacy embedding function config:DeprecationWarning")
def test_chromadb_default_embedding_fails_loudly_without_downloading(store: ChromaStore) -> None:
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    with pytest.raises(DefaultEmbeddingForbidden):
        DefaultEmbeddingFunction()(["정산"])
    # The classic accident: a collection fetched without embedding_function, then given bare documents.
    store.sync("faq", SMALL_FAQ, HashEmbedder(), _terms)
    careless = store.client.get_collection("faq")
    with pytest.raises(DefaultEmbeddingForbidden):
        careless.add(ids=["x-1"], documents=["vectors please"])
    with pytest.raises(DefaultEmbeddingForbidden):
        careless.query(query_texts=["정산"], n_results=1)
    fresh = store.client.create_collection("other")
    with pytest.raises(DefaultEmbeddingForbidden):
        fresh.add(ids=["x-1"], documents=["vectors please"])


def _base(tmp_path: Path, **overrides: Any) -> KnowledgeBase:
    settings = KnowledgeSettings(offline_dimensions=16, **overrides)
    return KnowledgeBase(settings, data_dir=tmp_path, openai=OpenAISettings(), analyzer=analyzer())


def test_knowledge_base_ingests_opens_and_refits_a_lost_offline_state(tmp_path: Path) -> None:
    base = _base(tmp_path)
    report = base.ingest("faq", SMALL_FAQ)
    assert report.embedder.startswith("offline-lsa-") and report.added == 12
    state = base.state_path("faq")
    assert state.is_file() and (tmp_path / "chroma").is_dir()
    first = base.open("faq").search("정산금은 언제 들어오나요").hits[0].entry_id

    state.unlink()  # another replica's data dir, or a lost file: refitting gives the same model back
    again = _base(tmp_path)
    assert again.open("faq").search("정산금은 언제 들어오나요").hits[0].entry_id == first
    assert state.is_file()

    state.unlink()
    again.ingest("faq", [*SMALL_FAQ[:-1], replace(SMALL_FAQ[-1], answer="바뀐 답변")])
    state.unlink()  # entries changed since the fit: the state cannot be rebuilt
    with pytest.raises(EmbeddingMismatch, match="--rebuild"):
        _base(tmp_path).open("faq")
    rebuilt = _base(tmp_path).ingest("faq", SMALL_FAQ, rebuild=True)
    assert rebuilt.added == 12


def test_knowledge_base_refuses_another_kind_of_embedder_and_unknown_collections(tmp_path: Path) -> None:
    _base(tmp_path).ingest("faq", SMALL_FAQ)
    with pytest.raises(EmbeddingMismatch, match="offline"):
        _base(tmp_path, embedding="openai").open("faq")
    with pytest.raises(CollectionMissing):
        _base(tmp_path).open("nothing-here")
    assert _base(tmp_path).collections() == ["faq"]
