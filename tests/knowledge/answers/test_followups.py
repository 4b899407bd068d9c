"""Follow-ups: two answerable, distinct questions after every answer, related links first."""

from __future__ import annotations

import pytest

from knowledge.followups import FollowUp, FollowUpSuggester, offer, suggest
from knowledge.types import FaqEntry


@pytest.fixture(scope="module")
def suggester(smartstore: list[FaqEntry]) -> FollowUpSuggester:
    return FollowUpSuggester(smartstore)


def test_every_real_entry_gets_two_answerable_distinct_follow_ups(
    smartstore: list[FaqEntry], suggester: FollowUpSuggester
) -> None:
    by_id = {entry.id: entry for entry in smartstore}
    for entry in smartstore:
        follow_ups = suggester.suggest(entry)
        assert len(follow_ups) == 2, entry.id
        ids = [f.question_id for f in follow_ups]
        assert all(i in by_id for i in ids)
        assert entry.id not in ids
        assert len(set(ids)) == 2
        questions = {by_id[i].question for i in ids}
        assert len(questions) == 2 and entry.question not in questions
        assert all(by_id[i].answer != entry.answer for i in ids)
        assert all(f.label.endswith("드릴까요?") for f in follow_ups)


def test_related_links_come_first(smartstore: list[FaqEntry], suggester: FollowUpSuggester) -> None:
    linked = [entry for entry in smartstore if len(entry.related) >= 2]
    assert len(linked) > 50
    for entry in linked:
        expected = [r for r in entry.related if r != entry.id][:2]
        got = [f.question_id for f in suggester.suggest(entry)]
        if len(set(expected)) == 2 and all(_distinct(smartstore, entry, r) for r in expected):
            assert got == expected, entry.id


def _distinct(entries: list[FaqEntry], entry: FaqEntry, other_id: str) -> bool:
    other = next(e for e in entries if e.id == other_id)
    return other.question != entry.question and other.answer != entry.answer


def test_without_links_neighbours_share_the_first_tag(smartstore: list[FaqEntry], suggester: FollowUpSuggester) -> None:
    by_id = {entry.id: entry for entry in smartstore}
    unlinked = [e for e in smartstore if e.tags[:1] == ("풀필먼트",) and not e.related]
    assert len(unlinked) > 20
    for entry in unlinked:
        for follow_up in suggester.suggest(entry):
            assert by_id[follow_up.question_id].tags[:1] == ("풀필먼트",)


def make(id_: str, answer: str, tags: tuple[str, ...] = (), related: tuple[str, ...] = ()) -> FaqEntry:
    return FaqEntry(id=id_, question=id_.split("] ")[-1], answer=answer, tags=tags, related=related)


HAND_MADE = [
    make("[정산] 정산은 언제 되나요?", "구매확정 다음 날입니다.", ("정산",), ("[정산] 빠른정산이 뭔가요?",)),
    make("[정산] 빠른정산이 뭔가요?", "발송 다음 날 정산받는 서비스입니다.", ("정산",)),
    make("[정산] 정산 보류는 왜 되나요?", "클레임이 있으면 보류됩니다.", ("정산",)),
    make("[배송] 정산 주기와 배송 기한은 어떻게 되나요?", "각각 안내합니다.", ("배송",)),
    make("[배송] 송장 수정은 어떻게 하나요?", "발송 후 수정 메뉴에서 합니다.", ("배송",)),
    make("[중복] 정산은 언제 되나요?", "구매확정 다음 날입니다.", ("중복",)),
]


def test_hand_made_order_related_then_same_tag_then_nearest() -> None:
    by_id = {entry.id: entry for entry in HAND_MADE}
    follow_ups = suggest(HAND_MADE[0], by_id)
    assert follow_ups == [
        FollowUp("빠른정산이 뭔지 알려드릴까요?", "[정산] 빠른정산이 뭔가요?"),
        FollowUp("정산 보류는 왜 되는지 알려드릴까요?", "[정산] 정산 보류는 왜 되나요?"),
    ]
    # The duplicate of the same question and answer under another tag is never offered.
    assert all(f.question_id != "[중복] 정산은 언제 되나요?" for f in suggest(HAND_MADE[0], by_id, k=5))


def test_hand_made_nearest_question_after_the_tag_runs_out() -> None:
    by_id = {entry.id: entry for entry in HAND_MADE}
    ids = [f.question_id for f in suggest(by_id["[배송] 송장 수정은 어떻게 하나요?"], by_id, k=3)]
    assert ids[0] == "[배송] 정산 주기와 배송 기한은 어떻게 되나요?"
    assert len(ids) == 3 and len(set(ids)) == 3


def test_a_collection_too_small_gives_fewer() -> None:
    only = [make("가입 방법", "센터에서 합니다.")]
    assert suggest(only[0], {e.id: e for e in only}) == []
    pair = [*only, make("탈퇴 방법", "설정에서 합니다.")]
    assert [f.question_id for f in suggest(pair[0], {e.id: e for e in pair})] == ["탈퇴 방법"]


def test_links_to_missing_entries_are_skipped() -> None:
    entries = [make("A 질문은요?", "a", related=("없는 질문",)), make("B 질문은요?", "b")]
    assert [f.question_id for f in suggest(entries[0], {e.id: e for e in entries})] == ["B 질문은요?"]


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("정산은 언제 되나요?", "정산은 언제 되는지 알려드릴까요?"),
        ("반품안심케어가 무엇인가요?", "반품안심케어가 무엇인지 알려드릴까요?"),
        ("건강기능식품 판매 가능한가요?", "건강기능식품 판매 가능한지 알려드릴까요?"),
        ("라이브 이벤트란?", "라이브 이벤트가 무엇인지 알려드릴까요?"),
        ("상품문의(Q&A)글이 등록되면 알림을 받고 싶어요", "상품문의(Q&A)글이 등록되면 알림을 받는 방법 알려드릴까요?"),
        ("상품이 노출되지 않아요.", "상품이 노출되지 않을 때 어떻게 하면 되는지 알려드릴까요?"),
        ("쿠폰 적용 방법", "쿠폰 적용 방법 안내해 드릴까요?"),
        ("급식카드로 어떻게 결제해요?", "급식카드로 어떻게 결제하는지 알려드릴까요?"),
        ("카드를 잃어버렸어요.", "카드를 잃어버렸을 때 어떻게 하면 되는지 알려드릴까요?"),
        ("라이브 방송 진행은 어떻게 하나요? (온라인 교육 제공)", "라이브 방송 진행은 어떻게 하는지 알려드릴까요?"),
        ("[가입절차] 스토어 이름을 만들고 싶어요.", "스토어 이름을 만드는 방법 알려드릴까요?"),
    ],
)
def test_offers_are_polite_korean_made_from_the_question(question: str, label: str) -> None:
    assert offer(question) == label
