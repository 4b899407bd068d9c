"""The lexical index kept between starts: the same scores as one built anew, rebuilt when the entries change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.index.documents import IndexedEntry
from knowledge.index.tokens import char_ngrams
from knowledge.retrieval import lexical
from knowledge.retrieval.lexical import LexicalIndex, LexicalQuery, kept_lexical
from knowledge.types import FaqEntry

ENTRIES = [
    IndexedEntry(
        FaqEntry(
            "정산은 언제 되나요?", "정산은 언제 되나요?", "구매확정 다음 영업일에 정산됩니다. 정산내역에서 확인하세요."
        ),
        ("정산", "언제", "되"),
        ("정산", "언제", "되", "구매", "확정", "다음", "영업일", "정산", "정산내역", "확인"),
    ),
    IndexedEntry(
        FaqEntry("반품배송비는 누가 내요?", "반품배송비는 누가 내요?", "반품 사유에 따라 판매자나 구매자가 냅니다."),
        ("반품배송비", "누가", "내"),
        ("반품배송비", "누가", "내", "반품", "사유", "판매자", "구매자", "내"),
    ),
]


def _query() -> LexicalQuery:
    query = LexicalQuery()
    terms = ("정산", "확인", "반품")
    query.add(terms, terms, char_ngrams("정산 내역 확인 반품"), 1.0)
    return query


def _scores(index: LexicalIndex) -> dict[str, list[float]]:
    return {leg: values.tolist() for leg, (values, _) in index.scores(_query()).items()}


def test_a_kept_index_scores_like_one_built_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = LexicalIndex(ENTRIES)
    kept_lexical(tmp_path, "seller", ENTRIES)
    (kept,) = tmp_path.glob("lexical-seller-*.npz")

    def no_building(self: LexicalIndex, *args: object, **kwargs: object) -> None:
        raise AssertionError("built again although the entries did not change")

    monkeypatch.setattr(lexical.LexicalIndex, "__init__", no_building)
    loaded = kept_lexical(tmp_path, "seller", ENTRIES)
    assert _scores(loaded) == _scores(built)
    assert loaded.term_frequencies == built.term_frequencies
    assert loaded.decompound(["정산내역"]) == built.decompound(["정산내역"])
    assert np.array_equal(loaded.passages.starts, built.passages.starts) and kept.is_file()


def test_changed_entries_build_anew_and_the_old_index_goes(tmp_path: Path) -> None:
    kept_lexical(tmp_path, "seller", ENTRIES)
    (old,) = tmp_path.glob("lexical-seller-*.npz")
    changed = kept_lexical(tmp_path, "seller", ENTRIES[:1])
    (new,) = tmp_path.glob("lexical-seller-*.npz")
    assert new != old and not old.exists()
    assert _scores(changed) == _scores(LexicalIndex(ENTRIES[:1]))


def test_an_unreadable_kept_index_is_built_again(tmp_path: Path) -> None:
    kept_lexical(tmp_path, "seller", ENTRIES)
    (kept,) = tmp_path.glob("lexical-seller-*.npz")
    kept.write_bytes(b"PK\x03\x04 not an index")
    assert _scores(kept_lexical(tmp_path, "seller", ENTRIES)) == _scores(LexicalIndex(ENTRIES))
    assert _scores(LexicalIndex.load(kept)) == _scores(LexicalIndex(ENTRIES))  # written anew


def test_collections_with_similar_names_keep_their_own_indexes(tmp_path: Path) -> None:
    kept_lexical(tmp_path, "seller-x", ENTRIES[:1])
    kept_lexical(tmp_path, "seller", ENTRIES)
    assert len(list(tmp_path.glob("lexical-seller-x-*.npz"))) == 1
    assert len(list(tmp_path.glob("lexical-*.npz"))) == 2
