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
from knowledge.types import FaqEntry
from tests.knowledge.index.support import SIGNUP, SMALL_FAQ, HashEmbedder, analyzer


def _terms(entry: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return ("q",), ("q", "a")


def _units(entry: FaqEntry) -> list[str]:
    """The question, then the answer as one passage."""
    return [entry.question, f"{entry.question}\n{entry.answer}"]


@pytest.fixture
def store(tmp_path: Path) -> ChromaStore:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    return ChromaStore(client)


def test_first_ingest_stores_every_entry_with_its_metadata(store: ChromaStore) -> None:
    embedder = HashEmbedder()
    report = store.sync("faq", SMALL_FAQ, embedder, _terms, _units)
    assert (report.total, report.added, report.embedded, report.unchanged) == (12, 12, 24, 0)
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
    assert loaded.vectors.shape == (24, 8)  # each entry's question, then its passage
    assert loaded.owners.tolist() == [i // 2 for i in range(24)]
    assert np.allclose(loaded.vectors[0], embedder.embed([SMALL_FAQ[0].question])[0])
    assert np.allclose(loaded.vectors[1], embedder.embed(_units(SMALL_FAQ[0])[1:])[0])


def test_reingest_embeds_only_what_changed(store: ChromaStore) -> None:
    store.sync("faq", SMALL_FAQ, HashEmbedder(), _terms, _units)
    embedder = HashEmbedder()
    noop = store.sync("faq", SMALL_FAQ, embedder, _terms, _units)
    assert (noop.added, noop.updated, noop.unchanged, noop.removed, noop.embedded) == (0, 0, 12, 0, 0)
    assert embedder.calls == []

    changed = list(SMALL_FAQ)
    changed[4] = replace(changed[4], answer=changed[4].answer + " 주말은 제외됩니다.")
    del changed[7]
    changed.append(SMALL_FAQ[0].__class__(id="새 질문?", question="새 질문?", answer="새 답변입니다."))
    report = store.sync("faq", changed, embedder, _terms, _units)
    # The changed entry's passage and the new entry's question and passage; the changed question was stored already.
    assert (report.added, report.updated, report.unchanged, report.removed, report.embedded) == (1, 1, 10, 1, 3)
    assert sum(len(call) for call in embedder.calls) == 3
    loaded = store.load("faq")
    assert loaded is not None
    assert [item.entry.id for item in loaded.entries] == [entry.id for entry in changed]
    assert loaded.entries[4].entry.answer.endswith("주말은 제외됩니다.")


def test_duplicate_ids_are_refused(store: ChromaStore) -> None:
    with pytest.raises(ValueError, match="unique"):
        store.sync("faq", [SMALL_FAQ[0], SMALL_FAQ[0]], HashEmbedder(), _terms, _units)


def test_another_embedder_is_refused(store: ChromaStore) -> None:
    store.sync("faq", SMALL_FAQ, HashEmbedder("model-a"), _terms, _units)
    with pytest.raises(EmbeddingMismatch, match="model-a"):
        store.sync("faq", SMALL_FAQ, HashEmbedder("model-b"), _terms, _units)


def test_bad_collection_names_are_refused(store: ChromaStore) -> None:
    with pytest.raises(ValueError, match="collection name"):
        store.sync("a b", SMALL_FAQ, HashEmbedder(), _terms, _units)


@pytest.mark.filterwarnings("ignore:legacy embedding function config:DeprecationWarning")
def test_chromadb_default_embedding_fails_loudly_without_downloading(store: ChromaStore) -> None:
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    with pytest.raises(DefaultEmbeddingForbidden):
        DefaultEmbeddingFunction()(["정산"])
    # The classic accident: a collection fetched without embedding_function, then given bare documents.
    store.sync("faq", SMALL_FAQ, HashEmbedder(), _terms, _units)
    careless = store.client.get_collection("faq")
    with pytest.raises(DefaultEmbeddingForbidden):
        careless.add(ids=["x-1"], documents=["vectors please"])
    with pytest.raises(DefaultEmbeddingForbidden):
        careless.query(query_texts=["정산"], n_results=1)
    fresh = store.client.create_collection("other")
    with pytest.raises(DefaultEmbeddingForbidden):
        fresh.add(ids=["x-1"], documents=["vectors please"])


def _base(tmp_path: Path, **overrides: Any) -> KnowledgeBase:
    settings = KnowledgeSettings(**{"embedding": "lsa", "offline_dimensions": 16, **overrides})
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
    with pytest.raises(EmbeddingMismatch, match="offline") as refused:
        _base(tmp_path, embedding="openai").open("faq")
    assert "--rebuild" in str(refused.value) and "KKINI_KNOWLEDGE__EMBEDDING=lsa" in str(refused.value)
    with pytest.raises(EmbeddingMismatch, match="e5"):
        _base(tmp_path, embedding="e5").open("faq")
    with pytest.raises(CollectionMissing):
        _base(tmp_path).open("nothing-here")
    assert _base(tmp_path).collections() == ["faq"]


class _Interrupting(HashEmbedder):
    """Stops the ingest (as Ctrl-C would) once ``after`` texts are embedded."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def embed(self, texts: Any, advance: Any = None) -> Any:
        if sum(len(call) for call in self.calls) >= self.after:
            raise KeyboardInterrupt
        return super().embed(texts, advance)


def test_an_interrupted_ingest_keeps_what_it_embedded(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge.index import store as store_module

    monkeypatch.setattr(store_module, "_EMBED_BATCH", 5)
    with pytest.raises(KeyboardInterrupt):
        store.sync("faq", SMALL_FAQ, _Interrupting(after=10), _terms, _units)
    assert store.load("faq") is None  # no entry is written before all its vectors are
    resumed = HashEmbedder()
    report = store.sync("faq", SMALL_FAQ, resumed, _terms, _units)
    assert report.added == 12 and report.embedded == 14  # 10 of 24 were kept
    loaded = store.load("faq")
    assert loaded is not None and loaded.vectors.shape == (24, 8)
