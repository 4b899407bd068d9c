"""What a recommendation is asked for and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

WALKING_RADIUS_M = 1200.0
"""About fifteen minutes on foot: the default reach when the user names a place."""


@dataclass(frozen=True, slots=True)
class RecommendationQuery:
    """Everything the recommender may use. Money is integer won; ``at`` is an aware datetime.

    The spendable amount is min(budget, balance, daily_remaining, meal_amount) over the values that are known; the
    engine fills balance, daily_remaining and meal_amount from the user's card when the user pays by card. Prices are
    compared as charged (the menu price): a coupon is shown beside an item, never taken off before the comparison.
    """

    at: datetime
    user_id: int | None = None
    later: bool = False
    """``at`` is a moment the user asked for, not now: reasons say "그때", not "지금"."""
    all_day: bool = False
    """Only shops open around the clock ("24시간 하는 데")."""
    budget: int | None = None
    balance: int | None = None
    daily_remaining: int | None = None
    meal_amount: int | None = None
    """What the card pays for one meal (9,500 won for Seoul's card); None or 0 when unknown or paying cash."""
    price_below: int | None = None
    """"더 싼 거": only items charged less than this; a bound for this turn, not a budget the child said."""
    price_above: int | None = None
    """"더 비싼 거": only items charged more than this; a bound for this turn, like ``price_below``."""
    pay_by_card: bool = True
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float = WALKING_RADIUS_M
    area: str | None = None
    """An area code (seoul-gangnam, seoul-mapo, chuncheon ...) used when there is no point."""
    food: tuple[str, ...] = ()
    """Wanted catalogue categories or dish names (e.g. ("분식",) or ("떡볶이",))."""
    excluded_food: tuple[str, ...] = ()
    dietary: tuple[str, ...] = ()
    """no_spicy, vegetarian, halal, no_pork, allergy:<food>."""
    taste: str | None = None
    party_size: int | None = None
    urgent: bool = False
    exclude_shop_ids: tuple[int, ...] = ()
    """Shops the user has just seen and asked to replace ("다른 데")."""
    limit: int = 5


@dataclass(frozen=True, slots=True)
class AppliedCoupon:
    user_coupon_id: int
    title: str
    discount: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    shop_id: int
    shop_name: str
    category: str
    address: str
    item_id: int
    item_name: str
    price: int
    final_price: int
    """After the best applicable coupon, if the shop takes it; ``price`` is what is charged and shown."""
    score: float
    reasons: tuple[str, ...]
    """Short Korean reasons, e.g. ("예산 안", "지금 영업 중", "쿠폰 1,000원 할인", "자주 가신 분식")."""
    distance_m: float | None = None
    coupon: AppliedCoupon | None = None
    good_influence: bool = False
    closes_at: str | None = None
    """Local closing time today ("21:00"), when known."""


@dataclass(frozen=True, slots=True)
class Opening:
    """A shop that sells what was asked for and is closed at the moment searched, with when it opens."""

    at: datetime
    shop_name: str
    item_name: str
    price: int


@dataclass(frozen=True, slots=True)
class RecommendationResult:
    items: tuple[Recommendation, ...]
    spendable: int | None
    """The amount that bounded prices, or None when nothing bounded them."""
    empty_reason: str | None = None
    """Korean: why nothing fits, when items is empty."""
    alternatives: tuple[str, ...] = ()
    """Korean suggestions when fewer than asked fit, each true in the data: the nearest relaxation first ("6천원이면
    3곳 더 있어요", "다른 음식까지 보면 ..."), a shop that opens at 17:00, a wider radius, cash ..."""
    considered: dict[str, int] = field(default_factory=dict)
    """How many shops each hard rule removed (for logs and tests)."""
    areas: tuple[str, ...] = ()
    """The areas of the shops that fit, most shops first: more than one, with no place known, asks where."""
    first_opening: Opening | None = None
    """When nothing open sells the food asked for: the first shop that does to open (within the next day)."""
