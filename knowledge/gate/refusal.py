"""What an assistant says to a question outside its scope, and which real question it suggests instead.

The seller's refusal is fixed by the product ("저는 스마트 스토어 FAQ를 위한 챗봇입니다 ..."), followed by one
suggestion: the question of a real entry near what was asked, so that sending it back retrieves that entry. Topic
words decide first ("쿠팡 정산" -> a SmartStore settlement question, "맛집" -> selling food), then the nearest hit
if its question covers the query well, then a general question of the collection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.gate.lexical import LexicalIndex
from knowledge.gate.marketplaces import without_marketplaces
from knowledge.gate.text import fold
from knowledge.types import FaqEntry, Hit

SELLER_REFUSAL = "저는 스마트 스토어 FAQ를 위한 챗봇입니다. 스마트 스토어에 대한 질문을 부탁드립니다."
MEAL_CAN_DO = (
    "저는 끼니예요. 급식카드로 먹을 수 있는 가게와 메뉴 찾기, 주문, 카드 잔액과 한도 확인, "
    "급식카드 쓰는 방법 안내를 도와줄 수 있어요."
)
HIT_COVERAGE = 0.5
"""The least share of the query a hit's question must cover to be suggested."""

Topics = Sequence[tuple[tuple[str, ...], str]]
"""(words, seed question): when the query contains one of the words, suggest the entry nearest to the seed."""

SELLER_TOPICS: Topics = (
    (("탈퇴",), "스마트스토어센터 판매자 탈퇴는 어떻게 하나요?"),
    (("수수료",), "결제 수수료(네이버페이 주문관리 수수료)는 어떻게 되나요?"),
    (("반품", "환불"), "반품배송비는 누가 부담하나요?"),
    (("교환",), "교환요청 건 처리 방법"),
    (("세금", "계산서", "부가세", "영수증"), "세금계산서 발급기준과 발급시기는 어떻게 되나요?"),
    (("정산", "입금", "대금"), "정산은 언제 되나요?"),
    (("송장", "발송", "택배", "배송"), "'발송처리'는 어떻게 하나요?"),
    (("페널티", "제재", "정지"), "어떤 경우에 페널티를 받게 되나요?"),
    (("등급",), "판매자 등급 산정 기준이 어떻게 되나요?"),
    (("리뷰", "후기"), "리뷰 관리는 어디서 할 수 있나요?"),
    (("쿠폰", "할인"), "쿠폰 적용 방법"),
    (("톡톡", "상담", "문의"), "네이버 톡톡 연동설정은 어떻게 하나요?"),
    (("광고", "마케팅", "홍보"), "쇼핑버티컬광고가 무엇인가요?"),
    (
        ("음식", "먹", "맛집", "맛있", "식당", "요리", "레시피", "배고", "메뉴", "식품", "점심", "저녁"),
        "건강기능식품 판매 가능한가요?",
    ),
    (("가입", "입점", "개설", "시작", "판매자등록"), "스마트스토어센터 가입 절차는 어떻게 되나요?"),
    (("상품", "등록", "올리", "판매", "팔"), "상품등록하는 방법"),
)
SELLER_DEFAULT = "스마트스토어센터 가입 절차는 어떻게 되나요?"

MEAL_TOPICS: Topics = (
    (("잃어버", "분실"), "카드를 잃어버렸어요. 어떻게 해요?"),
    (("잔액", "남은돈", "얼마남"), "잔액은 어떻게 확인해요?"),
    (("한도", "얼마까지", "한끼"), "서울 꿈나무카드는 한 끼에 얼마까지 쓸 수 있어요?"),
    (("알림",), "잔액이 얼마 안 남으면 알려 줘요?"),
    (("쿠폰",), "쿠폰도 받을 수 있어요?"),
    (("주문", "배달", "시켜"), "끼니로 음식을 주문할 수 있어요?"),
    (("개인정보", "저장", "기록"), "끼니는 내 정보를 뭘 저장해요?"),
    (("가게", "식당", "가맹점", "편의점", "어디서"), "근처에 급식카드 되는 가게를 어떻게 찾아요?"),
    (("먹", "배고", "메뉴", "추천", "음식", "요리", "레시피", "맛집"), "오늘 뭐 먹을지 추천해 줄 수 있어요?"),
)
MEAL_DEFAULT = "끼니는 뭘 도와줘요?"

_GREETINGS = ("안녕", "하이", "hello", "hi", "ㅎㅇ", "반가워", "반갑", "좋은아침", "처음뵙", "방가")
_GREETING_TAIL = re.compile(
    "^(?:하세요|하십니까|하세여|하신가요|하셨어요|요|습니다|워요|워|다|ㅎ|ㅋ|there|everyone|봇|챗봇)*$"
)
"""What may follow the greeting word: "안녕하세요" is a greeting, "하이라이트 설정" and "안녕하세요 정산은 언제
돼요?" are not."""
SELLER_GREETING = (
    "안녕하세요! 저는 스마트 스토어 FAQ 챗봇이에요. 가입, 상품 등록, 주문과 배송, 정산처럼 스마트 스토어 운영에 "
    "궁금한 점을 물어봐 주세요."
)


def is_greeting(query: str) -> bool:
    """Whether ``query`` is only a greeting ("안녕하세요", "하이~", "hello!")."""
    compact = "".join(ch for ch in fold(query) if ch.isalnum())
    return any(compact.startswith(word) and _GREETING_TAIL.match(compact[len(word) :]) for word in _GREETINGS)


class Suggester:
    """Chooses the real question to suggest after a refusal; build once per collection."""

    def __init__(self, entries: Sequence[FaqEntry], topics: Topics = (), default: str | None = None) -> None:
        if not entries:
            raise ValueError("a suggester needs the collection's entries")
        self.entries = {entry.id: entry for entry in entries}
        self.index = LexicalIndex([entry.id for entry in entries], [entry.question for entry in entries])
        self.topics = [
            (tuple(fold(word).replace(" ", "") for word in words), self._resolve(seed)) for words, seed in topics
        ]
        self.default = self._resolve(default) if default else entries[0]

    def _resolve(self, seed: str) -> FaqEntry:
        """The entry whose question is the seed, or else the nearest one."""
        exact = [entry for entry in self.entries.values() if entry.question == seed or entry.id == seed]
        if exact:
            return exact[0]
        nearest = self.index.nearest(seed, 1)
        return self.entries[nearest[0][0]] if nearest else next(iter(self.entries.values()))

    def suggest(self, query: str, hits: Sequence[Hit] = ()) -> FaqEntry:
        """The entry to suggest for ``query`` (refused), given its hits if any; never None."""
        compact = without_marketplaces(query).replace(" ", "")
        for words, entry in self.topics:
            if any(word in compact for word in words):
                return entry
        cleaned = without_marketplaces(query)
        for hit in hits[:3]:
            found = self.entries.get(hit.entry_id)
            if found is not None and self.index.coverage(cleaned, found.question) >= HIT_COVERAGE:
                return found
        return self.default


def seller_suggester(entries: Sequence[FaqEntry]) -> Suggester:
    """Suggestions from the SmartStore FAQ entries."""
    return Suggester(entries, SELLER_TOPICS, SELLER_DEFAULT)


def meal_suggester(entries: Sequence[FaqEntry]) -> Suggester:
    """Suggestions from the meal-card FAQ entries (``meal_faq()``)."""
    return Suggester(entries, MEAL_TOPICS, MEAL_DEFAULT)


def refusal(assistant: str, query: str, suggestion: str | None = None) -> str:
    """The reply to a question outside ``assistant``'s scope, with ``suggestion`` (a real question) if given.

    seller: exactly ``SELLER_REFUSAL``, then the suggestion on its own line ("  - ..."); a greeting is greeted
    back (``SELLER_GREETING``) with the suggestion as an example.
    meal: a kind refusal (a greeting is greeted back instead) with what kkini can do, then the suggestion as an
    example to ask.
    """
    greeted = is_greeting(query)
    if assistant == "seller":
        if greeted:
            return SELLER_GREETING + (f'\n예를 들어 "{suggestion}" 하고 물어봐 주세요.' if suggestion else "")
        return SELLER_REFUSAL + (f"\n  - {suggestion}" if suggestion else "")
    opening = "안녕하세요! " if greeted else "미안해요, 그 이야기는 제가 도와드리기 어려워요. "
    text = opening + MEAL_CAN_DO
    if suggestion:
        text += f'\n예를 들어 "{suggestion}" 하고 물어봐 주세요.'
    return text
