"""Masking personal data in text kept for analysis: phone and card numbers, e-mail, street addresses, names."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
_PHONE = re.compile(
    r"(?<!\d)(?:\+?82[ -]?)?0?1[016789][ -]?\d{3,4}[ -]?\d{4}(?!\d)|(?<!\d)0\d{1,2}[ -]\d{3,4}[ -]\d{4}(?!\d)"
)
_ROAD_ADDRESS = re.compile(r"[가-힣0-9]+(?:로|길)(?:\s?\d+(?:번)?길)?\s?\d+(?:-\d+)?(?:\s?\d+동)?(?:\s?\d+호)?")
_LOT_ADDRESS = re.compile(r"[가-힣]+동\s?\d+(?:-\d+)?번지")
# A name is only taken when a copula follows it ("저는 김민수예요"), so "저는 떡볶이 좋아해요" keeps its words.
_NAME = re.compile(
    r"(저는|제\s?이름은|내\s?이름은)\s?([가-힣]{2,4})(?=\s?(?:이?에요|이?예요|입니다|이야|야|이고|인데|이?라고))"
)

_NOT_NAMES = frozenset(
    {"매운", "배고파", "배고픈", "학생", "중학생", "초등학생", "고등학생", "괜찮아", "한식", "치킨", "지금"}
)


def mask_pii(text: str) -> str:
    """The text with personal data replaced by tags such as ``[전화번호]``; used before anything is stored."""
    text = _EMAIL.sub("[이메일]", text)
    text = _CARD.sub("[카드번호]", text)
    text = _PHONE.sub("[전화번호]", text)
    text = _LOT_ADDRESS.sub("[주소]", text)
    text = _ROAD_ADDRESS.sub("[주소]", text)
    return _NAME.sub(_mask_name, text)


def _mask_name(match: re.Match[str]) -> str:
    if match.group(2) in _NOT_NAMES:
        return match.group(0)
    return f"{match.group(1)} [이름]"
