"""Coupon math and how the best coupon changes what fits the budget."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from dialogue.recommend import coupons
from dialogue.recommend.coupons import WalletCoupon
from dialogue.recommend.recommender import recommend_in
from dialogue.recommend.types import AppliedCoupon
from tests.dialogue.recommend.builders import at, coupon, query, shop, snapshot, user


@pytest.mark.parametrize(
    ("fields", "price", "expected"),
    [
        ({"amount": 1000}, 5000, 1000),
        ({"amount": 1000}, 700, 700),  # never below zero
        ({"discount_type": "RATE", "amount": 10}, 4350, 435),
        ({"discount_type": "RATE", "amount": 15}, 3999, 599),  # rounded down to the won
        ({"discount_type": "RATE", "amount": 20, "max_discount": 3000}, 20000, 3000),
        ({"discount_type": "RATE", "amount": 100}, 4000, 4000),
    ],
)
def test_discount(fields: dict[str, Any], price: int, expected: int) -> None:
    assert coupons.discount(coupon(1, **fields), price) == expected


def test_applies_checks_activity_validity_minimum_and_scope() -> None:
    bunsik = shop(1, category="분식")
    hansik = shop(2, category="한식")
    now = at("20:00")
    plain = coupon(1)
    assert coupons.applies(plain, bunsik, 3000, now, pay_by_card=True)
    assert not coupons.applies(coupon(1, active=False), bunsik, 3000, now, pay_by_card=True)
    assert not coupons.applies(coupon(1, valid_from=now + timedelta(minutes=1)), bunsik, 3000, now, pay_by_card=True)
    assert not coupons.applies(coupon(1, valid_until=now), bunsik, 3000, now, pay_by_card=True)
    assert coupons.applies(coupon(1, valid_from=now), bunsik, 3000, now, pay_by_card=True)
    assert not coupons.applies(coupon(1, min_order=5000), bunsik, 4999, now, pay_by_card=True)
    assert coupons.applies(coupon(1, min_order=5000), bunsik, 5000, now, pay_by_card=True)
    shop_scoped = coupon(1, scope="SHOP", shop_id=1)
    assert coupons.applies(shop_scoped, bunsik, 3000, now, pay_by_card=True)
    assert not coupons.applies(shop_scoped, hansik, 3000, now, pay_by_card=True)
    category_scoped = coupon(1, scope="CATEGORY", category="한식")
    assert coupons.applies(category_scoped, hansik, 3000, now, pay_by_card=True)
    assert not coupons.applies(category_scoped, bunsik, 3000, now, pay_by_card=True)
    card_only = coupon(1, scope="FOODCARD")
    assert coupons.applies(card_only, bunsik, 3000, now, pay_by_card=True)
    assert not coupons.applies(card_only, bunsik, 3000, now, pay_by_card=False)


def test_best_takes_the_largest_saving_and_then_the_one_expiring_first() -> None:
    now = at("20:00")
    wallet = [
        WalletCoupon(11, coupon(1, amount=500)),
        WalletCoupon(12, coupon(2, discount_type="RATE", amount=10, max_discount=2000)),
        WalletCoupon(13, coupon(3, amount=1000, min_order=9000)),
    ]
    assert coupons.best(wallet, 8000) == (wallet[1], 800)
    assert coupons.best(wallet, 9000) == (wallet[2], 1000)
    assert coupons.best(wallet, 3000) == (wallet[0], 500)
    twins = [
        WalletCoupon(21, coupon(4, amount=500, valid_until=now + timedelta(days=9))),
        WalletCoupon(22, coupon(5, amount=500, valid_until=now + timedelta(days=2))),
    ]
    assert coupons.best(twins, 3000) == (twins[1], 500)
    assert coupons.best([], 3000) == (None, 0)


def test_a_coupon_is_shown_beside_the_price_charged_and_never_brings_an_item_in() -> None:
    # The order and the card are charged the menu price, so the list compares and shows that price (issue 20).
    catalogue = snapshot(
        shop(1, ("떡볶이 세트", 5000), ("김밥", 4000), name="분식왕"), coupons=[coupon(7, title="첫 주문 할인")]
    )
    result = recommend_in(catalogue, query(user_id=3, balance=4300), user(wallet=((70, 7),)))
    (item,) = result.items
    assert item.item_name == "김밥" and item.price == 4000
    assert item.coupon == AppliedCoupon(user_coupon_id=70, title="첫 주문 할인", discount=1000)
    assert "쿠폰 1,000원 할인" in item.reasons
    assert "예산 안" not in item.reasons  # the balance is not a budget the child said
    said = recommend_in(catalogue, query(user_id=3, budget=4500, balance=9500), user(wallet=((70, 7),)))
    assert [item.item_name for item in said.items] == ["김밥"] and "예산 안" in said.items[0].reasons


def test_minimum_order_is_checked_on_the_price_before_discount() -> None:
    catalogue = snapshot(shop(1, ("김밥", 4900)), coupons=[coupon(7, min_order=5000)])
    result = recommend_in(catalogue, query(user_id=3, balance=9500), user(wallet=((70, 7),)))
    assert result.items[0].coupon is None and result.items[0].final_price == 4900


def test_a_card_coupon_is_not_used_for_cash_and_only_held_coupons_count() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 5000)),
        coupons=[coupon(7, scope="FOODCARD", amount=1000), coupon(8, amount=2000)],
    )
    by_card = recommend_in(catalogue, query(user_id=3, balance=9500), user(wallet=((70, 7),)))
    assert by_card.items[0].final_price == 4000
    by_cash = recommend_in(catalogue, query(user_id=3, budget=9500, pay_by_card=False), user(wallet=((70, 7),)))
    assert by_cash.items[0].coupon is None
    both = recommend_in(catalogue, query(user_id=3, balance=9500), user(wallet=((70, 7), (80, 8))))
    assert both.items[0].coupon is not None and both.items[0].coupon.user_coupon_id == 80


def test_a_coupon_does_not_make_a_dearer_meal_fit() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), ("돈까스", 6000)),
        coupons=[coupon(7, scope="CATEGORY", category="분식", amount=2000)],
    )
    result = recommend_in(catalogue, query(user_id=3, balance=4300), user(wallet=((70, 7),)))
    (item,) = result.items
    # 돈까스 is charged 6,000 won: over the balance whatever the coupon takes off at the counter.
    assert (item.item_name, item.price, item.final_price) == ("김밥", 3000, 1000)
