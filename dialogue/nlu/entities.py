"""Entities of one message in the normal forms of ../shared/spec/nlu.md, plus the signals the intent model reads.

``EntityExtractor.extract`` takes the matching form of a message (normalize.for_matching) and kiwi's tokens of it,
and returns an ``Extraction``: the entities the message states (before the intent decides which of them count),
the catalogue category of the food, foods ruled out, back-references, and a delexicalised copy of the text in
which foods, amounts, places and head-counts are replaced by placeholders so that the classifier learns the
shape of a request rather than the names in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dialogue.nlu.amounts import find_amounts
from dialogue.nlu.diet import taste_and_diet
from dialogue.nlu.foods import FoodMatcher, FoodMention, chosen_food
from dialogue.nlu.lexicon import NATIVE_NUMBERS
from dialogue.nlu.places import find_location
from dialogue.nlu.times import TimeAsked, find_time

NATIVE_NUMBERS_ALT = "|".join(sorted(NATIVE_NUMBERS, key=len, reverse=True))
_HEADCOUNT = re.compile(
    rf"(?<![가-힣\d])(?P<n>\d{{1,3}}|{NATIVE_NUMBERS_ALT}) ?(?:명|사람|인(?!분|기|데|지|가|터|생|형|정|간|증))"
)
_TOGETHER = re.compile(
    r"(?<![가-힣])(?:우리 ?)?(?P<n>둘|셋|넷|다섯|여섯|일곱|여덟|아홉|열)(?:이서|이 ?(?=서|랑|먹|갈|가|$| )|명)"
)
_SPEAKER_EXCLUDED = re.compile(r"(?:나|저) ?(?:빼고|말고|제외하고)")

_FAMILY_MEMBER = (
    r"엄마|아빠|엄빠|부모님|어머니|아버지|어무니|아부지|남동생|여동생|동생|할머니|할아버지|할매|할배|삼촌|이모|고모|사촌|"
    r"조카|형아|형|오빠|누나|언니"
)
_COMPANIONS = (
    (
        "family",
        re.compile(
            r"가족|식구|(?:(?<![가-힣])|(?<=우리)|(?<=울)|(?<=내)|(?<=외)|(?<=친))"
            rf"(?:{_FAMILY_MEMBER})(?:들)?(?:이|아)? ?(?:랑|하고|와|과|끼리|모시고|데리고|도 ?같이|같이|함께|네 ?(?:가족|식구))"
        ),
    ),
    (
        "friends",
        re.compile(
            r"친구|칭구|친군|친긔|(?<![가-힣])애들|베프|절친|동창|짝꿍|동기들|선배|후배|남친|여친|남자 ?친구|여자 ?친구|"
            r"친한 ?(?:애|얘|형|언니|누나|오빠)|같은 ?반|반 ?애|친구놈|칭긔"
        ),
    ),
    (
        "group",
        re.compile(
            r"단체|여럿|여러 ?명|다 ?같이|다 ?함께|반 ?전체|우리 ?반|학급|팀원|회식|모임|동아리|친목|대인원|"
            r"인원이 ?많|많은 ?인원|단체석"
        ),
    ),
    ("alone", re.compile(r"혼자|혼밥|나 ?홀로|1인(?!분)|솔로")),
)
# A family member named in a worry about being scolded ("엄마한테 혼날까 봐") is not someone to eat with: without a
# word of eating or going together, such a message names no companions.
_SCOLDED = re.compile(r"혼나|혼날|혼낼|혼내|혼났|혼쭐|야단|꾸중|잔소리|들킬|들키|걱정|무서|겁나|까 ?봐")
_TOGETHER_WORDS = re.compile(r"먹|갈 ?(?:데|곳|거|래|게|까)|가자|가서|식당|밥집|맛집|데려|같이|함께|끼리|모시고")
# An amount followed by one of these is the one being replaced ("5천원 말고 8천원"), not the budget.
_REPLACED = re.compile(r"^ ?(?:은|는|이|가)? ?(?:말고|말구|아니고|아니라|아니야|대신|빼고|아냐)")
# "매운 거 말고" rules spicy dishes out of the search; "매운 것" is the food word the menu rules read as spicy.
_NOT_SPICY_NOW = re.compile(r"(?:매운|매콤한) ?(?:거|것|걸|음식|건)? ?(?:은|는)? ?(?:말고|말구|빼고|제외)")
SPICY_FOOD = "매운 것"
"""What "매운 거 말고" adds to the foods ruled out (``dialogue.recommend.rules`` reads it as the spicy tag)."""
_GROUP_COUNT = re.compile(r"(?<![가-힣])우리(?! ?(?:집|동네|학교|학원|반))")
_SPEAKER = re.compile(r"(?<![가-힣])(?:나|저|내가|제가)(?P<how> ?포함| ?까지|랑|하고| ?빼고| ?말고| ?제외)")
_NOT_THIS_MEAL = re.compile(
    r"^[가-힣]{0,2} ?(?:을|를|은|는|도)? ?(?:못 ?먹|안 ?먹|굶|먹었|거르|걸러|건너|스킵|때 ?먹었)"
)
_MEALS = (
    ("breakfast", re.compile(r"아침|조식|모닝|아침밥|브렉퍼스트|등교 ?전")),
    ("lunch", re.compile(r"점심|런치|점심밥|중식 ?시간|낮에|낮 ?12시|정오|하교 ?후 ?점심")),
    ("dinner", re.compile(r"저녁|석식|디너|저녁밥|저녘|져녁|학원 ?끝나고")),
    (
        "late_night",
        re.compile(
            r"야식|새벽|밤늦|늦은 ?밤|늦은 ?시간|밤 ?늦|심야|자정|한밤|야밤|밤중|밤에|밤 ?\d+시|"
            r"늦게까지|밤 ?시간|오밤중|밤새|(?<![가-힣])밤(?=[ 에]|$)|24시|24 ?시간"
        ),
    ),
    ("now", re.compile(r"지금|당장|현재|지굼|즉시|곧바로|이 ?시간에")),
)
_SHOP_REF = re.compile(
    r"(?<![가-힣])(?:거기|그 ?집|그 ?가게|그 ?식당|그곳|그 ?곳|그데|그 ?매장|저기|그 ?분식집|그 ?중국집|"
    r"그 ?치킨집|아까 ?그 ?(?:집|가게|데|곳)|거긴|거기는|저 ?집|거기서|걔네|그 ?데)"
)
_ITEM_REF = re.compile(
    r"(?<![가-힣])(?:그거|그걸|그것|그 ?메뉴|아까 ?그거|저거|저걸|이거|이걸|요거|요걸|그 ?음식|같은 ?걸|같은 ?거|"
    r"방금 ?(?:그거|거|것)|아까 ?(?:거|것|꺼)|그 ?세트|그놈)"
)
_OTHER = re.compile(
    r"다른 ?(?:데|곳|거|것|집|가게|식당|메뉴|음식|곳도|건|걸|애|종류|맛집|추천|데는|거는)|딴 ?(?:데|곳|거|것|집|가게|식당|메뉴|건|걸)|"
    r"다른데(?= ?(?:는|도|없|있|알|추천|가|로|$|\?))|또 ?다른|말고 ?(?:다른|딴)|다른 ?거|그 ?외에|더 ?없|또 ?뭐 ?있|"
    r"딴거|딴데|다른곳|다른걸|다른건|다른집"
)
_QUANTITY = re.compile(
    r"\d+ ?(?:개|잔|세트|그릇|인분|판|마리|조각|캔|병)|(?<![가-힣])(?:하나|한 ?개|두 ?개|둘|세 ?개|셋|네 ?개|넷|한 ?잔|"
    r"두 ?잔|한 ?그릇|두 ?그릇|한 ?세트|두 ?세트|한 ?판|한 ?마리)(?![가-힣])|(?<![가-힣])(?:하나|둘|셋)(?=만|씩|요|랑|이랑)"
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything ``EntityExtractor`` reads from one message."""

    entities: dict[str, Any]
    food_category: str | None = None
    excluded_food: tuple[str, ...] = ()
    reference: str | None = None
    wants_other: bool = False
    foods: tuple[FoodMention, ...] = ()
    delexicalised: str = ""
    time: TimeAsked | None = None
    """The day and clock time the message names (``dialogue.nlu.times``)."""
    signals: frozenset[str] = field(default_factory=frozenset)
    """Entity-derived features for the intent model ("food", "money", "quantity", ...)."""


def _first_label(text: str, table: Sequence[tuple[str, re.Pattern[str]]]) -> str | None:
    best: tuple[int, str] | None = None
    for label, pattern in table:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), label)
    return best[1] if best else None


def party_size(text: str) -> int | None:
    """The number of people eating ("4명", "네 명", "둘이서"); the speaker is added when named beside the count.

    "나 포함 5명" -> 5, "친구 셋이랑 나까지" -> 4, "나랑 친구 두 명" -> 3, "나 빼고 3명" -> 4.
    """
    found = _headcount(text)
    return found[0] if found else None


def _headcount(text: str) -> tuple[int, int, int] | None:
    match = _HEADCOUNT.search(text) or _TOGETHER.search(text)
    if not match:
        return None
    raw = match.group("n")
    size = int(raw) if raw.isdigit() else NATIVE_NUMBERS[raw]
    if size <= 0 or size > 200:
        return None
    speaker = _SPEAKER.search(text)
    if speaker:
        how = speaker.group("how").strip()
        if how in {"빼고", "말고", "제외", "랑", "하고"} or speaker.start() >= match.end():
            size += 1
    return size, match.start(), match.end()


def companions(text: str, size: int | None = None) -> str | None:
    """friends or family when the message names them, else group (단체, 다 같이, "우리 다섯 명"), else alone."""
    named = _first_label(text, [(label, p) for label, p in _COMPANIONS if label in {"friends", "family"}])
    if named == "family" and _SCOLDED.search(text) and not _TOGETHER_WORDS.search(text):
        named = None
    if named:
        return named
    if _COMPANIONS[2][1].search(text) or (size is not None and size >= 3 and _GROUP_COUNT.search(text)):
        return "group"
    return "alone" if _COMPANIONS[3][1].search(text) else None


def meal_time(text: str) -> str | None:
    """breakfast, lunch, dinner or late_night when named for this meal, else now when the message says 지금/당장.

    A meal said to be skipped or past ("아침 못 먹어서") is not the one asked about.
    """
    text = text.replace("지금까지", "").replace("지금 까지", "")
    best: tuple[int, str] | None = None
    for label, pattern in _MEALS[:-1]:
        for match in pattern.finditer(text):
            if _NOT_THIS_MEAL.match(text[match.end() :]):
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), label)
            break
    if best:
        return best[1]
    return "now" if _MEALS[-1][1].search(text) else None


class EntityExtractor:
    """Reads the entities of one message; build once (it holds the food matcher), then call ``extract``."""

    def __init__(self, foods: FoodMatcher | None = None) -> None:
        self.foods = foods or FoodMatcher()

    def extract(self, text: str, nouns: Sequence[tuple[str, int]] = ()) -> Extraction:
        """The entities ``text`` (the matching form) states; ``nouns`` are kiwi's (noun, start) readings of it."""
        entities: dict[str, Any] = {}
        spans: list[tuple[int, int, str]] = []
        signals: set[str] = set()
        amounts = find_amounts(text)
        if amounts:
            kept = [a for a in amounts if not _REPLACED.match(text[a.end :])]
            if kept:
                entities["budget"] = kept[0].value
            signals.add("money")
            spans.extend((a.start, a.end, "Ⓜ") for a in amounts)
        mentions = self.foods.find(text, nouns)
        spans.extend((m.start, m.end, "Ⓕ") for m in mentions)
        food = chosen_food(mentions)
        if food is not None and food.kind != "brand":
            entities["food_type"] = food.said
        if food is not None:
            signals.add(f"food_{food.kind}")
        if any(m.excluded for m in mentions):
            signals.add("food_excluded")
        place = find_location(text)
        if place is not None:
            entities["location"] = place[0]
            spans.append((place[1], place[2], "Ⓛ"))
            signals.add("location_near" if place[0] in {"근처", "주변"} else "location")
        headcount = _headcount(text)
        size = headcount[0] if headcount else None
        if headcount is not None:
            entities["party_size"] = headcount[0]
            spans.append((headcount[1], headcount[2], "Ⓝ"))
            signals.add("party")
        company = companions(text, size)
        if company is not None:
            entities["companions"] = company
            signals.add(f"with_{company}")
        when = meal_time(text)
        if when is not None:
            entities["meal_time"] = when
            signals.add(f"meal_{when}")
        taste, restrictions = taste_and_diet(text, nouns)
        if taste:
            entities["taste"] = taste
            signals.add("taste")
        if restrictions:
            entities["dietary_restrictions"] = restrictions
            signals.add("diet")
        if _QUANTITY.search(text):
            signals.add("quantity")
        reference = "shop" if _SHOP_REF.search(text) else "item" if _ITEM_REF.search(text) else None
        wants_other = bool(_OTHER.search(text))
        if reference:
            signals.add(f"ref_{reference}")
        if wants_other:
            signals.add("other")
        excluded = [m.said for m in mentions if m.excluded]
        if _NOT_SPICY_NOW.search(text):
            excluded.append(SPICY_FOOD)
        return Extraction(
            entities=entities,
            food_category=food.category if food else None,
            excluded_food=tuple(dict.fromkeys(excluded)),
            reference=reference,
            wants_other=wants_other,
            foods=tuple(mentions),
            delexicalised=_replace_spans(text, spans),
            time=find_time(text),
            signals=frozenset(signals),
        )


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    position = 0
    for start, end, mark in sorted(spans):
        if start < position:
            continue
        out.append(text[position:start])
        out.append(mark)
        position = end
    out.append(text[position:])
    return "".join(out)
