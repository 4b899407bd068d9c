"""Masking personal data in text kept for analysis and in log lines: e-mail addresses, resident registration
numbers, card and phone numbers, street addresses and names.

Each kind is matched by its shape and then checked, so that ordinary text keeps its numbers: a card number must
pass the Luhn check, a resident registration number must start with a real birth date and a matching century
digit, a phone number needs a Korean prefix, and a road name followed by a number is only an address with
something more that says so (a city or district before it, a 번길, a floor or unit after it, a word such as 주소).
"사이다로 2개", "1000 2000 3000 4000원" and "seconds=0.123456789012" are kept as written.

A number is looked for only where one starts: not inside a word or identifier (``user_01012345678``), a decimal
(``0.123…``) or a negative number (``-1001234567890``); and only where it ends: no digit, letter or decimal part
follows.
"""

from __future__ import annotations

import re
from datetime import date

EMAIL_TAG = "[이메일]"
RRN_TAG = "[주민등록번호]"
CARD_TAG = "[카드번호]"
PHONE_TAG = "[전화번호]"
ADDRESS_TAG = "[주소]"
NAME_TAG = "[이름]"

_STARTS = r"(?<![0-9A-Za-z_+\-])(?<![0-9][.,])"
_ENDS = r"(?![0-9A-Za-z_])(?![.,][0-9])"

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])")

# YYMMDD, an optional dash or space, the century and sex digit (1-4, 5-8 for foreigners), six more digits (or the
# six stars of a number already half masked).
_RRN = re.compile(_STARTS + r"(\d{2})(\d{2})(\d{2})[- ]?([1-8])(?:\d{6}|\*{6})" + _ENDS)

# Digit groups joined by single spaces, dashes or dots; _card decides which run of them, if any, is a card.
_DIGIT_RUN = re.compile(_STARTS + r"\d+(?:[ .-]\d+)*" + _ENDS)
_SEPARATOR = re.compile(r"[ .-]")
# Four groups of four with one kind of separator, the way a card is printed: a card even when a digit was mistyped.
_PRINTED_CARD = re.compile(r"\d{4}([ -])\d{4}\1\d{4}\1\d{4}")

# Mobile (010, 011, 016-019), Seoul (02), other areas (031-064), 070, 080 and 050x, with +82 instead of the 0.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z_+\-])(?<![0-9][.,])(?:\+82[-. ]?(?:\(0\)|0)?|0)"
    r"(?:1[016789]|2|[3-6][1-5]|70|80|50[2-8])[-. ]?\d{3,4}[-. ]?\d{4}" + _ENDS
)

# What a number followed by one of these counts or measures: an amount, a quantity, a time, not an address part.
_UNIT = re.compile(
    r"(?:개|원|잔|병|캔|명|인분|인|세트|조각|마리|그릇|판|장|컵|봉지|봉|팩|줄|알|박스|통|시|분|초|일|주|달|년|살|"
    r"학년|반|등|위|배|퍼센트|%|단계|가지|종|회|차|번째|번|점|만|천|백|(?:kg|g|ml|km|cm|m)(?![A-Za-z]))"
)
# What makes a long number an amount rather than a card: "1000 2000 3000 4000원".
_AMOUNT_UNIT = re.compile(r"\s?(?:원|개|만|천|억|조|%)")

_AREA = (
    r"(?:서울|부산|대구|인천|광주|대전|울산|세종|제주|경기|강원|충북|충남|전북|전남|경북|경남|"
    r"[가-힣]{2,}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구|읍|면|동)|[중동서남북]구)"
)
_ROAD_ADDRESS = re.compile(
    rf"(?P<area>(?:{_AREA}\s)+)?"
    r"(?P<road>[가-힣0-9]*[가-힣](?:로|길))"
    r"(?P<lane>\s?\d{1,4}(?:번)?길)?"
    r"\s?(?P<number>\d{1,5}(?:-\d{1,4})?)(?![0-9])(?![.,][0-9])"
    r"(?P<detail>(?:,?\s?\d{1,4}(?:동|호|층)|\s?\([가-힣0-9, ]+\))*)"
)
# Words around a road name and number that say it is where someone lives or wants food brought.
_LANE_IN_NAME = re.compile(r"\d번?길$")  # "중앙로12번길": the lane written into the road's name
_ADDRESS_CUE = re.compile(r"주소|우리\s?집|저희\s?집|제\s?집|집은|집이|사는\s?곳|살아|살고")
_CUE_WINDOW = 20
_LOT_ADDRESS = re.compile(
    r"[가-힣]{2,}(?:동|리|가)\s?\d{1,4}(?:-\d{1,4})?번지|[가-힣]{2,}(?:동|리)\s?\d{1,4}-\d{1,4}(?![0-9])(?!"
    + _UNIT.pattern
    + ")"
)
_UNIT_NUMBER = re.compile(r"(?<![0-9])\d{1,4}동\s?\d{1,4}호")

# A name is only taken when a copula follows it ("저는 김민수예요"), so "저는 떡볶이 좋아해요" keeps its words; the
# shortest one, so that the copula's 이 stays out of it ("저는 학생이에요" is 학생, not a name).
_NAME = re.compile(
    r"(저는|제\s?이름은|내\s?이름은)\s?([가-힣]{2,4}?)(?=\s?(?:이?에요|이?예요|입니다|이야|야|이고|인데|이?라고))"
)
_NOT_NAMES = frozenset(
    {"매운", "배고파", "배고픈", "학생", "중학생", "초등학생", "고등학생", "괜찮아", "한식", "치킨", "지금"}
)


def mask_pii(text: str) -> str:
    """The text with personal data replaced by tags such as ``[전화번호]``; used before anything is stored or logged.

    Masking twice changes nothing more: the tags hold no digits.
    """
    text = _EMAIL.sub(EMAIL_TAG, text)
    text = _RRN.sub(_rrn, text)
    text = _DIGIT_RUN.sub(_card, text)
    text = _PHONE.sub(PHONE_TAG, text)
    text = _LOT_ADDRESS.sub(ADDRESS_TAG, text)
    text = _ROAD_ADDRESS.sub(_road_address, text)  # before unit numbers: "…로 152, 101동 1203호" is one address
    text = _UNIT_NUMBER.sub(ADDRESS_TAG, text)
    return _NAME.sub(_name, text)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check that every card number carries in its last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _rrn(match: re.Match[str]) -> str:
    if _AMOUNT_UNIT.match(match.string, match.end()):
        return match.group(0)  # "1312091000000원": an amount
    year, month, day, century = (int(group) for group in match.groups())
    born_year = (1900 if century in (1, 2, 5, 6) else 2000) + year
    try:
        born = date(born_year, month, day)
    except ValueError:
        return match.group(0)
    return RRN_TAG if born <= date.today() else match.group(0)


def _card(match: re.Match[str]) -> str:
    """The run of digit groups with the card numbers in it masked.

    Spaces split a run into words; a card is one word (``1234-5678-9012-3456``, ``4111111111111111``) or a few
    words in a row (``1234 5678 9012 3456``), never part of a word: the groups of ``0.123456789012`` stay one decimal.
    """
    run = match.group(0)
    if sum(char.isdigit() for char in run) < 13:
        return run
    words = run.split(" ")
    after = match.string[match.end() :]
    kept: list[str] = []
    start = 0
    while start < len(words):
        end = _card_ending(words, start, after)
        if end is None:
            kept.append(words[start])
            start += 1
        else:
            kept.append(CARD_TAG)
            start = end
    return " ".join(kept)


def _card_ending(words: list[str], start: int, after: str) -> int | None:
    """Where the card number that begins at ``words[start]`` ends (exclusive), or None when none begins there."""
    for end in range(len(words), start, -1):
        candidate = words[start:end]
        groups = [group for word in candidate for group in _SEPARATOR.split(word)]
        digits = "".join(groups)
        if not 13 <= len(digits) <= 19 or not (luhn_valid(digits) or _PRINTED_CARD.fullmatch(" ".join(candidate))):
            continue
        if len(groups) == 1:
            if len(digits) < 14:  # a bare 13 digits is a millisecond timestamp far more often than a card
                continue
        elif len(groups[0]) != 4 or not all(3 <= len(group) <= 6 for group in groups):
            continue
        if len(candidate) > 1 and all(word.endswith("00") for word in candidate):
            continue  # "1000 2000 3000 4000": a list of amounts
        if end == len(words) and _AMOUNT_UNIT.match(after):
            continue  # "... 4000원": an amount
        return end
    return None


def _road_address(match: re.Match[str]) -> str:
    road = match.group("road")
    if road.endswith("으로"):
        return match.group(0)  # the particle ("매운맛으로 2"): no road name ends in 으로
    if not match.group("detail") and _UNIT.match(match.string, match.end()):
        return match.group(0)  # "사이다로 2개": a quantity
    before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
    after = match.string[match.end() : match.end() + _CUE_WINDOW]
    evidence = (
        match.group("area")
        or match.group("lane")
        or _LANE_IN_NAME.search(road)
        or match.group("detail")
        or "-" in match.group("number")
        or _ADDRESS_CUE.search(before)
        or _ADDRESS_CUE.search(after)
    )
    if not evidence:
        return match.group(0)
    return (match.group("area") or "") + ADDRESS_TAG


def _name(match: re.Match[str]) -> str:
    if match.group(2) in _NOT_NAMES:
        return match.group(0)
    return f"{match.group(1)} {NAME_TAG}"
