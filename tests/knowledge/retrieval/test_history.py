"""Follow-up detection and the query searched instead."""

from __future__ import annotations

from knowledge.retrieval.history import FollowUpDetector

KNOWN = {"회원", "가입", "정산", "수수료", "탈퇴", "배송비", "내역", "조회", "방법", "다르"}


def _content(text: str) -> list[tuple[str, bool]]:
    """A stand-in for kiwi: whitespace words with their particles cut, known if the 'collection' has them."""
    words = [w.rstrip("?은는이가을를도요") for w in text.replace("회원가입", "회원 가입").split()]
    words = [{"다른": "다르", "없어": "없", "걸려": "걸리", "날씨": "날씨"}.get(w, w) for w in words]
    return [
        (w, w in KNOWN) for w in words if w and w not in {"그럼", "그건", "얼마나", "어떻게", "해", "언제", "되는거야"}
    ]


DETECTOR = FollowUpDetector(_content)


def test_a_question_with_its_own_topic_stands_alone() -> None:
    rewrite = DETECTOR.rewrite("정산 내역 조회 방법에 대해 알려줘.", ["정산은 언제 되는거야?"])
    assert not rewrite.is_followup and rewrite.text == "정산 내역 조회 방법에 대해 알려줘."


def test_a_question_without_topic_borrows_the_previous_one() -> None:
    rewrite = DETECTOR.rewrite("다른 방법은 없어?", ["회원가입은 어떻게 해?"])
    assert rewrite.is_followup and rewrite.wants_alternative
    assert rewrite.previous == "회원가입은 어떻게 해?"
    assert rewrite.text == "회원가입은 어떻게 해? 다른 방법은 없어?"
    assert DETECTOR.rewrite("그건 얼마나 걸려?", ["회원가입은 어떻게 해?"]).previous == "회원가입은 어떻게 해?"


def test_a_pointing_word_with_a_short_topic_is_a_follow_up() -> None:
    rewrite = DETECTOR.rewrite("그럼 수수료는?", ["정산은 언제 되는거야?"])
    assert rewrite.previous == "정산은 언제 되는거야?" and not rewrite.wants_alternative


def test_a_word_the_collection_does_not_know_is_a_new_topic() -> None:
    assert not DETECTOR.rewrite("그럼 날씨는?", ["정산은 언제 되는거야?"]).is_followup


def test_no_history_or_no_topic_anywhere_means_no_rewrite() -> None:
    assert not DETECTOR.rewrite("다른 방법은 없어?", []).is_followup
    assert not DETECTOR.rewrite("다른 방법은 없어?", ["그건 얼마나 걸려?"]).is_followup


def test_chains_of_follow_ups_reach_back_to_the_topic() -> None:
    rewrite = DETECTOR.rewrite("다른 방법은 없어?", ["탈퇴는 어떻게 해?", "그건 얼마나 걸려?"])
    assert rewrite.previous == "탈퇴는 어떻게 해? 그건 얼마나 걸려?"
