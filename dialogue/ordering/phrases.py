"""What an ordering message asks the cart to do, read from its words: change a set's side or drink, take something
out, one more, a new quantity, back to the default, a set or a single, something on the burger, empty the cart,
cancel the order.

Only the wording is read here; which line or product the words mean is decided against the cart and the menu by
the order service. Names stay as said ("감자튀김", "아까 그거"); a reference to the last line comes as ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.nlu.lexicon import NATIVE_NUMBERS
from dialogue.nlu.menu import without_fillers
from dialogue.ordering.matching import group_of_word, kind_of_word

_NUMBER = r"\d{1,2}|하나|한|두|둘|세|셋|네|넷|다섯|여섯|일곱|여덟|아홉|열"
_COUNTER = r"(?:개|잔|세트|그릇|인분|판|마리|조각|캔|병|줄|봉지|접시)"
_QUANTITY = rf"(?P<qty>{_NUMBER})\s*{_COUNTER}?"
_POLITE_END = re.compile(r"[\s.!?~ㅎㅋ]+$")
_CART_WORDS = re.compile(r"^(?:장바구니|카트|주문|담은\s*거|담은\s*것)(?:에서|에|서)?\s+")

REFERENCES = re.compile(
    r"^(?:(?:아까|방금|마지막(?:에)?|이전|맨\s*끝|지금)\s*)?(?:담은\s*)?(?:그거|그것|그걸|이거|이것|이걸|저거|거|걸|것|그|이|방금\s*거|"
    r"같은\s*(?:걸|거|것)|같은\s*걸로|같은\s*거로|그걸로|이걸로|그\s*메뉴|이\s*메뉴|마지막)?\s*(?:으로|로)?$"
)
"""Words that point at the line touched last ("아까 그거", "방금 거", "같은 걸로"), or nothing at all."""

_REMOVE = re.compile(
    rf"^(?P<target>.*?)\s*(?:{_QUANTITY}\s*)?(?:만\s*)?(?:을|를|은|는|도)?\s*"
    r"(?:빼(?!고$)\s*(?:줘|주세요|주라|줄래|줄게|기|자|요|야지)?|삭제(?:해)?|지워|지우기|없애|제외|취소(?:해|할래|할게)?)"
    r"[가-힣]{0,3}$"
)
_ALL = re.compile(r"^(?:다|전부|모두|싹|싹\s*다|전체|몽땅|모조리|다\s*같이)$")
_CLEAR = re.compile(r"(?:(?:장바구니|카트).*(?:비워|비우|초기화|리셋|클리어|다\s*지워|전부\s*지워|싹)|^(?:다\s*)?비워)")
_CANCEL_ORDER = re.compile(r"주문\s*(?:을|은|도)?\s*(?:취소|철회|안\s*할|그만|없던|없었던)")
_MORE = re.compile(rf"^(?P<target>.*?)\s*(?:{_QUANTITY}\s*)?(?:만\s*)?더(?:\s|$)")
_SET_QUANTITY = re.compile(
    rf"^(?P<target>.*?)\s*{_QUANTITY}\s*(?:으로|로)\s*(?:해|바꿔|바꾸|변경|할게|할래|주세요|줘|수정|$)"
)
_TO_SET = re.compile(r"^(?P<target>.*?)\s*세트로\s*(?:바꿔|바꾸|변경|업그레이드|해\s*줘|해\s*주세요|할게|할래|$)")
_TO_SINGLE = re.compile(r"^(?P<target>.*?)\s*(?:을|를|은|는)?\s*단품으로")
_REVERT = re.compile(r"^(?P<target>.*?)\s*(?:은|는|을|를)?\s*(?:원래대로|원래\s*거로|기본으로|처음\s*걸로)")
_CHANGE_VERB = r"(?:바꿔|바꾸|변경|교체|해|할|주세요|줘|부탁|가능|되나|돼)[가-힣]*"
_CHANGE = re.compile(
    rf"(?P<left>[^,.!?]+?)\s*(?<![가-힣]대)(?:으로|로)(?:\s*{_CHANGE_VERB})?(?=\s*(?:$|[,.]|(?:{_NUMBER})\s*{_COUNTER}?요?(?:\s|$)|주세요|줘))"
)
_INSTEAD = re.compile(
    r"(?P<source>[가-힣A-Za-z0-9()]+)\s*(?:대신(?:에)?|말고)\s+(?P<target>[가-힣A-Za-z0-9() ]+?)(?:으로|로)?\s*(?:$|[,.]|주세요|줘|해|바꿔|변경)"
)
_EXTRA = re.compile(
    rf"^(?P<target>[가-힣A-Za-z][가-힣A-Za-z ]*?)\s*(?:토핑)?\s*(?:{_QUANTITY}\s*)?(?:을|를|도)?\s*"
    r"(?:추가|올려|얹어)(?:해|해서)?\s*(?:줘|주세요|줄래|주라|요|할게|할래|하기)?$"
)
_STRONG_VERB = re.compile(r"바꿔|바꾸|변경|교체")
_VARIANT_TAILS = frozenset({"라지", "미디움", "미디엄", "스몰", "l", "m", "s"})
_TOPIC = re.compile(r"^(?P<word>[가-힣A-Za-z0-9()]+?)(?:은|는|을|를)$")
_NOT_A_NAME = re.compile(
    r"^(?:이대|그대|이걸|그걸|저걸|이거|그거|이것|그것|뭘|뭐|어떤\s*거|어떤\s*걸|아무거나|사이즈|포장|매장)$"
)


@dataclass(frozen=True, slots=True)
class Change:
    """Change a component ("감자튀김 양념감자로"): ``splits`` are the readings of (source, target), likeliest first."""

    splits: tuple[tuple[str | None, str], ...]
    explicit: bool = True
    """Said with a verb, a topic ("콜라는 사이다로") or "대신"; a bare "콜라 사이다로" is not, and an item name
    that ends in 로 ("코울슬로 하나") reads the same way, so the caller checks it against the menu."""


@dataclass(frozen=True, slots=True)
class Remove:
    target: str | None
    """What to take out, as said; None for the line touched last."""
    quantity: int | None = None
    """How many to take out; None for the whole line."""


@dataclass(frozen=True, slots=True)
class More:
    target: str | None
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class SetQuantity:
    target: str | None
    quantity: int


@dataclass(frozen=True, slots=True)
class Revert:
    """Undo an option change ("양념감자 원래대로")."""

    target: str | None


@dataclass(frozen=True, slots=True)
class ToSet:
    target: str | None


@dataclass(frozen=True, slots=True)
class ToSingle:
    target: str | None


@dataclass(frozen=True, slots=True)
class Extra:
    """Something on the burger ("치즈 추가", "베이컨 토핑 올려줘"): a topping, when ``target`` names one better than
    any product; else the words only add a product ("감튀 하나 추가")."""

    target: str


@dataclass(frozen=True, slots=True)
class ClearCart:
    pass


@dataclass(frozen=True, slots=True)
class CancelOrder:
    pass


Command = Change | Remove | More | SetQuantity | Revert | ToSet | ToSingle | Extra | ClearCart | CancelOrder


def count(word: str | None) -> int:
    if not word:
        return 1
    return int(word) if word.isdigit() else NATIVE_NUMBERS.get(word, 1)


def clean(text: str) -> str:
    """The words that state the command: without the polite end, a leading "장바구니에서" and the fillers of speech
    ("아 그럼 콜라 빼줘" is "콜라 빼줘")."""
    text = _POLITE_END.sub("", without_fillers(" ".join(text.split())))
    return _CART_WORDS.sub("", text)


def target_of(said: str | None) -> str | None:
    """The name said, or None when the words only point back ("아까 그거", "")."""
    if said is None:
        return None
    words = said.strip()
    words = re.sub(r"(?:을|를|은|는|도|에서|이랑|랑)$", "", words).strip() if len(words) > 2 else words
    if not words or REFERENCES.match(words):
        return None
    return words


def command(text: str) -> Command | None:
    """The cart command the message states, or None when it states none (an item to add, a question)."""
    if _CANCEL_ORDER.search(text):
        return CancelOrder()
    if _CLEAR.search(text):
        return ClearCart()
    said = clean(text)
    if not said:
        return None
    found = _REMOVE.match(said)
    if found:
        target = found.group("target").strip()
        if _ALL.match(target):
            return ClearCart()
        return Remove(target_of(target), count(found.group("qty")) if found.group("qty") else None)
    found = _MORE.match(said)
    if found:
        return More(target_of(found.group("target")), count(found.group("qty")))
    found = _SET_QUANTITY.match(said)
    if found:
        return SetQuantity(target_of(found.group("target")), count(found.group("qty")))
    found = _REVERT.match(said)
    if found:
        return Revert(target_of(found.group("target")))
    found = _TO_SINGLE.match(said)
    if found:
        return ToSingle(target_of(found.group("target")))
    found = _TO_SET.match(said)
    if found and (not found.group("target").strip() or re.search(r"바꿔|바꾸|변경|업그레이드", said)):
        return ToSet(target_of(found.group("target")))
    found = _EXTRA.match(said)
    if found and (target := target_of(found.group("target"))) is not None:
        return Extra(target)
    changes = changes_in(said)
    if changes:
        return changes[0]
    return None


def changes_in(text: str) -> list[Change]:
    """Option changes stated anywhere in the text ("불고기버거 세트 하나, 콜라는 사이다로")."""
    said = clean(text)
    found: list[Change] = []
    instead = _INSTEAD.search(said)
    if instead:
        found.append(Change(((instead.group("source"), instead.group("target").strip()),)))
        return found
    for match in _CHANGE.finditer(said):
        change = _reading(match.group("left"))
        if change is not None:
            found.append(change if _explicit(match, change) else Change(change.splits, explicit=False))
    return found


def _explicit(match: re.Match[str], change: Change) -> bool:
    """Said with a change verb ("바꿔줘", "변경") or a topic ("콜라는 사이다로")."""
    if _STRONG_VERB.search(match.group(0)[len(match.group("left")) :]):
        return True
    return len(change.splits) == 1 and change.splits[0][0] is not None


def without_changes(text: str) -> str:
    """The text with its option-change phrases removed, for reading the items it adds."""
    said = clean(text)
    said = _INSTEAD.sub(" ", said)
    for match in reversed(list(_CHANGE.finditer(said))):
        left = match.group("left")
        change = _reading(left)
        if change is None or not _explicit(match, change):
            continue
        words = left.split()
        topic = next((i for i, word in enumerate(words) if _TOPIC.match(word)), None)
        keep = words[:topic] if topic is not None else words[:-2]
        if topic is None and keep and group_of_word(keep[-1]) is not None:
            keep = keep[:-1]  # "감자튀김 양념감자 칠리로": the group named is what changes, not an item to add
        said = said[: match.start()] + " ".join(keep) + " " + said[match.end() :]
    return " ".join(said.split())


def _reading(left: str) -> Change | None:
    words: list[str] = []
    for word in left.split():
        if words and (word.startswith("(") or word.lower() in _VARIANT_TAILS):
            words[-1] = f"{words[-1]} {word}"  # "양념감자 (칠리)", "콜라 라지" name one thing
        else:
            words.append(word)
    if not words or words[-1] == "세트" or words[-1].endswith(" 세트"):
        return None  # "불고기버거 세트로 주세요" orders a set
    topic = next((i for i, word in enumerate(words) if _TOPIC.match(word)), None)
    if topic is None and len(words) >= 2 and group_of_word(words[-2]) is not None:
        topic = len(words) - 2  # "(불고기버거 세트) 음료 사이다로": the group named is what changes
        return Change(((words[topic], words[-1]),))
    if topic is not None and topic + 1 < len(words):
        source = _TOPIC.match(words[topic])
        assert source is not None
        target = " ".join(words[topic + 1 :])
        return None if _NOT_A_NAME.match(target) else Change(((source.group("word"), target),))
    if len(words) == 1:
        return None if _NOT_A_NAME.match(words[0]) or re.fullmatch(_NUMBER, words[0]) else Change(((None, words[0]),))
    splits: list[tuple[str | None, str]] = []
    for cut in range(len(words) - 1, 0, -1):
        splits.append((" ".join(words[:cut]), " ".join(words[cut:])))
    splits.append((None, " ".join(words)))
    return Change(tuple(splits))


# ---- questions asked while ordering -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AskTotal:
    """ "얼마야?", "총 얼마야?": what the cart comes to."""


@dataclass(frozen=True, slots=True)
class AskPrice:
    """ "치즈버거 얼마야?": a product's price; ``target`` None for the line touched last ("이거 얼마야?")."""

    target: str | None


@dataclass(frozen=True, slots=True)
class AskSpicy:
    """ "이거 매워?", "매운 치킨버거 맵나?": whether it is hot; ``target`` None for the line touched last."""

    target: str | None


@dataclass(frozen=True, slots=True)
class AskCheapest:
    """ "제일 싼 거 뭐야?", "제일 싼 버거는?": the ``MenuKind`` asked about ("버거" -> main), None for anything."""

    kind: str | None


@dataclass(frozen=True, slots=True)
class ShowMenu:
    """ "메뉴 보여줘", "메뉴판", "뭐 팔아?"."""


@dataclass(frozen=True, slots=True)
class AskOrderStatus:
    """ "주문 들어갔어?", "주문 됐어?": what became of the order placed."""


Question = AskTotal | AskPrice | AskSpicy | AskCheapest | ShowMenu | AskOrderStatus

_ASKING = r"(?:야|예요|에요|이에요|인가요|인가|인데|일까|이지|지|죠|니|냐|나|나요|요|여|예여)?"
_ORDER_STATUS = re.compile(
    r"(?:주문|시킨\s*거|시킨\s*것)\s*(?:이|은|한\s*거|한\s*것|했던\s*거|내역)?\s*(?:잘\s*|제대로\s*|다\s*|혹시\s*)?"
    r"(?:들어갔|들어감|됐|되었|됬|된\s*거|접수|전달|갔|받았|어떻게\s*(?:됐|되었|돼|되고)|어디까지|상태|진행)"
    r"|주문\s*(?:이|은)?\s*(?:잘\s*)?취소\s*(?:됐|되었|된\s*거)|^(?:접수|취소)\s*(?:됐|되었|했)"
)
_TOTAL = re.compile(
    rf"^(?:(?:그래서|지금|이렇게|다|총|전부|모두|합쳐서|해서|전체|합계|총액|장바구니|계산|금액|가격|돈|내야\s*할\s*돈)"
    rf"\s*(?:은|는|이|가|도|에|으로|로)?\s*)*(?:얼마|몇\s*원){_ASKING}$|^(?:합계|총액|총\s*금액)\s*(?:은|는)?$"
)
_PRICE = re.compile(rf"^(?P<target>.+?)\s*(?:은|는|이|가)?\s*(?:가격|값)?\s*(?:은|는|이)?\s*(?:얼마|몇\s*원){_ASKING}$")
_SPICY = re.compile(
    r"^(?P<target>.*?)\s*(?:은|는|이|가|도)?\s*(?:많이|좀|너무|완전|진짜|안|덜|조금|약간)?\s*"
    r"(?:매워|맵[가-힣]*(?:\s*않아)?|매운가|매운지|매운\s*거야|매운\s*거예요|매운\s*맛이야|매운\s*맛이에요|매콤해|매콤한가)"
    rf"{_ASKING}$"
)
_CHEAPEST = re.compile(
    r"(?:제일|가장|젤|젤로|최고로)\s*(?:싼|싸게|저렴한)\s*(?P<what>[가-힣]*)|^싼\s*(?P<plain>거|것|메뉴)"
)
_CHEAPEST_THING = re.compile(r"^(?:거|것|걸|건|게|메뉴)?(?:는|은|이|가)?$")
_SHOW_MENU = re.compile(
    r"메뉴\s*(?:판|표)|메뉴\s*(?:가|는|에|에는)?\s*(?:좀\s*|다\s*|전부\s*)?(?:보여|알려|볼래|보자|봐|뭐|머|뭣|있|주세요|줘)"
    r"|(?:뭐|뭘|무엇)\s*(?:뭐\s*)?(?:팔|파는|있어|있나|있냐|있니|있어요|있나요|있지)|무슨\s*메뉴"
)


def question(text: str) -> Question | None:
    """The question about the order the message asks, or None when it asks none the order answers."""
    said = without_fillers(" ".join(text.split())).rstrip(" ?？!.~")
    if _ORDER_STATUS.search(said):
        return AskOrderStatus()
    if _TOTAL.match(said):
        return AskTotal()
    found = _CHEAPEST.search(said)
    if found is not None:
        return _cheapest(found)
    found = _SPICY.match(said)
    if found is not None:
        return AskSpicy(target_of(found.group("target")))
    found = _PRICE.match(said)
    if found is not None:
        return AskPrice(target_of(found.group("target")))
    if _SHOW_MENU.search(said):
        return ShowMenu()
    return None


def _cheapest(found: re.Match[str]) -> AskCheapest | None:
    """ "제일 싼 거" asks about anything, "제일 싼 버거" about burgers; "제일 싼 데" asks for a place (the
    recommender's question), so it is none of the order's."""
    if found.group("plain"):
        return AskCheapest(None)
    what = found.group("what")
    if _CHEAPEST_THING.match(what):
        return AskCheapest(None)
    kind = kind_of_word(re.sub(r"(?:는|은|이|가|중에|중에서)$", "", what))
    return AskCheapest(kind) if kind is not None else None
