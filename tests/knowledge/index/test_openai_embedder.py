"""The OpenAI embedder through the real SDK against a local fake of the embeddings endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr

from dialogue.settings import OpenAISettings
from knowledge.index.embeddings import EmbeddingMismatch, EmbeddingUnavailable, OpenAIEmbedder
from knowledge.index.registry import KnowledgeBase
from knowledge.settings import KnowledgeSettings
from tests.knowledge.index.fake_openai import FakeOpenAI, fake_vector, running_fake_openai
from tests.knowledge.index.support import SMALL_FAQ, analyzer


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as server:
        yield server


def _embedder(fake: FakeOpenAI, *, key: str = "sk-test", batch_size: int = 128) -> OpenAIEmbedder:
    return OpenAIEmbedder.from_settings(
        key, fake.base_url, "text-embedding-3-small", timeout_s=5, batch_size=batch_size, cache_size=8
    )


def test_vectors_come_back_in_input_order_normalised(fake: FakeOpenAI) -> None:
    embedder = _embedder(fake)
    vectors = embedder.embed(["정산은 언제", "배송비 설정"])
    expected = np.array([fake_vector("정산은 언제", 12), fake_vector("배송비 설정", 12)], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert vectors == pytest.approx(expected, abs=1e-6)
    assert embedder.dimension == 12 and embedder.name == "openai:text-embedding-3-small"
    request = fake.requests[0]
    assert request["headers"]["authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == "text-embedding-3-small"
    assert request["body"]["input"] == ["정산은 언제", "배송비 설정"]


def test_batches_and_query_cache(fake: FakeOpenAI) -> None:
    embedder = _embedder(fake, batch_size=2)
    assert embedder.embed([f"질문 {i}" for i in range(5)]).shape == (5, 12)
    assert [len(r["body"]["input"]) for r in fake.requests] == [2, 2, 1]
    first = embedder.embed(["같은 질문"])
    again = embedder.embed(["같은 질문"])
    assert np.array_equal(first, again)
    assert len(fake.requests) == 4  # the repeated single query came from the cache


def test_failures_raise_without_retrying(fake: FakeOpenAI) -> None:
    fake.fail_next = [500]
    with pytest.raises(EmbeddingUnavailable, match="OpenAI embeddings failed"):
        _embedder(fake).embed(["정산"])
    assert len(fake.requests) == 1
    with pytest.raises(EmbeddingUnavailable):
        _embedder(fake, key="sk-wrong").embed(["정산"])


def test_a_changed_dimension_is_a_mismatch(fake: FakeOpenAI) -> None:
    embedder = _embedder(fake)
    embedder.embed(["정산"])
    fake.dimension = 6
    with pytest.raises(EmbeddingMismatch):
        embedder.embed(["배송비"])


def test_knowledge_base_with_openai_embeddings(fake: FakeOpenAI, tmp_path: Path) -> None:
    openai = OpenAISettings(api_key=SecretStr("sk-test"), base_url=fake.base_url)
    settings = KnowledgeSettings(embedding="openai")
    base = KnowledgeBase(settings, data_dir=tmp_path, openai=openai, analyzer=analyzer())
    report = base.ingest("faq", SMALL_FAQ)
    assert (
        report.embedder == "openai:text-embedding-3-small" and report.embedded == 24
    )  # each question and its one passage
    assert not base.state_path("faq").exists()
    searcher = KnowledgeBase(settings, data_dir=tmp_path, openai=openai, analyzer=analyzer()).open("faq")
    result = searcher.search("택배비 설정은 어떻게 해요?")
    # The fake's vectors mean nothing (hashes), so they only add noise to the lexical legs here.
    assert "배송비는 어떻게 설정하나요?" in [hit.question for hit in result.hits[:3]]
    assert "dense" in result.hits[0].legs
    fake.fail_next = [503]  # the embedding service failing leaves the lexical legs to answer
    fallback = searcher.search("판매자 탈퇴 방법")
    assert fallback.hits[0].question == "스마트스토어센터 판매자 탈퇴는 어떻게 하나요?"
    assert "dense" not in fallback.hits[0].legs
    with pytest.raises(EmbeddingUnavailable, match="API_KEY"):
        KnowledgeBase(settings, data_dir=tmp_path, openai=OpenAISettings(), analyzer=analyzer()).open("faq")
