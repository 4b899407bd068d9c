"""The gate's labelled examples (examples/*.txt, written for kkini) and their fixed held-out split.

Each assistant's in-scope examples are its own file; its out-of-scope examples are the shared off-topic file, the
other-marketplace file and the other assistant's examples that clearly belong there (a line of meal_in.txt about the
card or food is out of the seller's scope; a line of seller_in.txt about selling is out of the meal assistant's).
Generic lines such as "알림 끄는 법" are not used against the other assistant: they would be noise, not signal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

HELD_OUT_EVERY = 5
"""Every fifth line of every file (the third of each five) is held out for calibration."""

_MEAL_MARKERS = re.compile(
    r"급식|꿈나무|드림|끼니|먹|배고|식당|밥|메뉴|버거|편의점|떡볶이|분식|김밥|치킨|피자|과자|음료|잔액|한도|"
    r"한\s?끼|가맹점|충전|세트|토핑|알레르기|매운|가게"
)
_SELLER_MARKERS = re.compile(
    r"스토어|판매|상품|정산|셀러|수수료|반품|교환|세금|부가세|사업자|광고|톡톡|네이버|구매자|고객|발송|송장|택배|"
    r"배송|리뷰|구매평|라이브|입점|페널티|등급|카테고리|옵션|심사|서류|통신판매|매출|인증"
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    in_scope: bool
    source: str
    """The file it comes from ("seller_in", "common_out", ...)."""
    held_out: bool
    """Whether the fixed split keeps it for calibration rather than training."""


def read_lines(name: str) -> tuple[str, ...]:
    """The example lines of examples/<name>.txt, comments and blank lines skipped."""
    raw = resources.files("knowledge.gate").joinpath("examples").joinpath(f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


def _labelled(name: str, in_scope: bool, keep: re.Pattern[str] | None = None) -> list[Example]:
    return [
        Example(text, in_scope, name, i % HELD_OUT_EVERY == 2)
        for i, text in enumerate(read_lines(name))
        if keep is None or keep.search(text)
    ]


def seller_examples() -> list[Example]:
    """Seller in-scope lines, and everything else (off-topic, other marketplaces, meal card and food) as out."""
    return (
        _labelled("seller_in", True)
        + _labelled("common_out", False)
        + _labelled("marketplaces_out", False)
        + _labelled("meal_in", False, _MEAL_MARKERS)
    )


def meal_examples() -> list[Example]:
    """Meal in-scope lines, and off-topic, other marketplaces and selling questions as out."""
    return (
        _labelled("meal_in", True)
        + _labelled("common_out", False)
        + _labelled("marketplaces_out", False)
        + _labelled("seller_in", False, _SELLER_MARKERS)
    )
