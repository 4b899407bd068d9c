"""The whole path on the real SmartStore FAQ: load, ingest into chromadb under tmp_path, reopen, search.

To stay fast, the collection holds the 499 entries whose questions name one of a dozen common topics (정산, 탈퇴,
배송비 ...): the near-duplicates that make ranking hard are all there. The queries are kkini's own paraphrases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.settings import OpenAISettings
from knowledge.index.registry import KnowledgeBase
from knowledge.retrieval.hybrid import HybridSearcher
from knowledge.settings import KnowledgeSettings
from knowledge.types import FaqEntry
from tests.knowledge.index.support import analyzer
from tests.knowledge.retrieval.faq_loader import load_shared_faq

LSA = KnowledgeSettings(embedding="lsa")
"""The lexical legs and lsa: e5 over 499 entries would take minutes; ``bench/knowledge_bench.py`` measures it."""
TOPICS = ("정산", "탈퇴", "배송비", "리뷰", "비밀번호", "톡톡", "수수료", "반품", "가입", "송장", "엑셀")

PARAPHRASES = [
    ("스마트스토어 그만두고 탈퇴하려면 어떻게 해요", "스마트스토어센터 판매자 탈퇴는 어떻게 하나요?"),
    ("탈퇴했다가 다시 가입할 수 있나요", "스마트스토어센터 탈퇴 후 재가입이 가능한가요?"),
    ("구매확정 후 정산금은 언제 들어와요", "구매확정 후 정산은 언제되나요?"),
    ("제주도 택배비 추가로 받으려면", "제주/도서산간지역 추가 배송비 설정은 어떻게 하나요?"),
    ("주문 엑셀 파일 비번이 뭐예요", "다운받은 주문정보 엑셀 파일 열람 시 비밀번호는 어떤 번호를 입력해야 하나요?"),
    ("구매자가 반품배송비를 안 보내요", "구매자가 반품배송비를 결제하지 않고, 연락이 안됩니다. 어떻게 해야 하나요?"),
    ("후기 노출 안 되게 할 수 있나요", "'리뷰' 노출여부를 설정할 수 있나요?"),
    ("송장번호 잘못 넣었어요 수정 가능?", "송장번호 수정은 어떻게 하나요?"),
    ("N페이 주문관리 수수료가 뭐예요", "[가입절차] 네이버페이 주문관리 수수료가 무엇인가요?"),
    ("스마트스토워 회원가입 어떻게 해요", "[가입절차] 스마트스토어센터 회원가입은 어떻게 하나요? (ID만들기)"),
    (
        "반품완료했는데 구매자가 환불 못 받았대요",
        "반품완료했는데 구매자가 환불을 받지 못했다고 합니다. 환불 소요일이 어떻게 되나요?",
    ),
    ("엑셀 파일 암호 푸는 법", "암호화 되어있는 엑셀 파일은 어떻게 암호 해제할 수 있나요?"),
]


@pytest.fixture(scope="module")
def entries(shared_dir: Path) -> list[FaqEntry]:
    everything = load_shared_faq(shared_dir)
    assert len(everything) == 2717
    return [entry for entry in everything if any(topic in entry.question for topic in TOPICS)]


@pytest.fixture(scope="module")
def searcher(entries: list[FaqEntry], tmp_path_factory: pytest.TempPathFactory) -> HybridSearcher:
    data_dir = tmp_path_factory.mktemp("real-faq")
    base = KnowledgeBase(LSA, data_dir=data_dir, openai=OpenAISettings(), analyzer=analyzer())
    report = base.ingest("seller", entries)
    assert report.added == len(entries) and report.removed == 0
    reopened = KnowledgeBase(LSA, data_dir=data_dir, openai=OpenAISettings(), analyzer=analyzer())
    again = reopened.ingest("seller", entries)
    assert (again.unchanged, again.embedded) == (len(entries), 0)
    return reopened.open("seller")


def test_every_expected_question_is_in_the_corpus(entries: list[FaqEntry]) -> None:
    ids = {entry.id for entry in entries}
    assert {expected for _, expected in PARAPHRASES} <= ids


def test_paraphrases_find_their_entries(searcher: HybridSearcher) -> None:
    ranks = {}
    for query, expected in PARAPHRASES:
        found = [hit.entry_id for hit in searcher.search(query, k=5).hits]
        assert expected in found[:3], (query, found)
        ranks[query] = found.index(expected) + 1
    firsts = sum(rank == 1 for rank in ranks.values())
    assert firsts >= 9, ranks


def test_follow_up_on_the_real_corpus(searcher: HybridSearcher) -> None:
    first = searcher.search("정산은 언제 되나요?")
    assert first.hits[0].entry_id == "정산은 언제 되나요?"
    follow = searcher.search("그럼 수수료는?", history=["정산은 언제 되나요?"])
    assert follow.query == "정산은 언제 되나요? 그럼 수수료는?"
    assert all("수수료" in hit.question for hit in follow.hits[:2])
    other = searcher.search("다른 방법은 없어?", history=["회원가입은 어떻게 해?"])
    assert "[가입절차] 스마트스토어센터 회원가입은 어떻게 하나요? (ID만들기)" not in [h.entry_id for h in other.hits]
    assert all("가입" in hit.question for hit in other.hits[:3])
