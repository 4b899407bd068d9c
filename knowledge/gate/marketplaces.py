"""The marketplace rule: a question naming another shopping platform, and not SmartStore or Naver, is not ours.

Names are matched on the folded text (lower case, punctuation as spaces). Ambiguous everyday words are matched only in
unambiguous forms: "당근" is a vegetable one can sell on SmartStore, so only "당근마켓" or "당근 앱" count; "알리" is also
the stem of 알리다, so only "알리익스프레스" / "알리바바" count.
"""

from __future__ import annotations

import re

from knowledge.gate.text import fold

_OTHERS = (
    r"쿠팡",
    r"로켓\s?(?:배송|그로스|와우)",
    r"11\s?번가|십일번가",
    r"g\s?마켓|지마켓|gmarket",
    r"옥션|auction",
    r"esm\s?플러스",
    r"위메프|wemakeprice",
    r"티몬|티켓몬스터|(?<![a-z])tmon(?![a-z])",
    r"무신사|musinsa",
    r"에이블리|(?<![a-z])ably(?![a-z])",
    r"지그재그|zigzag",
    r"카카오\s?(?:톡\s?)?(?:선물하기|쇼핑|메이커스)|톡\s?스토어",
    r"아마존|amazon",
    r"이베이|ebay",
    r"당근\s?(?:마켓|앱)|karrot",
    r"번개\s?장터|번장",
    r"중고\s?나라",
    r"인터파크|interpark",
    r"롯데\s?온|lotte\s?on",
    r"(?<![a-z])ssg(?![a-z])|쓱\s?닷컴",
    r"29\s?cm",
    r"w\s?컨셉|wconcept",
    r"오늘의\s?집",
    r"알리\s?(?:익스프레스|바바)|aliexpress|alibaba",
    r"테무|(?<![a-z])temu(?![a-z])",
    r"타오바오|taobao|1688",
    r"큐텐|qoo10",
    r"쇼피|shopee",
    r"라쿠텐|rakuten",
    r"카페\s?24|cafe24|아임웹|고도몰",
    r"배민|배달의\s?민족|요기요",
)
_OTHER = re.compile("|".join(f"(?:{name})" for name in _OTHERS))
_OURS = re.compile(r"스마트\s?스토어|스토어\s?팜|네이버|naver|smart\s?store|n\s?배송|네이버\s?페이")


def other_marketplace(query: str) -> str | None:
    """The first other marketplace the query names (as written in the folded text), or None."""
    match = _OTHER.search(fold(query))
    return match.group(0) if match else None


def names_ours(query: str) -> bool:
    """Whether the query names SmartStore or Naver."""
    return _OURS.search(fold(query)) is not None


def about_other_marketplace(query: str) -> bool:
    """True when the query names another marketplace without naming SmartStore or Naver: out of the seller's scope."""
    return other_marketplace(query) is not None and not names_ours(query)


def without_marketplaces(query: str) -> str:
    """The folded query with other marketplaces' names removed (to look for the nearest SmartStore question)."""
    return " ".join(_OTHER.sub(" ", fold(query)).split())
