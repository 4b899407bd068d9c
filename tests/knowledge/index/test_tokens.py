"""Normalisation, character n-grams and content morphemes."""

from __future__ import annotations

import unicodedata

from knowledge.index.tokens import char_ngrams, normalize
from tests.knowledge.index.support import analyzer


def test_normalize_composes_lowercases_and_drops_invisible_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "정산")
    assert len(decomposed) > 2
    text = f"\ufeff{decomposed}\u200b  은\xa0언제\tN페이"
    assert normalize(text) == "정산 은 언제 n페이"


def test_char_ngrams_ignore_spaces_and_punctuation() -> None:
    assert char_ngrams("배송 비!") == ["배송", "송비", "배송비"]
    assert char_ngrams("배송비") == char_ngrams("배 송 비")
    assert char_ngrams("A") == ["a"]
    assert char_ngrams("") == []
    assert char_ngrams("네이버페이", sizes=(2,)) == ["네이", "이버", "버페", "페이"]


def test_morphemes_keep_content_and_drop_particles_endings_and_light_stems() -> None:
    terms = analyzer().morphemes("배송비를 어떻게 설정하나요?")
    assert "배송비" in terms
    assert "설정" in terms
    assert not {"를", "하", "나요", "?", "어떻"} & set(terms)


def test_morphemes_are_normalised_before_analysis() -> None:
    analysis = analyzer()
    assert analysis.morphemes("NAVER 페이 정산") == analysis.morphemes("naver 페이\u200b 정산")
    assert "naver" in analysis.morphemes("NAVER 페이 정산")


def test_batch_analysis_matches_one_by_one_and_fills_the_cache() -> None:
    texts = ["정산은 언제 되나요?", "반품 배송비는 누가 부담하나요?", "정산은 언제 되나요?"]
    batch = analyzer()
    single = analyzer()
    assert batch.morphemes_many(texts) == [single.morphemes(text) for text in texts]
    assert len(batch._cache) == 2
