"""Answers made of the passage that answers: pasted page text laid out for reading, "자세히 보기" when there is more."""

from __future__ import annotations

from knowledge.answers import compose_passage, readable
from knowledge.types import FaqEntry

STEPS = (
    "[판매자정보 > 상품판매권한 신청] 메뉴에서 신청할 수 있습니다. 해외상품판매 권한 신청1. [판매자정보] 메뉴에 "
    "접속해 주세요. 2. '해외상품판매'를 체크해 주세요. 3. 약관에 동의해 주세요. ※ 참고. 이미 체크된 경우는 완료된 "
    "상태입니다."
)


def test_glued_numbered_steps_and_notes_get_their_own_lines() -> None:
    assert readable(STEPS).split("\n") == [
        "[판매자정보 > 상품판매권한 신청] 메뉴에서 신청할 수 있습니다. 해외상품판매 권한 신청",
        "1. [판매자정보] 메뉴에 접속해 주세요.",
        "2. '해외상품판매'를 체크해 주세요.",
        "3. 약관에 동의해 주세요.",
        "※ 참고. 이미 체크된 경우는 완료된 상태입니다.",
    ]


def test_bullets_split_but_numbers_dates_and_middle_dots_stay() -> None:
    text = "허용 링크 ·블로그 : blog.naver.com·카페 : cafe.naver.com 수수료는 1.98%이고 3일 이내 제주·도서산간 가능"
    assert readable(text).split("\n") == [
        "허용 링크",
        "· 블로그 : blog.naver.com",
        "· 카페 : cafe.naver.com 수수료는 1.98%이고 3일 이내 제주·도서산간 가능",
    ]
    assert readable("2018년 7월 3일부터 적용됩니다. 5. 이후") == "2018년 7월 3일부터 적용됩니다. 5. 이후"


def _entry(answer: str) -> FaqEntry:
    return FaqEntry(id="[정산] 정산은 언제 되나요?", question="정산은 언제 되나요?", answer=answer, tags=("정산",))


def test_the_passage_found_is_the_answer_and_more_is_offered() -> None:
    answer = "정산은 구매확정 다음 날 됩니다. " * 3 + "빠른정산을 신청하면 발송 다음 날 받을 수 있어요."
    shown = compose_passage(_entry(answer), "빠른정산을 신청하면 발송 다음 날 받을 수 있어요.", limit=1000)
    assert shown.render() == "정산은 언제 되나요?\n\n빠른정산을 신청하면 발송 다음 날 받을 수 있어요."
    assert shown.more and shown.source_id == "[정산] 정산은 언제 되나요?"


def test_without_a_passage_the_start_of_the_answer_is_shown_within_the_limit() -> None:
    answer = "정산은 구매확정 다음 날 됩니다. 주말에는 다음 영업일에 됩니다. " * 30
    shown = compose_passage(_entry(answer), "", limit=300)
    assert len(shown.render()) <= 300 and shown.more
    assert shown.passage.startswith("정산은 구매확정 다음 날 됩니다.")
    whole = compose_passage(_entry("짧은 답입니다."), "다른 항목의 문장", limit=300)
    assert whole.passage == "짧은 답입니다." and not whole.more
