"""Finding dishes, food categories and shop brands in a message, and whether the user rules them out.

Matching runs on the message with its spaces removed, so that "불고기 버거" and "불고기버거" both match, then checks
boundaries on the spaced text: a dish of two syllables must start a word ("학생이라면" holds no 라면) unless a known
modifier precedes it ("매운라면"), and one-syllable dishes (회, 빵, 죽) must be a noun of their own in kiwi's reading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.nlu.lexicon import BRANDS, CATEGORY_WORDS, DISHES, OTHER_DISHES, SHORT_DISHES, SPELLINGS

# Words that may stick to the front of a dish without a space ("치즈라면", "매운떡볶이").
_MODIFIERS = (
    "치즈",
    "매운",
    "매콤",
    "로제",
    "국물",
    "순살",
    "양념",
    "간장",
    "크림",
    "김치",
    "참치",
    "해물",
    "수제",
    "즉석",
    "왕",
    "엄마표",
    "옛날",
    "냉",
    "물",
    "비빔",
    "볶음",
    "마라",
    "불",
    "야채",
    "고기",
    "새우",
    "치킨",
    "한우",
    "불고기",
    "맛있는",
    "따뜻한",
    "뜨끈한",
    "시원한",
    "싼",
    "저렴한",
    "맛난",
    "순한",
    "안매운",
    "달달한",
    "단",
    "짠",
    "학교앞",
    "편의점",
)
# A food followed by one of these is ruled out ("치킨 말고", "피자는 싫어", "라면 질렸어").
_EXCLUSION = re.compile(
    r"^(?:은|는|이|가|을|를|도|류|종류|같은 ?거|쪽|집|이랑|랑)? ?(?:은|는)? ?(?:좀 ?|이제 ?|너무 ?|진짜 ?|별로 ?)?"
    r"(?:말고|말구|말곤|빼고|빼구|빼면|제외|싫|별로|질렸|질려|물려|물렸|안 ?땡|안 ?당|아니고|아닌|말고는|"
    r"못 ?먹|안 ?먹|먹기 ?싫|그만|어제 ?먹|먹었|지겨|노노|ㄴㄴ|x|X|패스|빼줘|빼 ?줘|빼주|말자)"
)
# A food followed by one of these is an option value in an order ("양념감자로 바꿔", "콜라 대신").
_OPTION_AFTER = re.compile(
    r"^(?:으로|로) ?(?:변경|바꿔|바꾸|바꿀|교체|교환|업그레이드|해 ?주|해줘|할게|주세요)|^(?:은|는)? ?대신"
)
# Food emoji as the word a child would type for them ("🍕🥤" is "피자 음료"): an emoji-only message is a wish for
# those foods. Only emoji that name one food plainly are listed; faces and hearts say nothing about food.
FOOD_EMOJI: dict[str, str] = {
    "🍕": "피자",
    "🍔": "햄버거",
    "🍟": "감자튀김",
    "🌭": "핫도그",
    "🍗": "치킨",
    "🍖": "고기",
    "🥩": "스테이크",
    "🍜": "라면",
    "🍝": "파스타",
    "🍛": "카레",
    "🍙": "주먹밥",
    "🍱": "도시락",
    "🍣": "초밥",
    "🍤": "튀김",
    "🍢": "어묵",
    "🍥": "어묵",
    "🥟": "만두",
    "🍲": "찌개",
    "🥘": "전골",
    "🥪": "샌드위치",
    "🌮": "타코",
    "🌯": "부리또",
    "🥗": "샐러드",
    "🍞": "빵",
    "🥐": "크루아상",
    "🥯": "베이글",
    "🥖": "바게트",
    "🧇": "와플",
    "🍩": "도넛",
    "🍰": "케이크",
    "🎂": "케이크",
    "🧁": "케이크",
    "🍦": "아이스크림",
    "🍨": "아이스크림",
    "🍧": "빙수",
    "🍪": "쿠키",
    "🥤": "음료",
    "🧃": "주스",
    "🧋": "버블티",
    "☕": "커피",
}
_DRINK_WORDS = frozenset({"음료", "주스", "버블티", "커피"})
_MARKS = "?!.~"
# Presentation selectors and skin tones ride on emoji and name nothing.
_EMOJI_MODIFIERS = dict.fromkeys([0xFE0F, 0xFE0E, *range(0x1F3FB, 0x1F400)], None)
_HANGUL_OR_WORD = re.compile(r"[가-힣a-z0-9]")
_LATIN = re.compile(r"[a-z0-9]")


@dataclass(frozen=True, slots=True)
class FoodMention:
    """One food found in a message: ``said`` is the normal form to report, ``category`` its catalogue category."""

    said: str
    category: str | None
    kind: str
    """"dish", "category" or "brand"."""
    start: int
    end: int
    excluded: bool
    option: bool = False
    """Named as an option of another item ("양념감자로 변경", "콜라 대신"), not as the food wanted."""


def _entries() -> dict[str, tuple[str, str | None, str]]:
    entries: dict[str, tuple[str, str | None, str]] = {}
    for category, dishes in DISHES.items():
        for dish in dishes:
            entries[dish.replace(" ", "")] = (dish, category, "dish")
    for dish in OTHER_DISHES:
        entries[dish] = (dish, None, "dish")
    for word, category in CATEGORY_WORDS.items():
        entries[word.replace(" ", "")] = (category, category, "category")
    for brand, category in BRANDS.items():
        entries[brand.replace(" ", "")] = (category, category, "brand")
    for typo, dish in SPELLINGS.items():
        if typo not in entries:
            base = entries.get(dish)
            entries[typo] = (dish, base[1] if base else None, "dish")
    return entries


class FoodMatcher:
    """Finds food mentions; build once, reuse for every message."""

    def __init__(self) -> None:
        self._entries = _entries()
        self._longest = max(len(surface) for surface in self._entries)

    @property
    def words(self) -> list[str]:
        """Every surface form the matcher knows (for a tokenizer's user dictionary)."""
        return sorted(self._entries)

    def find(self, text: str, nouns: Sequence[tuple[str, int]] = ()) -> list[FoodMention]:
        """Food mentions in ``text`` (the matching form), in order; ``nouns`` are kiwi's (noun, start) readings."""
        compact: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(text):
            if ch != " ":
                compact.append(ch)
                where.append(i)
        joined = "".join(compact)
        noun_at = {start: form for form, start in nouns}
        found: list[FoodMention] = []
        i = 0
        while i < len(joined):
            for length in range(min(self._longest, len(joined) - i), 0, -1):
                surface = joined[i : i + length]
                entry = self._entries.get(surface)
                if entry is None:
                    continue
                start, end = where[i], where[i + length - 1] + 1
                if not self._acceptable(text, surface, start, end, noun_at):
                    continue
                said, category, kind = entry
                after = text[end:].lstrip()
                excluded = bool(_EXCLUSION.match(after))
                option = bool(_OPTION_AFTER.match(after)) or text[:start].rstrip().endswith("대신")
                found.append(FoodMention(said, category, kind, start, end, excluded, option))
                i += length
                break
            else:
                i += 1
        return found

    def _acceptable(self, text: str, surface: str, start: int, end: int, noun_at: dict[int, str]) -> bool:
        spans_space = " " in text[start:end]
        if spans_space and (len(surface) < 3 or min(len(part) for part in text[start:end].split(" ")) < 2):
            return False
        if _LATIN.match(surface):
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            return not _LATIN.match(before) and not ("a" <= after <= "z")
        if len(surface) == 1:
            return noun_at.get(start) == surface
        before = text[start - 1] if start else " "
        if not _HANGUL_OR_WORD.match(before):
            return True
        if len(surface) >= 3 and surface not in SHORT_DISHES:
            return True
        word_start = text.rfind(" ", 0, start) + 1
        return text[word_start:start] in _MODIFIERS


def chosen_food(mentions: Sequence[FoodMention]) -> FoodMention | None:
    """The food the message asks for: the first one not ruled out, a dish or category before a shop brand.

    A brand (김밥천국) names a shop, not a food: it is chosen only when nothing else is, so that its category can
    still guide a search, but it is not reported as food_type.
    """
    wanted = [mention for mention in mentions if not mention.excluded and not mention.option]
    foods = [mention for mention in wanted if mention.kind != "brand"]
    chosen = foods or wanted
    return chosen[0] if chosen else None


def food_emoji(text: str) -> list[str]:
    """The foods the food emoji of ``text`` stand for, in order ("🍕🥤" -> ["피자", "음료"])."""
    return [FOOD_EMOJI[ch] for ch in text.translate(_EMOJI_MODIFIERS) if ch in FOOD_EMOJI]


def with_food_words(text: str) -> str:
    """``text`` with each food emoji written as its word, so that "🍔" reads as "햄버거" and "🍜?" as "라면?".

    In a message of emoji alone, drinks go after the foods: "🥤🍕" asks for pizza with a drink, not for a drink.
    """
    text = text.translate(_EMOJI_MODIFIERS)
    if not any(ch in FOOD_EMOJI for ch in text):
        return text
    if not any(ch.isalnum() for ch in text):
        words = food_emoji(text)
        ordered = [word for word in words if word not in _DRINK_WORDS] + [w for w in words if w in _DRINK_WORDS]
        marks = "".join(ch for ch in text if ch in _MARKS)
        others = "".join(ch for ch in text if ch not in FOOD_EMOJI and ch not in _MARKS and not ch.isspace())
        return " ".join([" ".join(dict.fromkeys(ordered)) + marks, *([others] if others else [])])
    return "".join(f" {FOOD_EMOJI[ch]} " if ch in FOOD_EMOJI else ch for ch in text)
