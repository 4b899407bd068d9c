"""The offline (LSA) embedder and the sparse linear algebra under it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.index.documents import document_text
from knowledge.index.lsa import OfflineEmbedder
from knowledge.index.sparse import CsrMatrix, randomized_svd
from tests.knowledge.index.support import SMALL_FAQ, analyzer

TEXTS = [document_text(entry) for entry in SMALL_FAQ]


def _random_sparse(rows: int, columns: int, seed: int) -> tuple[CsrMatrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    dense = (rng.random((rows, columns)) < 0.15) * rng.random((rows, columns))
    dense[3] = 0  # an empty row must survive the block sums
    pairs = [(np.flatnonzero(row).tolist(), row[np.flatnonzero(row)].tolist()) for row in dense]
    return CsrMatrix.from_rows(pairs, columns), dense.astype(np.float32)


def test_sparse_products_match_dense() -> None:
    matrix, dense = _random_sparse(40, 70, seed=1)
    right = np.random.default_rng(2).random((70, 5)).astype(np.float32)
    left = np.random.default_rng(3).random((40, 4)).astype(np.float32)
    assert matrix.dot(right) == pytest.approx(dense @ right, abs=1e-5)
    assert matrix.transpose().dot(left) == pytest.approx(dense.T @ left, abs=1e-5)


def test_randomized_svd_finds_the_leading_singular_values() -> None:
    rng = np.random.default_rng(4)
    low_rank = rng.random((60, 6)) @ rng.random((6, 90))
    pairs = [(list(range(90)), row.tolist()) for row in low_rank]
    values, vectors = randomized_svd(CsrMatrix.from_rows(pairs, 90), 6, iterations=2)
    assert values == pytest.approx(np.linalg.svd(low_rank, compute_uv=False)[:6], rel=1e-3)
    assert vectors.T @ vectors == pytest.approx(np.eye(6), abs=1e-3)


def test_fitting_is_deterministic_and_vectors_are_unit_length() -> None:
    first = OfflineEmbedder.fit(analyzer(), TEXTS, dimension=8)
    second = OfflineEmbedder.fit(analyzer(), TEXTS, dimension=8)
    assert first.name == second.name
    assert first.name.startswith("offline-lsa-")
    assert np.array_equal(first.components, second.components)
    vectors = first.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), 8)
    assert np.array_equal(vectors, second.embed(TEXTS))
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(np.ones(len(TEXTS)), abs=1e-5)


def test_with_enough_dimensions_each_text_is_nearest_to_itself_and_a_query_to_its_topic() -> None:
    embedder = OfflineEmbedder.fit(analyzer(), TEXTS, dimension=len(TEXTS))
    vectors = embedder.embed(TEXTS)
    assert list((vectors @ vectors.T).argmax(axis=1)) == list(range(len(TEXTS)))
    query = embedder.embed(["정산금은 언제 입금되나요"])[0]
    assert int((vectors @ query).argmax()) == 4


def test_unknown_text_gets_a_zero_vector_and_no_text_an_empty_matrix() -> None:
    embedder = OfflineEmbedder.fit(analyzer(), TEXTS, dimension=8)
    assert not embedder.embed(["zzzz qqqq"]).any()
    assert embedder.embed([]).shape == (0, 8)


def test_name_follows_the_corpus() -> None:
    base = OfflineEmbedder.fingerprint(TEXTS, 8)
    assert OfflineEmbedder.fingerprint(TEXTS[:-1], 8) != base
    assert OfflineEmbedder.fingerprint(TEXTS, 16) != base
    assert OfflineEmbedder.fingerprint(list(TEXTS), 8) == base


def test_saved_state_reproduces_the_vectors(tmp_path: Path) -> None:
    fitted = OfflineEmbedder.fit(analyzer(), TEXTS, dimension=8)
    path = tmp_path / "state" / "test.offline.npz"
    fitted.save(path)
    loaded = OfflineEmbedder.load(analyzer(), path)
    assert loaded.name == fitted.name and loaded.dimension == 8
    assert np.array_equal(loaded.embed(TEXTS), fitted.embed(TEXTS))
    assert not list(path.parent.glob("*.partial"))
    with pytest.raises(FileNotFoundError):
        OfflineEmbedder.load(analyzer(), tmp_path / "missing.npz")
