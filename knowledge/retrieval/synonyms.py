"""Query expansion: the words sellers use for what the FAQ calls by another name, and common typos.

The groups below were picked by reading the corpus vocabulary (which form the FAQ uses, how often) against the
forms users type. A group's members expand into each other; an expansion that the corpus never uses is dropped
when the expander is built, so only words that can match are added. Typos are corrected in place; a query word
the corpus does not know may also be corrected to a known word one syllable away (``TypoCorrector``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge.index.tokens import normalize

EXPANSION_WEIGHT = 0.6
"""Weight of an added synonym relative to the user's own words."""

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("배송비", "택배비", "배달비"),
    ("리뷰", "후기", "상품평"),
    ("비밀번호", "비번", "패스워드", "암호"),
    ("이미지", "사진"),
    ("대표이미지", "썸네일"),
    ("정산금", "정산대금", "정산금액"),
    ("탈퇴", "해지"),
    ("판매자", "셀러"),
    ("스마트스토어", "스토어", "스스"),
    ("네이버페이", "n페이", "엔페이", "npay", "네페"),
    ("톡톡", "채팅", "톡톡상담"),
    ("페널티", "패널티", "벌점"),
    ("휴대폰", "핸드폰", "휴대전화"),
    ("앱", "어플", "애플리케이션"),
    ("송장", "운송장", "송장번호"),
    ("아이디", "id", "계정"),
    ("구매자", "고객", "손님", "소비자"),
    ("동영상", "영상"),
    ("url", "링크"),
    ("상세페이지", "상세설명", "상품상세"),
    ("세금계산서", "계산서"),
    ("sms", "문자"),
    ("이용정지", "정지", "제재"),
    ("부가세", "부가가치세"),
    ("재고", "수량"),
    ("주문", "오더"),
)

ONE_WAY: Mapping[str, tuple[str, ...]] = {
    # colloquial -> the FAQ's words (not the other way: the FAQ never says 돈 for 정산)
    "입금": ("정산",),
    "돈": ("정산", "금액"),
    "들어오": ("정산", "입금"),
    "환불": ("반품", "취소"),
    "반품": ("환불",),
    "가입": ("회원가입",),
    "팔리": ("판매",),
    "팔": ("판매",),
    "사": ("구매",),
    "끊": ("발급",),
    "뽑": ("출력",),
    "깎": ("인하", "할인"),
    "끄": ("설정 안함", "해제"),
    "택배": ("배송",),
    "걸리": ("소요", "기간"),
    "며칠": ("영업일", "소요"),
    "못받": ("미수령",),
    "비용": ("수수료", "요금"),
    "몇프로": ("수수료",),
    "퍼센트": ("%", "수수료"),
}

TYPOS: Mapping[str, str] = {
    "스마트스토워": "스마트스토어",
    "스마트 스토워": "스마트스토어",
    "스마스토어": "스마트스토어",
    "스마트스토아": "스마트스토어",
    "스토워": "스토어",
    "패널티": "페널티",
    "네이버패이": "네이버페이",
    "배송삐": "배송비",
    "택배삐": "택배비",
    "반품비": "반품배송비",
    "리뷰이밴트": "리뷰이벤트",
    "이밴트": "이벤트",
    "쿠뽄": "쿠폰",
    "쿠퐁": "쿠폰",
    "환뷸": "환불",
    "셀러센터": "스마트스토어센터",
    "톡톡톡": "톡톡",
}


@dataclass(frozen=True, slots=True)
class Expansion:
    text: str
    """The query with typos corrected."""
    extra: tuple[tuple[str, float], ...]
    """Phrases to search as well, each with its weight."""


class QueryExpander:
    """Corrects typos and adds synonyms; keeps only expansions that occur in ``corpus_text`` (the collection's
    questions and answers), so that every added word can match something."""

    def __init__(self, corpus_text: str, corrector: TypoCorrector | None = None) -> None:
        self.corrector = corrector
        compact_vocab = normalize(corpus_text).replace(" ", "")
        self.expansions: dict[str, tuple[str, ...]] = defaultdict(tuple)
        for group in SYNONYM_GROUPS:
            for member in group:
                others = tuple(other for other in group if other != member and _known(other, compact_vocab))
                self.expansions[member] = self.expansions[member] + others
        for source, targets in ONE_WAY.items():
            known = tuple(target for target in targets if _known(target, compact_vocab))
            self.expansions[source] = self.expansions[source] + known

    def expand(self, query: str, morphemes: Iterable[str] = ()) -> Expansion:
        """``query`` with typos fixed, and the synonyms of its words (matched as morphemes, or as substrings for
        words of two or more characters with Hangul in them: "택배비가", "n페이로"; Latin-only words such as "id"
        only as morphemes, they hide inside other words)."""
        text = normalize(query)
        for typo, right in TYPOS.items():
            if typo in text:
                text = text.replace(typo, right)
        compact = text.replace(" ", "")
        found: dict[str, float] = {}
        present = set(morphemes)
        if self.corrector is not None:
            for word, fixed in self.corrector.corrections(present).items():
                found.setdefault(fixed, 0.8)
                present.add(fixed)
                present.discard(word)
        for word, targets in self.expansions.items():
            if not targets:
                continue
            if word in present or (len(word) >= 2 and _has_hangul(word) and word in compact):
                for target in targets:
                    if target.replace(" ", "") not in compact:
                        found.setdefault(target, EXPANSION_WEIGHT)
        return Expansion(text=text, extra=tuple(found.items()))


class TypoCorrector:
    """Maps a query word the corpus does not know to a known word that differs by one syllable (substituted,
    dropped or added), preferring the most frequent; only for words of three or more syllables."""

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self.frequencies = {word: count for word, count in frequencies.items() if len(word) >= 3}
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in self.frequencies:
            for variant in _deletions(word):
                self._deletes[variant].append(word)

    def corrections(self, words: Iterable[str]) -> dict[str, str]:
        fixed: dict[str, str] = {}
        for word in words:
            if len(word) < 3 or word in self.frequencies or not _is_hangul(word):
                continue
            candidates: set[str] = set(self._deletes.get(word, ()))
            for variant in _deletions(word):
                candidates.update(self._deletes.get(variant, ()))
                if variant in self.frequencies:
                    candidates.add(variant)
            candidates = {c for c in candidates if abs(len(c) - len(word)) <= 1 and _one_edit(word, c)}
            if candidates:
                fixed[word] = max(sorted(candidates), key=lambda c: self.frequencies[c])
        return fixed


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _is_hangul(word: str) -> bool:
    return all("가" <= ch <= "힣" for ch in word)


def _has_hangul(word: str) -> bool:
    return any("가" <= ch <= "힣" for ch in word)


def _known(word: str, compact_corpus: str) -> bool:
    return word.replace(" ", "") in compact_corpus
