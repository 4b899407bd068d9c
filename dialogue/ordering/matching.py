"""Fuzzy matching of what a user calls a product against a shop's menu.

Names are compared without spaces or punctuation, as jamo (initial, medial and final letters of each syllable), so
that a typo inside a syllable ("불고기벼거") costs one letter, not a whole syllable. Each product is known by several
keys: its name, the name without the shop's brand word ("리아 불고기버거" -> "불고기버거"), without the variant in
brackets ("양념감자 (칠리)" -> "양념감자"), without a generic head word ("불고기버거 세트" -> "불고기 세트", "치즈토핑"
-> "치즈") and with everyday synonyms ("포테이토" -> "감자튀김", "감튀"). A query scores against every key by jamo
trigram overlap (Dice), jamo edit distance and containment; a trigram index keeps the edit distance to the few keys
that share letters with the query, so a lookup stays well under a millisecond for a menu of a hundred items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
_NOT_WORD = re.compile(r"[^0-9a-z가-힣ㄱ-ㅎㅏ-ㅣ]+")
_BRACKETED = re.compile(r"\s*\(([^)]*)\)\s*")

EXACT = 1.0
MIN_SCORE = 0.55
"""Below this a product is not what the user meant (though it may be suggested)."""
SUGGEST_SCORE = 0.35
EDIT_DISTANCE_KEYS = 8
"""How many of the keys closest by trigrams are also compared letter by letter."""

SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "포테이토": ("감자튀김", "감튀", "감자", "후렌치후라이", "프렌치프라이", "프라이", "감자칩"),
    "감자튀김": ("감튀", "감자", "포테이토", "후렌치후라이", "프렌치프라이", "프라이"),
    "제로콜라": ("콜라제로", "제로", "제로슈거콜라", "제로코크"),
    "데리야끼": ("데리", "데리야키"),
    "콜라": ("코카콜라", "펩시", "펩시콜라", "코크"),
    "사이다": ("칠성사이다", "스프라이트"),
    "제로슈거콜라": ("제로콜라", "콜라제로", "제로"),
    "아이스아메리카노": ("아아", "아이스아메"),
    "아메리카노": ("뜨아", "아메"),
    "치킨너겟": ("너겟", "너깃", "치킨너깃"),
    "레몬에이드": ("레모네이드", "레몬에이드"),
    "오렌지주스": ("오렌지쥬스", "오렌지", "오쥬"),
    "코울슬로": ("콜슬로", "코울슬로우", "샐러드"),
    "치즈스틱": ("치즈스틱", "치즈스팁"),
    "반숙계란": ("계란", "달걀", "반숙란", "에그"),
    "비프패티": ("패티", "고기패티"),
}
"""Everyday names for words of fast-food menus: the menu word -> what people say instead (spaces removed)."""

GENERIC_HEADS = ("버거", "토핑")
"""Head words people leave out: "불고기 세트" for "불고기버거 세트", "치즈 추가" for "치즈토핑"."""

VARIANT_WORDS: Mapping[str, tuple[str, ...]] = {
    "S": ("s", "스몰", "작은", "작은거", "작은걸"),
    "M": ("m", "미디움", "미디엄", "보통", "중간", "레귤러", "중"),
    "L": ("l", "라지", "큰거", "큰걸", "큰", "대", "빅", "사이즈업", "라아지"),
}
"""Sizes, however a menu writes them in brackets ("(M)", "(미디움)", "(대)") and however people say them."""

GROUP_WORDS: Mapping[str, tuple[str, ...]] = {
    "side": ("사이드", "감자", "감자튀김", "감튀", "포테이토", "사이드메뉴"),
    "drink": ("음료", "음료수", "드링크", "마실거", "마실것", "음료는", "탄산"),
    "burger": ("버거", "햄버거", "메인"),
}
"""What people call a set's component groups ("감자는 양념감자로", "음료는 사이다로")."""


KIND_WORDS: Mapping[str, tuple[str, ...]] = {
    "main": ("버거", "햄버거", "버거류", "메인"),
    "set": ("세트", "세트메뉴", "버거세트", "햄버거세트"),
    "side": ("사이드", "사이드메뉴"),
    "drink": ("음료", "음료수", "마실거", "마실것", "드링크"),
    "dessert": ("디저트", "후식"),
}
"""Words that name a kind of product (by ``MenuKind`` value) rather than one: "햄버거 시킬래" asks which burger."""


def compact(text: str) -> str:
    """Lower case, without spaces or punctuation: "양념감자 (칠리)" -> "양념감자칠리"."""
    return _NOT_WORD.sub("", text.lower())


def jamo(text: str) -> str:
    """Hangul syllables split into their letters ("감" -> "ㄱㅏㅁ"); other characters stay."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            offset = code - _HANGUL_FIRST
            out.append(_INITIALS[offset // 588])
            out.append(_MEDIALS[(offset % 588) // 28])
            final = _FINALS[offset % 28]
            if final:
                out.append(final)
        else:
            out.append(char)
    return "".join(out)


def trigrams(letters: str) -> frozenset[str]:
    padded = f"^{letters}$"
    return frozenset(padded[i : i + 3] for i in range(max(1, len(padded) - 2)))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute one letter)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, start=1):
        current = [i]
        for j, right in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right)))
        previous = current
    return previous[-1]


def split_variant(name: str) -> tuple[str, str | None]:
    """ "양념감자 (칠리)" -> ("양념감자", "칠리"); a name without brackets has no variant."""
    found = _BRACKETED.search(name)
    if found is None:
        return name.strip(), None
    base = (name[: found.start()] + " " + name[found.end() :]).strip()
    return " ".join(base.split()), found.group(1).strip() or None


def size_of(label: str) -> str | None:
    """The size a menu's bracketed label or one word names ("미디움" -> "M", "L" -> "L"), or None for a flavour."""
    said = compact(label)
    for size, words in VARIANT_WORDS.items():
        if said in words:
            return size
    return None


def variant_of(text: str) -> str | None:
    """The size a query names ("라지", "큰 거", "L", "(L)" as the menu writes it) as "S", "M" or "L", or None."""
    words = {compact(word) for word in text.split()} | {compact(text)}
    for variant, said in VARIANT_WORDS.items():
        if words & set(said):
            return variant
    return None


def without_variant_words(text: str) -> str:
    drop = {word for said in VARIANT_WORDS.values() for word in said}
    return " ".join(word for word in text.split() if compact(word) not in drop)


def group_of_word(text: str) -> str | None:
    """The component group a word names ("감자" -> side, "음료는" -> drink), or None."""
    said = compact(text)
    for group, words in GROUP_WORDS.items():
        if said in words:
            return group
    return None


def kind_of_word(text: str) -> str | None:
    """The kind of product a word names instead of a product ("햄버거" -> main, "음료수" -> drink), or None."""
    said = compact(text)
    return next((kind for kind, words in KIND_WORDS.items() if said in words), None)


@dataclass(frozen=True, slots=True)
class _Key:
    item_id: int
    text: str
    letters: str
    grams: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scored:
    item_id: int
    score: float


def keys_for(name: str, brand_words: Iterable[str] = ()) -> set[str]:
    """Every compact name a product is known by (see the module docstring)."""
    base, _ = split_variant(name)
    brands = {compact(word) for word in brand_words if compact(word)}
    forms = {compact(name), compact(base)}
    for form in list(forms):
        for brand in brands:
            if form.startswith(brand) and len(form) > len(brand) + 1:
                forms.add(form[len(brand) :])
    for form in list(forms):
        for head in GENERIC_HEADS:
            shorter = form.replace(head, "", 1)
            if head in form and len(shorter) >= 2:
                forms.add(shorter)
    for form in list(forms):
        for word, said in SYNONYMS.items():
            if word in form:
                forms.update(form.replace(word, other, 1) for other in said)
    return {form for form in forms if form}


class ProductMatcher:
    """Scores queries against products' keys; built once per menu."""

    def __init__(self, names: Mapping[int, str], brand_words: Iterable[str] = ()) -> None:
        brands = tuple(brand_words)
        self._keys: list[_Key] = []
        self._by_gram: dict[str, list[int]] = {}
        self._exact: dict[str, set[int]] = {}
        for item_id, name in names.items():
            for text in keys_for(name, brands):
                letters = jamo(text)
                key = _Key(item_id, text, letters, trigrams(letters))
                index = len(self._keys)
                self._keys.append(key)
                self._exact.setdefault(text, set()).add(item_id)
                for gram in key.grams:
                    self._by_gram.setdefault(gram, []).append(index)

    def score(self, query: str, allowed: Iterable[int] | None = None) -> list[Scored]:
        """Products scored against ``query``, best first (only those above `SUGGEST_SCORE`)."""
        text = compact(query)
        if not text:
            return []
        only = set(allowed) if allowed is not None else None
        best: dict[int, float] = {}
        for item_id in self._exact.get(text, ()):
            if only is None or item_id in only:
                best[item_id] = EXACT
        letters = jamo(text)
        grams = trigrams(letters)
        shared: dict[int, int] = {}
        for gram in grams:
            for index in self._by_gram.get(gram, ()):
                shared[index] = shared.get(index, 0) + 1
        # Dice on trigrams for every key that shares one; the slower edit distance only for the closest few.
        by_dice: list[tuple[float, int]] = []
        for index, common in shared.items():
            key = self._keys[index]
            if (only is not None and key.item_id not in only) or best.get(key.item_id) == EXACT:
                continue
            dice = 2 * common / (len(grams) + len(key.grams))
            if dice >= 0.25:
                by_dice.append((dice, index))
        by_dice.sort(reverse=True)
        for rank, (dice, index) in enumerate(by_dice):
            key = self._keys[index]
            value = dice
            longer = max(len(letters), len(key.letters))
            # The distance is at least the difference in length: skip keys it cannot lift above their Dice score.
            if rank < EDIT_DISTANCE_KEYS and 1 - abs(len(letters) - len(key.letters)) / longer > value:
                value = max(value, 1 - edit_distance(letters, key.letters) / longer)
            if text in key.text:
                value = max(value, 0.55 + 0.4 * len(text) / len(key.text))
            elif key.text in text:
                # The query says more than the key ("치즈" in "치즈버거"): weaker than the other way round.
                value = max(value, 0.45 + 0.4 * len(key.text) / len(text))
            value = min(value, 0.99)
            if value > best.get(key.item_id, 0.0):
                best[key.item_id] = value
        ranked = [Scored(item_id, round(value, 4)) for item_id, value in best.items() if value >= SUGGEST_SCORE]
        ranked.sort(key=lambda scored: (-scored.score, scored.item_id))
        return ranked
