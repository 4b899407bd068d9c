"""Korean money in every written form, as int won.

Children write 5천원, 오천원, 5,000원, 5000원, 만 원, 만 오천원, 1.5만원, 1만5천원, 칠천오백원 and, when the sentence
says money, a bare 5000 ("5000으로 뭐 먹지"). Counts (2명, 3개), clock times (3시, 12:30), dates (3월 5일) and
phone numbers are not money. ``find_amounts`` scans a message; ``parse_won`` reads one expression;
``to_hangul`` / ``to_mixed`` / ``to_digits`` write an int back in the forms users type (used by the tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HANGUL_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000}
_HD = "일이삼사오육칠팔구"
_UNITS = "십백천만억"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_GROUP = rf"(?:(?:{_NUMBER}) ?[{_UNITS}]{{0,3}}|[{_HD}]?[{_UNITS}]{{1,3}})"
_SPAN = re.compile(
    rf"(?:(?<![가-힣])(?=[{_HD}{_UNITS}])|(?<![\d.,])(?=\d))"
    rf"(?P<num>{_GROUP}(?:(?<=[{_UNITS}]) ?{_GROUP})*(?:(?<=[{_UNITS}]) ?[{_HD}](?= ?원))?)(?P<won> ?원)?(?P<each> ?짜리)?"
)
# What follows a number when it counts people, things, time or distance rather than money.
_COUNTER = re.compile(
    r" ?(?:명|개|시|분|초|살|세|번|층|호|인분|인|월|일|년|주|학년|반|등|위|박|병|잔|그릇|조각|판|마리|장|권|km|cm|kg|"
    r"mm|ml|m|g|l|%|퍼|프로|점|회|차|줄|캔|봉지|달|개월|동|칼로리|kcal|리터|석|평|미터|키로|킬로|명이|사람|배|등분|"
    r"가지|곳|군데|정거장|시간|원어치)"
)
# After 원: words that begin with 원 and are no money ("100 원래", "원하는").
_NOT_WON = re.compile(r"원(?:래|하|룸|피스|숭|형|두|주|조|어민|장님|서|작|본|인|리|칙|활|망|정)")
# Particles and words that make a number without 원 read as money ("오천으로", "3000밖에", "5천 정도").
_MONEY_TAIL = re.compile(
    r" ?(?:으로|로|밖에|정도|쯤|이하|이내|안쪽|안으로|까지|내외|선|이면|면|있|남|뿐|이상|넘|가지고|갖고|들고|짜리|내로|"
    r"예산|어치|에 |에$|이랑|하고|$|[?!.~,])"
)
_SEPARATOR_NEAR = re.compile(r"[\d][:/\-]$|^[:/\-]\d")


@dataclass(frozen=True, slots=True)
class Amount:
    """One amount of money found in a message; ``start``/``end`` index the scanned string."""

    value: int
    start: int
    end: int
    text: str
    explicit: bool
    """True when 원 or 짜리 was written, False when the amount was read from a bare number and its context."""


def parse_won(expression: str) -> int | None:
    """The value of one number expression ("1만5천", "칠천오백", "5,000", "1.5만"), or None when it is not one.

    A trailing 원 and spaces are allowed; units must fall within each 만-section (천 after 백 is rejected).
    """
    text = expression.replace(" ", "").replace(",", "").removesuffix("원")
    if not text:
        return None
    total = 0.0
    section = 0.0
    current: float | None = None
    last_small = 10_000
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit():
            if current is not None:
                return None
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            try:
                current = float(text[i:j])
            except ValueError:
                return None
            i = j
            continue
        if ch in _HANGUL_DIGITS:
            if current is not None:
                return None
            current = float(_HANGUL_DIGITS[ch])
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            section += (1 if current is None else current) * unit
            last_small, current = unit, None
        elif ch in _BIG_UNITS:
            value = section + (current or 0)
            total += (value if value else 1) * _BIG_UNITS[ch]
            section, current, last_small = 0, None, 10_000
        else:
            return None
        i += 1
    result = total + section + (current or 0)
    if result <= 0 or abs(result - round(result)) > 1e-6:
        return None
    return round(result)


def _is_money(text: str, match: re.Match[str], value: int) -> bool:
    before, after = text[: match.start()], text[match.end() :]
    number = match.group("num")
    if _SEPARATOR_NEAR.search(before[-2:] + number[:1]) or _SEPARATOR_NEAR.search(number[-1:] + after[:2]):
        return False
    if match.group("won"):
        return not _NOT_WON.match(match.group("won").strip() + after[:3])
    if match.group("each"):
        return value >= 100
    if _COUNTER.match(after):
        return False
    has_unit = any(ch in "천만억" for ch in number)
    starts_with_digit = number[0].isdigit()
    if has_unit and starts_with_digit:
        return value >= 1000
    if has_unit:
        # 오천으로 / 만오천 정도; a lone 천 or 만 needs 원 ("만 먹어", "천천히").
        return len(number.replace(" ", "")) >= 2 and bool(_MONEY_TAIL.match(after))
    if not number.replace(",", "").replace(".", "").isdigit() or "." in number:
        return False
    if value >= 1000 and value % 10 == 0:
        return True
    return value >= 100 and value % 100 == 0 and bool(_MONEY_TAIL.match(after)) and after.strip() != ""


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in ``text`` (a cleaned message), in order of appearance."""
    found: list[Amount] = []
    for match in _SPAN.finditer(text):
        number = match.group("num").rstrip()
        value = parse_won(number)
        if value is None or not _is_money(text, match, value):
            continue
        found.append(
            Amount(value, match.start(), match.end(), match.group(0), bool(match.group("won") or match.group("each")))
        )
    return found


def first_amount(text: str) -> int | None:
    """The first amount of money in ``text``, or None."""
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None


def _section_hangul(n: int) -> str:
    out = []
    for unit, name in ((1000, "천"), (100, "백"), (10, "십")):
        digit, n = divmod(n, unit)
        if digit:
            out.append(("" if digit == 1 else _hangul_digit(digit)) + name)
    if n:
        out.append(_hangul_digit(n))
    return "".join(out)


def _hangul_digit(d: int) -> str:
    return _HD[d - 1]


def to_hangul(won: int, spaced: bool = False, suffix: str = "원") -> str:
    """``won`` in Sino-Korean words: 15000 -> "만오천원" ("만 오천원" with ``spaced``)."""
    if won <= 0:
        raise ValueError("amounts are positive")
    parts = []
    for unit, name in ((100_000_000, "억"), (10_000, "만")):
        head, won = divmod(won, unit)
        if head:
            parts.append(("" if head == 1 else _section_hangul(head)) + name)
    if won:
        parts.append(_section_hangul(won))
    return (" " if spaced else "").join(parts) + suffix


def to_mixed(won: int, spaced: bool = False, suffix: str = "원") -> str:
    """``won`` in digits with units, as typed on phones: 15000 -> "1만5천원", 3500 -> "3천500원"."""
    if won <= 0:
        raise ValueError("amounts are positive")
    parts = []
    head, rest = divmod(won, 10_000)
    if head:
        parts.append(f"{head}만")
    thousands, rest = divmod(rest, 1000)
    if thousands:
        parts.append(f"{thousands}천")
    if rest:
        parts.append(str(rest))
    return (" " if spaced else "").join(parts) + suffix


def to_digits(won: int, commas: bool = True, suffix: str = "원") -> str:
    """``won`` in plain digits: 15000 -> "15,000원" (or "15000원")."""
    return (f"{won:,}" if commas else str(won)) + suffix
