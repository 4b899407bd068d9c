"""Every hard rule on hand-built catalogues: money, card acceptance, open now, reach, excluded shops and foods, diet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from dialogue.recommend.catalogue import Catalogue, CatalogueItem, CatalogueSnapshot
from dialogue.recommend.recommender import Recommender, recommend_in
from dialogue.recommend.rules import spendable
from dialogue.recommend.types import RecommendationResult
from storage.models import ShopHours
from tests.dialogue.recommend.builders import MONDAY, around, at, query, shop, snapshot, user, week


def names(result: RecommendationResult) -> list[str]:
    return [f"{item.shop_name}:{item.item_name}" for item in result.items]


@pytest.mark.parametrize(
    ("budget", "balance", "daily", "expected"),
    [(None, None, None, None), (5000, None, None, 5000), (None, 4300, 28500, 4300), (9000, 12000, 6000, 6000)],
)
def test_spendable_is_the_least_known_amount(
    budget: int | None, balance: int | None, daily: int | None, expected: int | None
) -> None:
    assert spendable(query(budget=budget, balance=balance, daily_remaining=daily)) == expected


def test_only_items_within_spendable_are_offered() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), ("라볶이", 4500), name="김밥천국"), shop(2, ("돈까스", 8000)))
    result = recommend_in(catalogue, query(balance=4300))
    assert names(result) == ["김밥천국:김밥"]
    assert result.spendable == 4300
    assert result.items[0].final_price == 3000
    assert result.considered["price"] == 1


@pytest.mark.parametrize(("field", "reason"), [("balance", "잔액이 0원"), ("daily_remaining", "한도를 다 써서")])
def test_an_empty_card_pays_for_nothing(field: str, reason: str) -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000)), shop(2, ("떡볶이", 0)))
    result = recommend_in(catalogue, query(**{field: 0}), user())
    assert result.items == ()
    assert result.empty_reason is not None and reason in result.empty_reason
    assert result.considered["spendable"] == 2


def test_cash_ignores_card_acceptance_and_keeps_the_budget() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), card_acceptance="N"), shop(2, ("떡볶이", 6000), card_acceptance="U"))
    by_card = recommend_in(catalogue, query(budget=5000))
    assert by_card.items == () and by_card.considered["card"] == 2
    by_cash = recommend_in(catalogue, query(budget=5000, pay_by_card=False))
    assert names(by_cash) == ["가게1:김밥"]


def test_partial_card_acceptance_counts_as_payable() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), card_acceptance="P"))
    assert names(recommend_in(catalogue, query(balance=9500))) == ["가게1:김밥"]


@pytest.mark.parametrize(
    ("when", "hours", "fields", "open_"),
    [
        ("20:00", week("11:00", "21:00"), {}, True),
        ("21:00", week("11:00", "21:00"), {}, False),
        ("10:59", week("11:00", "21:00"), {}, False),
        ("15:30", week("11:00", "21:00", brk=("15:00", "17:00")), {}, False),
        ("20:00", week("11:00", "21:00", days=range(1, 7)), {}, False),  # Monday is the regular day off
        ("20:00", week(), {"closures": frozenset({MONDAY})}, False),
        ("01:00", week("18:00", "26:00"), {}, True),  # Sunday's late night runs into Monday
        ("20:00", week(), {"status_override": "closed"}, False),
        ("20:00", week(), {"status_override": "break", "override_until": at("21:00")}, False),
        ("20:00", week(), {"status_override": "closed", "override_until": at("19:00")}, True),
        ("08:00", week(), {"status_override": "open", "override_until": at("09:00")}, True),
        ("20:00", week(), {"hours_known": False}, False),
        ("20:00", week(), {"hours_known": False, "status_override": "open"}, True),  # staff said open
    ],
)
def test_only_open_shops_are_offered(
    when: str, hours: tuple[ShopHours, ...], fields: dict[str, Any], open_: bool
) -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), hours=hours, **fields))
    result = recommend_in(catalogue, query(at=at(when), balance=9500))
    assert bool(result.items) is open_
    assert result.considered["closed"] == (0 if open_ else 1)


def test_within_the_radius_only_and_shops_without_coordinates_only_by_area() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), point=around(1100, 0)),
        shop(2, ("김밥", 3000), point=around(0, -1300)),
        shop(3, ("김밥", 3000), point=None),
        shop(4, ("김밥", 3000), point=None, area="seoul-mapo"),
    )
    near = recommend_in(catalogue, query(balance=9500, radius_m=1200))
    assert [item.shop_id for item in near.items] == [1]
    assert near.items[0].distance_m is not None and 1099 < near.items[0].distance_m < 1101
    assert near.considered["reach"] == 3
    by_area = recommend_in(catalogue, query(point=None, area="seoul-gangnam", balance=9500))
    assert sorted(item.shop_id for item in by_area.items) == [1, 2, 3]
    assert all(item.distance_m is None for item in by_area.items)


def test_home_area_is_used_when_there_is_no_point_or_area() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000)), shop(2, ("김밥", 3000), area="chuncheon"))
    result = recommend_in(catalogue, query(point=None, user_id=7, balance=9500), user(home_area="chuncheon"))
    assert [item.shop_id for item in result.items] == [2]


def test_shops_asked_to_be_replaced_are_left_out() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000)), shop(2, ("떡볶이", 3500)))
    result = recommend_in(catalogue, query(balance=9500, exclude_shop_ids=(1,)))
    assert [item.shop_id for item in result.items] == [2]
    assert result.considered["excluded"] == 1


def test_excluded_food_removes_a_category_or_a_dish() -> None:
    catalogue = snapshot(
        shop(1, ("참치김밥", 3500), ("떡볶이", 4000)),
        shop(2, ("김치찌개", 8000), category="한식"),
    )
    no_gimbap = recommend_in(catalogue, query(balance=9500, excluded_food=("김밥",)))
    assert {item.item_name for item in no_gimbap.items} == {"떡볶이", "김치찌개"}
    no_bunsik = recommend_in(catalogue, query(balance=9500, excluded_food=("분식",)))
    assert [item.shop_id for item in no_bunsik.items] == [2]
    assert no_bunsik.considered["food"] == 1


@pytest.mark.parametrize(
    ("dietary", "allowed"),
    [
        (("no_spicy",), {"김밥", "돈까스", "야채김밥", "새우튀김"}),
        (("no_pork",), {"김밥", "떡볶이", "야채김밥", "새우튀김"}),
        (("halal",), {"김밥", "떡볶이", "야채김밥", "새우튀김"}),
        (("vegetarian",), {"야채김밥"}),
        (("allergy:새우",), {"김밥", "떡볶이", "돈까스", "야채김밥"}),
        (("allergy:seafood",), {"김밥", "떡볶이", "돈까스", "야채김밥"}),
        (("no_spicy", "no_pork"), {"김밥", "야채김밥", "새우튀김"}),
    ],
)
def test_dietary_restrictions_are_hard(dietary: tuple[str, ...], allowed: set[str]) -> None:
    menu = [
        ("김밥", 3000, "main", ()),
        ("떡볶이", 3500, "main", ("spicy",)),
        ("돈까스", 4000, "main", ("pork",)),
        ("야채김밥", 3200, "main", ("vegetarian",)),
        ("새우튀김", 3800, "main", ("seafood",)),
    ]
    # One shop per dish, so that every allowed dish can be suggested.
    catalogue = snapshot(*(shop(index, spec) for index, spec in enumerate(menu, start=1)))
    result = recommend_in(catalogue, query(balance=9500, dietary=dietary, limit=10))
    assert {item.item_name for item in result.items} == allowed


def test_stored_allergies_are_hard_and_searched_in_descriptions() -> None:
    catalogue = snapshot(
        shop(1, CatalogueItem(101, 1, "특제 비빔밥", 7000, description="고소한 땅콩 소스")),
        shop(2, ("김밥", 3000)),
    )
    result = recommend_in(catalogue, query(user_id=9, balance=9500), user(allergies=("땅콩",)))
    assert [item.shop_id for item in result.items] == [2]


def test_stored_dislikes_are_soft() -> None:
    catalogue = snapshot(shop(1, ("떡볶이", 4000, "main", ("spicy",)), name="매운집"))
    result = recommend_in(catalogue, query(user_id=9, balance=9500), user(dislikes=frozenset({"spicy"})))
    assert names(result) == ["매운집:떡볶이"]


def test_a_convenience_store_sells_a_meal_by_card_and_a_topping_is_never_alone() -> None:
    store = shop(
        1,
        ("바나나우유", 1700, "drink"),
        ("삼각김밥", 1400, "main"),
        ("치즈 추가", 500, "topping"),
        category="편의점",
    )
    by_card = recommend_in(snapshot(store), query(balance=1800))
    assert names(by_card) == ["가게1:삼각김밥"]
    by_cash = recommend_in(snapshot(store), query(budget=1000, pay_by_card=False))
    assert by_cash.items == ()
    assert by_cash.considered["price"] == 1


def test_considered_accounts_for_every_shop() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000)),
        shop(2, ("김밥", 3000), card_acceptance="N"),
        shop(3, ("김밥", 3000), hours=week("06:00", "09:00")),
        shop(4, ("돈까스", 9000)),
        shop(5, ("김밥", 3000), point=around(5000, 0)),
        shop(6),
    )
    result = recommend_in(catalogue, query(balance=5000, exclude_shop_ids=(1,)))
    assert result.considered == {
        "reach": 1,
        "excluded": 1,
        "card": 1,
        "closed": 1,
        "menu": 1,
        "food": 0,
        "wish": 0,
        "price": 1,
        "eligible": 0,
    }


def test_every_item_is_one_per_shop_and_limited() -> None:
    catalogue = snapshot(*(shop(i, ("김밥", 3000), ("라면", 3500), point=around(i * 50, 0)) for i in range(1, 9)))
    result = recommend_in(catalogue, query(balance=9500, limit=3))
    assert len(result.items) == 3
    assert len({item.shop_id for item in result.items}) == 3


async def test_a_naive_clock_is_refused() -> None:
    async def loader(_: datetime) -> CatalogueSnapshot:
        return snapshot()

    recommender = Recommender(Catalogue(loader=loader))
    with pytest.raises(ValueError, match="aware"):
        await recommender.recommend(query(at=at("20:00").replace(tzinfo=None)))


def test_pricier_than_keeps_only_dearer_items_within_the_money() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), ("돈까스", 8000)), shop(2, ("라면", 4000), ("쫄면", 6000)))
    result = recommend_in(catalogue, query(balance=7000, price_above=5000))
    assert names(result) == ["가게2:쫄면"]  # 돈까스 is over the card's money, 김밥 and 라면 are not dearer
