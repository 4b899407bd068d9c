"""What an order message puts in the cart: [{"name", "quantity", "options"}], names and options as said.

"불고기버거 세트 하나 주세요, 감자는 양념감자로 변경" -> [{"name": "불고기버거 세트", "quantity": 1,
"options": ["감자 양념감자로 변경"]}]. Matching the names against the catalogue is the ordering tool's job; this
only cuts the message into items, counts and option phrases.

People talk while they order: "아 그럼 불고기버거 세트로 할래", "음 치즈버거 먹고 싶어", "저기 혹시 콜라 좀 하나만
주세요". The fillers ("아", "그럼", "저기", "좀") are no part of any name, so they are dropped before the message is
cut (`without_fillers`), and wish endings ("먹고 싶어", "시킬래") are cut off like "주세요".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dialogue.nlu.lexicon import NATIVE_NUMBERS

_COUNTERS = r"(?:개|잔|세트|그릇|인분|판|마리|조각|캔|병|줄|봉지|접시|명분)"
_QUANTITY = re.compile(
    rf"(?<![가-힣\d])(?:(?P<digits>\d{{1,2}}) ?{_COUNTERS}?|(?P<native>한|두|세|네|다섯|여섯|일곱|여덟|아홉|열) ?{_COUNTERS}|"
    rf"(?P<word>하나|둘|셋|넷))(?=$|[^가-힣]|씩|만|요|랑|이랑|하고|에|더|로|를|을|만요)"
)
_OPTION_PATTERNS = (
    re.compile(r"(?P<opt>(?:[가-힣a-z0-9]+(?:은|는)? )?[가-힣a-z0-9]+ ?(?:으로|로) ?(?:변경|바꿔|바꾸|교체)[가-힣]*)"),
    re.compile(r"(?P<opt>[가-힣a-z0-9]+ 대신(?: 에)? [가-힣a-z0-9]+(?:으로|로)?)"),
    re.compile(r"(?P<opt>[가-힣a-z0-9]+(?:은|는) [가-힣a-z0-9]+(?:으로|로))(?= |$)"),
    re.compile(r"(?P<opt>[가-힣a-z0-9]+ ?(?:빼고|빼서|빼주세요|빼 ?줘|없이|추가로|많이|적게|따로))"),
    re.compile(r"(?P<opt>(?:음료|감자|사이드|소스)(?:는|은)? ?[가-힣a-z0-9]+(?:으로|로))"),
    re.compile(r"(?P<opt>(?:라지|미디움|곱빼기|사이즈 ?업|큰 ?걸)(?:으로|로)?)"),
)
_REQUEST_TAIL = re.compile(
    r"\s*(?:(?:을|를|도|은|는)\s*)?(?:주문할게요|주문할게|주문할래|주문해\s*줘|주문하고\s*싶어요?|주문|주세요|주세용|주시겠어요|"
    r"주실래요|줄래요|줄래|줘요|줘용|줘|주라|할게요|할게|할래요|할래|하고\s*싶어요?|"
    r"담아\s*주세요|담아\s*줘|담아|넣어\s*주세요|넣어\s*줘|넣어|추가해\s*주세요|추가해\s*줘|추가요|추가|시킬게요|시킬게|"
    r"시킬래요|시킬래|시켜\s*주세요|시켜\s*줘|시키고\s*싶어요?|먹고\s*싶어요?|먹고\s*싶은데|먹을래요|먹을래|먹을게요|먹을게|"
    r"싶어요|싶어|원해요|원해|부탁해요|부탁해|포장이요|포장|요|더)\s*[.!?~]*$"
)
_FILLERS = re.compile(
    r"(?:아|앗|어+|음+|으+음|흠+|흐음|엄+|그럼|그러면|그렇다면|그럼요|저기|저기요|저어|혹시|좀|그냥|일단|우선|아무튼|암튼|"
    r"그걸로|이걸로|그거로|이거로|제발)"
)
"""Words that are no part of an order wherever they stand: hesitations, "그럼", "혹시", "좀", "그걸로"."""
_OPENERS = re.compile(
    r"(?:네+|넹|넵|응+|웅+|예|오+|오케이|오키|ㅇㅋ|ㅇㅇ|좋아|좋아요|그래|그래요|아니|아니요|아냐|근데|그런데|그리고|"
    r"나|난|나는|내가|저|전|저는|제가|우리|우린)"
)
"""Words that open a reply and only there are no part of an order ("네 개" is four, "저" may be a name's part)."""
_TOKEN_PUNCTUATION = re.compile(r"^(?P<word>.*?)[,.~!?…]*$")
_JOINERS = re.compile(r"\s*(?:,|\+|&|그리고|(?<=[가-힣])(?:이랑|랑|하고|과|와)(?= ))\s*")
_PARTICLE = re.compile(r"(?:을|를|은|는|도|으로|로|이요|요)$")


@dataclass(frozen=True, slots=True)
class MenuPiece:
    """One item an order message names, with how it was said: ``counted`` (a quantity was said) and ``joined`` (a
    joiner such as "랑" or "," came before it). "불고기버거 세트 하나 사이다로" says 사이다 with neither: the set's
    drink, not a drink of its own."""

    name: str
    quantity: int = 1
    options: list[str] = field(default_factory=list)
    counted: bool = False
    joined: bool = False

    def as_entity(self) -> dict[str, Any]:
        return {"name": self.name, "quantity": self.quantity, "options": list(self.options)}


def without_fillers(text: str) -> str:
    """``text`` without the fillers of speech (`_FILLERS` anywhere, `_OPENERS` at the start); punctuation that only
    followed a filler ("아, 그럼") goes with it."""
    words = text.split()
    kept: list[str] = []
    for at, word in enumerate(words):
        found = _TOKEN_PUNCTUATION.match(word)
        bare = found.group("word") if found else word
        counts = at + 1 < len(words) and re.match(_COUNTERS, words[at + 1]) is not None  # "네 개로 해줘"
        if _FILLERS.fullmatch(bare) or (not kept and not counts and _OPENERS.fullmatch(bare)):
            continue
        kept.append(word)
    return " ".join(kept)


def _count(match: re.Match[str]) -> int:
    if match.group("digits"):
        return int(match.group("digits"))
    word = match.group("native") or match.group("word")
    return NATIVE_NUMBERS.get(word, 1)


def _strip_tail(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _REQUEST_TAIL.sub("", text).strip()
    return text


def menu_items(text: str) -> list[dict[str, Any]]:
    """The items an order message names, in order; empty when it names none ("그걸로 주세요")."""
    return [piece.as_entity() for piece in menu_pieces(text)]


def menu_pieces(text: str) -> list[MenuPiece]:
    """`menu_items` with how each item was said (`MenuPiece`)."""
    options: list[tuple[int, str]] = []
    rest = without_fillers(text)
    for pattern in _OPTION_PATTERNS:
        for match in pattern.finditer(rest):
            options.append(
                (match.start(), " ".join(match.group("opt").replace("은 ", " ").replace("는 ", " ").split()))
            )
        rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
    items: list[MenuPiece] = []
    starts: list[int] = []
    position = 0
    for number, chunk in enumerate(_JOINERS.split(rest)):
        offset = rest.find(chunk, position)
        position = max(offset, position) + len(chunk)
        for index, (piece, piece_start) in enumerate(_pieces(chunk, max(offset, 0))):
            name = _strip_tail(piece)
            quantity = 1
            found = _QUANTITY.search(name)
            if found:
                quantity = _count(found)
                name = (name[: found.start()] + name[found.end() :]).strip()
            name = _PARTICLE.sub("", _strip_tail(name)).strip()
            if len(name.replace(" ", "")) < 2 or name in {
                "이거",
                "그거",
                "이걸",
                "그걸",
                "저거",
                "같은 걸",
                "아까 그거",
            }:
                continue
            joined = number > 0 and index == 0
            items.append(MenuPiece(" ".join(name.split()), quantity, [], found is not None, joined))
            starts.append(piece_start)
    for at, option in options:
        owner = max((i for i, start in enumerate(starts) if start <= at), default=len(items) - 1)
        if items:
            items[owner].options.append(option)
    return items


def _pieces(chunk: str, offset: int) -> list[tuple[str, int]]:
    """Cut "짜장면 하나 짬뽕 하나" after each quantity into one piece per item."""
    pieces: list[tuple[str, int]] = []
    start = 0
    for match in _QUANTITY.finditer(chunk):
        if chunk[match.end() :].strip() and _strip_tail(chunk[match.end() :]).strip():
            pieces.append((chunk[start : match.end()], offset + start))
            start = match.end()
    pieces.append((chunk[start:], offset + start))
    return [(piece.strip(), at) for piece, at in pieces if piece.strip()]
