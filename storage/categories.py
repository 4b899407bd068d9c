"""The shop categories of kkini's catalogue and how public merchant lists' business types map onto them."""

from __future__ import annotations

# The catalogue categories, in the order they are offered to users.
CATEGORIES: tuple[str, ...] = (
    "한식",
    "분식",
    "중식",
    "일식",
    "양식",
    "치킨",
    "피자",
    "햄버거",
    "국밥",
    "도시락",
    "카페/디저트",
    "제과점",
    "편의점",
)

# Business types as municipal merchant lists write them (업종명), mapped to a catalogue category.
# None marks types that are not places to eat a meal (butchers, greengrocers); importers reject those.
BUSINESS_TYPE_CATEGORY: dict[str, str | None] = {
    "한식": "한식",
    "일반대중음식": "한식",
    "중식": "중식",
    "일식": "일식",
    "양식": "양식",
    "패스트푸드": "햄버거",
    "제과점": "제과점",
    "편의점": "편의점",
    "연쇄점": "편의점",
    "할인점/슈퍼마켓": "편의점",
    "농협(마트)": "편의점",
    "분식": "분식",
    "치킨": "치킨",
    "피자": "피자",
    "카페": "카페/디저트",
    "도시락": "도시락",
    "국밥": "국밥",
    "식품잡화": None,
    "정육점": None,
    "농수산물": None,
    "청과물": None,
    "식품류제조업": None,
    "농협(기타)": None,
}

# Registered types that say exactly what a shop is; a name hint never overrides them.
DEFINITE_CATEGORIES = frozenset({"편의점"})

# Words in a shop's name that say more about what it sells than its registered business type does.
NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("김밥", "분식"),
    ("떡볶이", "분식"),
    ("분식", "분식"),
    ("치킨", "치킨"),
    ("통닭", "치킨"),
    ("피자", "피자"),
    ("버거", "햄버거"),
    ("롯데리아", "햄버거"),
    ("맥도날드", "햄버거"),
    ("맘스터치", "햄버거"),
    ("국밥", "국밥"),
    ("순대국", "국밥"),
    ("도시락", "도시락"),
    ("한솥", "도시락"),
    ("카페", "카페/디저트"),
    ("커피", "카페/디저트"),
    ("베이커리", "제과점"),
    ("파리바게", "제과점"),
    ("뚜레쥬르", "제과점"),
    ("씨유", "편의점"),
    ("GS25", "편의점"),
    ("세븐일레븐", "편의점"),
    ("이마트24", "편의점"),
    ("짜장", "중식"),
    ("반점", "중식"),
    ("스시", "일식"),
    ("초밥", "일식"),
    ("돈까스", "일식"),
    ("돈가스", "일식"),
)


def category_for(business_type: str | None, name: str = "") -> str | None:
    """The catalogue category for a merchant, or None when it is not a place to buy a meal.

    The name wins over the registered type when it names a more specific kind of shop ("OO김밥" registered
    as 한식 is 분식), unless the registered type is not a food business at all.
    """
    business_type = (business_type or "").strip()
    registered = BUSINESS_TYPE_CATEGORY.get(business_type)
    if business_type in BUSINESS_TYPE_CATEGORY and registered is None:
        return None
    if registered in DEFINITE_CATEGORIES:
        # "씨유 OO호반점" is a convenience store, whatever its branch name contains.
        return registered
    for hint, category in NAME_HINTS:
        if hint in name:
            return category
    if business_type in BUSINESS_TYPE_CATEGORY:
        return BUSINESS_TYPE_CATEGORY[business_type]
    if business_type in CATEGORIES:
        return business_type
    return "한식" if not business_type else None
