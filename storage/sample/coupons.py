"""Thirty sample coupons across every scope, with validity windows around "now" (some expiring, some expired)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.models import CardAcceptance, CouponScope, DiscountType
from storage.sample.burger import BURGER_SHOP_KEY
from storage.sample.rows import CouponSeed, ShopSeed

FIXED = DiscountType.FIXED.value
RATE = DiscountType.RATE.value


@dataclass(frozen=True, slots=True)
class CouponSpec:
    code: str
    title: str
    discount_type: str
    amount: int
    max_discount: int | None
    min_order: int
    scope: CouponScope
    target: str | None
    """CATEGORY: the category. SHOP: the burger shop's key, or "area/category" for the first accepting shop there."""
    valid_from_days: float
    valid_until_days: float
    active: bool = True


_ALL, _SHOP, _CAT, _CARD = CouponScope.ALL, CouponScope.SHOP, CouponScope.CATEGORY, CouponScope.FOODCARD

COUPONS: tuple[CouponSpec, ...] = (
    CouponSpec("KK-WELCOME-1000", "첫 주문 1,000원 할인", FIXED, 1000, None, 5000, _ALL, None, -30, 60),
    CouponSpec("KK-CHEER-500", "끼니 응원 500원 할인", FIXED, 500, None, 3000, _ALL, None, -10, 20),
    CouponSpec("KK-ALL-10P", "전 메뉴 10% 할인", RATE, 10, 2000, 6000, _ALL, None, -5, 25),
    CouponSpec("KK-WEEKEND-2000", "주말 든든 2,000원 할인", FIXED, 2000, None, 10000, _ALL, None, -3, 2),
    CouponSpec("KK-VACATION-5P", "방학 응원 5% 할인", RATE, 5, 1000, 0, _ALL, None, -40, -2),
    CouponSpec("KK-BIRTHDAY-3000", "생일 축하 3,000원 할인", FIXED, 3000, None, 9000, _ALL, None, -1, 30),
    CouponSpec("KK-NEXTMONTH-1500", "다음 달 응원 1,500원 할인", FIXED, 1500, None, 5000, _ALL, None, 5, 35),
    CouponSpec("KK-CARD-1000", "급식카드 결제 1,000원 할인", FIXED, 1000, None, 5000, _CARD, None, -15, 45),
    CouponSpec("KK-CARD-10P", "급식카드 결제 10% 할인", RATE, 10, 1500, 7000, _CARD, None, -7, 1),
    CouponSpec("KK-CARD-500", "급식카드 결제 500원 할인", FIXED, 500, None, 0, _CARD, None, -20, 90),
    CouponSpec("KK-CARD-DINNER-15P", "저녁 급식카드 15% 할인", RATE, 15, 2000, 8000, _CARD, None, -2, 14),
    CouponSpec("KK-CARD-2000", "꿈나무 응원 2,000원 할인", FIXED, 2000, None, 8000, _CARD, None, -30, -1),
    CouponSpec("KK-BUNSIK-500", "분식 500원 할인", FIXED, 500, None, 4000, _CAT, "분식", -10, 20),
    CouponSpec("KK-BUNSIK-10P", "분식 10% 할인", RATE, 10, 1000, 5000, _CAT, "분식", -3, 3),
    CouponSpec("KK-HANSIK-1000", "한식 1,000원 할인", FIXED, 1000, None, 8000, _CAT, "한식", -12, 40),
    CouponSpec("KK-CHICKEN-3000", "치킨 3,000원 할인", FIXED, 3000, None, 18000, _CAT, "치킨", -6, 24),
    CouponSpec("KK-PIZZA-20P", "피자 20% 할인", RATE, 20, 3000, 15000, _CAT, "피자", -4, 10),
    CouponSpec("KK-BURGER-1000", "햄버거 1,000원 할인", FIXED, 1000, None, 6000, _CAT, "햄버거", -8, 22),
    CouponSpec("KK-CAFE-10P", "카페 음료 10% 할인", RATE, 10, 500, 3000, _CAT, "카페/디저트", -9, 21),
    CouponSpec("KK-BAKERY-500", "빵집 500원 할인", FIXED, 500, None, 3000, _CAT, "제과점", -14, 16),
    CouponSpec("KK-CVS-5P", "편의점 도시락 5% 할인", RATE, 5, 500, 4000, _CAT, "편의점", -12, 2),
    CouponSpec("KK-GUKBAP-1000", "국밥 1,000원 할인", FIXED, 1000, None, 8000, _CAT, "국밥", -5, 30),
    CouponSpec("KK-CHINESE-1000", "중식 1,000원 할인", FIXED, 1000, None, 7000, _CAT, "중식", -5, 30),
    CouponSpec("KK-DOSIRAK-500", "도시락 500원 할인", FIXED, 500, None, 4000, _CAT, "도시락", -20, 10, active=False),
    CouponSpec(
        "KK-DUNDEUN-1000", "든든버거 세트 1,000원 할인", FIXED, 1000, None, 6000, _SHOP, BURGER_SHOP_KEY, -7, 30
    ),
    CouponSpec("KK-DUNDEUN-15P", "든든버거 15% 할인", RATE, 15, 2000, 8000, _SHOP, BURGER_SHOP_KEY, -1, 2),
    CouponSpec("KK-GN-BUNSIK-500", "{shop} 500원 할인", FIXED, 500, None, 3000, _SHOP, "seoul-gangnam/분식", -3, 27),
    CouponSpec("KK-MP-HANSIK-1000", "{shop} 1,000원 할인", FIXED, 1000, None, 7000, _SHOP, "seoul-mapo/한식", -3, 27),
    CouponSpec("KK-CC-BUNSIK-10P", "{shop} 10% 할인", RATE, 10, 1000, 4000, _SHOP, "chuncheon/분식", -3, 27),
    CouponSpec("KK-CC-HANSIK-1000", "{shop} 1,000원 할인", FIXED, 1000, None, 7000, _SHOP, "chuncheon/한식", -6, -1),
)


def _target_shop(target: str, shops: list[ShopSeed]) -> ShopSeed | None:
    if "/" not in target:
        return next((shop for shop in shops if shop.key == target), None)
    area, category = target.split("/", 1)
    return next(
        (
            shop
            for shop in shops
            if shop.shop["area"] == area
            and shop.shop["category"] == category
            and shop.shop["card_acceptance"] == CardAcceptance.YES.value
        ),
        None,
    )


def coupon_seeds(shops: list[ShopSeed], now: datetime) -> list[CouponSeed]:
    """Coupon rows; a SHOP coupon whose shop is not among ``shops`` (no burger catalogue) is left out."""
    seeds: list[CouponSeed] = []
    for spec in COUPONS:
        shop = _target_shop(spec.target, shops) if spec.scope is CouponScope.SHOP and spec.target else None
        if spec.scope is CouponScope.SHOP and shop is None:
            continue
        seeds.append(
            CouponSeed(
                coupon={
                    "code": spec.code,
                    "title": spec.title.format(shop=shop.shop["name"] if shop else ""),
                    "discount_type": spec.discount_type,
                    "amount": spec.amount,
                    "max_discount": spec.max_discount,
                    "min_order": spec.min_order,
                    "scope": spec.scope.value,
                    "category": spec.target if spec.scope is CouponScope.CATEGORY else None,
                    "valid_from": now + timedelta(days=spec.valid_from_days),
                    "valid_until": now + timedelta(days=spec.valid_until_days),
                    "active": spec.active,
                },
                shop_key=shop.key if shop else None,
            )
        )
    return seeds


def coupon_areas(seeds: list[CouponSeed], shops: list[ShopSeed]) -> dict[str, str | None]:
    """The area of each coupon's shop (None for coupons valid everywhere), for handing out local coupons."""
    area_of = {shop.key: str(shop.shop["area"]) for shop in shops}
    return {seed.code: area_of.get(seed.shop_key) if seed.shop_key else None for seed in seeds}
