"""Extractive answers: title first, whole sentences within the channel's limit, "…" and a note when cut."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.answers import (
    ELLIPSIS,
    KAKAO_SIMPLE_TEXT_LIMIT,
    MORE_NOTE,
    SLACK_SECTION_LIMIT,
    TELEGRAM_MESSAGE_LIMIT,
    Answer,
    compose_answer,
    sentence_ends,
    tidy,
)
from knowledge.types import FaqEntry

LIMITS = (KAKAO_SIMPLE_TEXT_LIMIT, SLACK_SECTION_LIMIT, TELEGRAM_MESSAGE_LIMIT)
SENTENCES = [
    "정산은 구매확정 다음 날 진행됩니다.",
    "주말과 공휴일에는 다음 영업일에 지급됩니다.",
    "빠른정산을 신청하면 발송처리 다음 날 받을 수 있어요!",
    "자세한 내용은 정산관리 메뉴에서 확인하실 수 있습니까?",
]


def entry(answer: str, question: str = "정산은 언제 되나요?", id_: str = "[정산] 정산은 언제 되나요?") -> FaqEntry:
    return FaqEntry(id=id_, question=question, answer=answer, tags=("정산",), collection="seller")


def test_a_short_answer_is_shown_whole_under_its_title() -> None:
    answer = compose_answer(entry(" ".join(SENTENCES)), limit=KAKAO_SIMPLE_TEXT_LIMIT)
    assert answer == Answer("정산은 언제 되나요?", " ".join(SENTENCES), "[정산] 정산은 언제 되나요?", False)
    assert answer.render() == "정산은 언제 되나요?\n\n" + " ".join(SENTENCES)


def test_a_long_answer_is_cut_after_the_last_whole_sentence_that_fits() -> None:
    text = " ".join(SENTENCES * 10)
    limit = len("정산은 언제 되나요?\n\n") + len(" ".join(SENTENCES[:3])) + len(f" {ELLIPSIS}\n\n{MORE_NOTE}") + 5
    answer = compose_answer(entry(text), limit=limit)
    assert answer.truncated
    assert answer.text == " ".join(SENTENCES[:3]) + f" {ELLIPSIS}\n\n{MORE_NOTE}"
    assert len(answer.render()) <= limit


def test_glued_sentences_are_cut_at_their_boundary() -> None:
    text = "판매자 가입은 무료입니다.사업자는 서류를 제출합니다.개인은 본인인증만 하면 됩니다." * 20
    answer = compose_answer(entry(text, "가입 비용"), limit=120)
    kept = answer.text.rsplit(f" {ELLIPSIS}", 1)[0]
    assert kept.endswith("다.")
    assert len(answer.render()) <= 120


def test_numbers_and_addresses_are_not_sentence_ends() -> None:
    text = "수수료는 3.74%입니다. 자세한 내용은 www.naver.com 에서 보세요. 1. 첫째 항목 2. 둘째 항목"
    ends = sentence_ends(text)
    assert [text[:end] for end in ends][:2] == [
        "수수료는 3.74%입니다.",
        "수수료는 3.74%입니다. 자세한 내용은 www.naver.com 에서 보세요.",
    ]
    assert len(ends) == 3  # "1." and "2." of the list are not ends


def test_a_first_sentence_longer_than_the_room_is_cut_at_a_space() -> None:
    text = "아주 " * 300 + "긴 문장입니다."
    answer = compose_answer(entry(text), limit=200)
    assert answer.truncated
    body = answer.text.rsplit(f" {ELLIPSIS}", 1)[0]
    assert body.endswith("아주")
    assert len(answer.render()) <= 200


def test_the_title_is_the_question_without_tags_and_invisible_characters() -> None:
    raw = FaqEntry(id="★[가입절차] 가입\u200b 방법", question="", answer="센터에서\xa0가입합니다.")
    answer = compose_answer(raw, limit=1000)
    assert answer.title == "가입 방법"
    assert answer.text == "센터에서 가입합니다."
    assert answer.source_id == "★[가입절차] 가입\u200b 방법"


def test_tiny_limits_still_hold() -> None:
    long = entry(" ".join(SENTENCES * 5))
    for limit in (1, 5, 12, 30, 60):
        assert len(compose_answer(long, limit=limit).render()) <= limit
    with pytest.raises(ValueError):
        compose_answer(long, limit=0)


@pytest.mark.parametrize("limit", LIMITS)
def test_every_real_entry_fits_every_channel(smartstore: list[FaqEntry], limit: int) -> None:
    for item in smartstore:
        answer = compose_answer(item, limit=limit)
        rendered = answer.render()
        assert len(rendered) <= limit
        assert rendered.startswith(item.question)
        assert answer.source_id == item.id
        if answer.truncated:
            assert answer.text.endswith(MORE_NOTE)
            kept = answer.text.rsplit(f" {ELLIPSIS}", 1)[0]
            assert tidy(item.answer).startswith(kept)
        else:
            assert answer.text == tidy(item.answer)


def test_long_real_answers_are_cut_on_sentence_boundaries(smartstore: list[FaqEntry]) -> None:
    cut = [item for item in smartstore if compose_answer(item, limit=KAKAO_SIMPLE_TEXT_LIMIT).truncated]
    assert len(cut) > 100
    by_words = 0
    for item in cut:
        body = tidy(item.answer)
        kept = compose_answer(item, limit=KAKAO_SIMPLE_TEXT_LIMIT).text.rsplit(f" {ELLIPSIS}", 1)[0]
        ends = {len(body[:end].rstrip()) for end in sentence_ends(body)}
        if len(kept) not in ends:  # allowed only when even the first sentence is longer than the room
            assert min(ends) > len(kept), (item.id, kept[-40:])
            assert body[len(kept)].isspace()
            by_words += 1
    assert by_words <= len(cut) // 20


@given(
    sentences=st.lists(
        st.sampled_from([*SENTENCES, "짧다.", "그리고 아주 길게 이어지는 설명 문장입니다."]), max_size=40
    ),
    limit=st.integers(min_value=1, max_value=1500),
)
def test_any_answer_fits_any_limit(sentences: list[str], limit: int) -> None:
    answer = compose_answer(entry(" ".join(sentences)), limit=limit)
    assert len(answer.render()) <= limit
