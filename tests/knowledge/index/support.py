"""Shared test material for the knowledge index and retrieval tests: one Kiwi per test process, a small
hand-written seller FAQ, and simple embedders."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from kiwipiepy import Kiwi

from knowledge.index.documents import IndexedEntry, document_text, question_text
from knowledge.index.tokens import Analyzer
from knowledge.types import FaqEntry


@lru_cache(maxsize=1)
def shared_kiwi() -> Kiwi:
    """Loading Kiwi takes seconds: every test of the process shares this one (as the application does)."""
    return Kiwi()


def analyzer() -> Analyzer:
    """A fresh morpheme cache over the shared Kiwi."""
    return Analyzer(shared_kiwi())


def faq(question: str, answer: str, *, tags: tuple[str, ...] = (), related: tuple[str, ...] = ()) -> FaqEntry:
    original = "".join(f"[{tag}] " for tag in tags) + question
    return FaqEntry(id=original, question=question, answer=answer, tags=tags, related=related, collection="test")


SIGNUP = "[가입절차] 스마트스토어센터 회원가입은 어떻게 하나요?"
SMALL_FAQ: list[FaqEntry] = [
    faq(
        "스마트스토어센터 회원가입은 어떻게 하나요?",
        "네이버 아이디로 가입하거나 이메일 아이디로 가입할 수 있습니다. 가입하기 버튼을 눌러 휴대폰 인증을 진행해 주세요.",
        tags=("가입절차",),
        related=("가입 심사는 얼마나 걸리나요?",),
    ),
    faq(
        "가입 심사는 얼마나 걸리나요?",
        "서류 제출 후 영업일 기준 3일 이내에 심사가 완료됩니다. 심사 결과는 판매자정보 메뉴에서 확인합니다.",
    ),
    faq(
        "사업자 판매자로 가입할 때 필요한 서류는 무엇인가요?", "사업자등록증 사본과 대표자 명의 통장 사본이 필요합니다."
    ),
    faq(
        "스마트스토어센터 판매자 탈퇴는 어떻게 하나요?",
        "판매자정보 메뉴의 판매자 탈퇴 버튼으로 탈퇴를 신청할 수 있습니다. 진행 중인 주문이 없어야 합니다.",
    ),
    faq("정산은 언제 되나요?", "구매확정일 기준 1영업일 뒤에 등록된 정산계좌로 정산금이 입금됩니다."),
    faq(
        "네이버페이 주문관리 수수료는 얼마인가요?",
        "매출 등급에 따라 결제 금액의 1.98%에서 3.63%가 주문관리 수수료로 부과됩니다.",
    ),
    faq(
        "배송비는 어떻게 설정하나요?",
        "상품 등록 화면의 배송 항목에서 기본 배송비와 제주 도서산간 추가 배송비를 입력합니다.",
    ),
    faq(
        "반품 배송비는 누가 부담하나요?",
        "단순 변심 반품은 구매자가 반품 배송비를 부담하고, 상품 불량은 판매자가 부담합니다.",
    ),
    faq("구매자가 작성한 리뷰는 어디에 노출되나요?", "리뷰는 상품 상세 페이지의 리뷰 영역과 스토어 홈에 노출됩니다."),
    faq(
        "상품 이미지 권장 사이즈는 어떻게 되나요?",
        "대표 이미지는 1000x1000 픽셀을 권장하며 jpg, png 파일을 올릴 수 있습니다.",
    ),
    faq(
        "스마트스토어센터 로그인 비밀번호를 변경하고 싶어요.",
        "판매자정보의 계정 관리 메뉴에서 비밀번호를 변경할 수 있습니다.",
    ),
    faq(
        "네이버 톡톡 연동 설정은 어떻게 하나요?",
        "스토어 관리 메뉴에서 톡톡 연동을 켜면 구매자와 채팅 상담을 할 수 있습니다.",
    ),
]


def indexed(entries: Sequence[FaqEntry], analysis: Analyzer) -> list[IndexedEntry]:
    """Entries with their morphemes, as the store would give them back."""
    return [
        IndexedEntry(entry, analysis.morphemes(question_text(entry)), analysis.morphemes(document_text(entry)))
        for entry in entries
    ]


class HashEmbedder:
    """A deterministic stand-in embedder: vectors from a hash of each text (no meaning, fixed name)."""

    def __init__(self, name: str = "hash-8", dimension: int = 8) -> None:
        self.name = name
        self.dimension = dimension
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str], advance: Callable[[int], None] | None = None) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        if advance is not None:
            advance(len(texts))
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
            vector = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dimension)

    def query(self, text: str) -> npt.NDArray[np.float32]:
        return self.embed([text])[0]
