"""When nothing fits: the Korean reason names the rule that left nothing, and every alternative is true."""

from __future__ import annotations

from datetime import timedelta

from dialogue.recommend.recommender import recommend_in
from storage.hours import open_state
from tests.dialogue.recommend.builders import MONDAY, around, at, query, shop, snapshot, user, week


def test_nothing_within_the_money_says_so_and_names_the_cheapest_meal() -> None:
    catalogue = snapshot(
        shop(1, ("쿨피스", 1000, "drink"), ("김밥", 4500), name="김밥천국"),
        shop(2, ("돈까스", 8000), name="돈까스집"),
    )
    result = recommend_in(catalogue, query(balance=800))
    assert result.items == ()
    assert result.empty_reason == "근처 1.2km 안에 지금 영업 중인 가게 중 800원 이하 메뉴가 없어요"
    assert result.alternatives == ("3,700원 더 있으면 김밥천국 김밥 (4,500원)",)


def test_a_drink_alone_is_never_offered_as_a_meal() -> None:
    catalogue = snapshot(shop(1, ("쿨피스", 1000, "drink"), ("김밥", 3000), name="김밥천국"))
    result = recommend_in(catalogue, query(balance=1500))
    assert result.items == ()
    assert any("1,500원 더 있으면 김밥천국 김밥 (3,000원)" in alternative for alternative in result.alternatives)


def test_nothing_open_suggests_the_shop_that_opens_next() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), name="점심분식", hours=week("11:00", "21:00", brk=("15:00", "17:00"))),
        shop(2, ("국밥", 4000), name="아침국밥", hours=week("06:00", "14:00")),
    )
    result = recommend_in(catalogue, query(at=at("15:30"), balance=4300))
    assert result.empty_reason == "근처 1.2km 안에 지금 영업 중인 가게가 없어요"
    assert result.alternatives[0] == "17:00에 다시 여는 점심분식 (김밥 3,000원)"
    late = recommend_in(catalogue, query(at=at("22:00"), balance=4300))
    assert late.alternatives[0] == "내일 06:00에 여는 아침국밥 (국밥 4,000원)"
    reopening = open_state(catalogue.shops[1].hours, at("17:00"), closures=catalogue.shops[1].closures)
    assert reopening.is_open


def test_a_later_opening_is_only_suggested_when_something_there_fits() -> None:
    catalogue = snapshot(shop(1, ("돈까스", 9000), hours=week("21:00", "23:00")))
    assert recommend_in(catalogue, query(balance=4300)).alternatives == ()


def test_nobody_near_suggests_looking_further() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), point=around(2000, 0)),
        shop(2, ("김밥", 3000), point=around(0, 2200)),
        shop(3, ("김밥", 3000), point=around(5000, 0)),
    )
    result = recommend_in(catalogue, query(balance=4300))
    assert result.empty_reason == "근처 1.2km 안에 가게가 없어요"
    assert result.alternatives == ("조금 더 멀리 (2.4km) 보면 맞는 곳이 2곳 더 있어요",)
    assert result.considered["reach"] == 3


def test_no_card_shop_suggests_cash_when_it_is_true() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), name="현금분식", card_acceptance="N"))
    result = recommend_in(catalogue, query(balance=4300, budget=4300))
    assert result.empty_reason == "근처 1.2km 안에 급식카드를 받는 가게가 없어요"
    assert result.alternatives == ("카드 대신 현금이면 현금분식 김밥 (3,000원) 등 1곳이 있어요",)
    too_dear = recommend_in(catalogue, query(balance=4300, budget=2000))
    assert too_dear.alternatives == ()


def test_an_empty_card_suggests_cash_within_the_budget() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000), name="분식집"), shop(2, ("돈까스", 9000)))
    result = recommend_in(catalogue, query(balance=0, budget=5000), user())
    assert result.empty_reason == "잔액이 0원이라 카드로 결제할 수 있는 곳이 없어요"
    assert result.alternatives == ("카드 대신 현금이면 분식집 김밥 (3,000원) 등 1곳이 있어요",)


def test_food_rules_leaving_nothing_are_named() -> None:
    catalogue = snapshot(shop(1, ("떡볶이", 3500, "main", ("spicy",))))
    result = recommend_in(catalogue, query(balance=4300, dietary=("no_spicy",)))
    assert result.empty_reason == "근처 1.2km 안에 못 먹는 음식을 빼고 나니 맞는 메뉴가 없어요"


def test_no_other_shop_after_replacing() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000)))
    result = recommend_in(catalogue, query(balance=4300, exclude_shop_ids=(1,)))
    assert result.empty_reason == "보여 드린 곳 말고는 근처에 다른 가게가 없어요"


def test_an_area_without_shops() -> None:
    result = recommend_in(snapshot(shop(1, ("김밥", 3000))), query(point=None, area="chuncheon", balance=4300))
    assert result.empty_reason == "이 지역에서 찾을 수 있는 가게가 없어요"


def test_a_wanted_food_that_nothing_offers_names_what_there_is() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3500), name="김밥집"),
        shop(2, ("후라이드치킨", 18000), category="치킨", name="치킨집"),
    )
    result = recommend_in(catalogue, query(balance=4300, food=("치킨",)))
    assert result.items == ()  # no padding with what was not asked for
    assert result.alternatives == (
        "치킨 말고 다른 음식도 보면 1곳 더 있어요",
        "13,700원 더 있으면 치킨집 후라이드치킨 (18,000원)",
    )


def test_closures_and_the_next_day() -> None:
    tomorrow = MONDAY + timedelta(days=1)
    catalogue = snapshot(shop(1, ("김밥", 3000), name="휴무분식", closures=frozenset({MONDAY, tomorrow})))
    result = recommend_in(catalogue, query(at=at("12:00"), balance=4300))
    assert result.empty_reason == "근처 1.2km 안에 지금 영업 중인 가게가 없어요"
    assert result.alternatives == ()  # it opens again on Wednesday, more than 18 hours away


def test_a_wish_over_the_budget_names_the_food_and_one_way_to_more_money() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), name="김밥집"),
        shop(2, ("짜장면", 7000), category="중식", name="중국집"),
    )
    result = recommend_in(catalogue, query(balance=20000, budget=5000, food=("중식",)))
    assert result.empty_reason == "근처 1.2km 안에 지금 영업 중인 중식 가게 중 5,000원 이하 메뉴가 없어요"
    # "7천원이면 1곳 더" already says it: no second line naming the same dish for 2,000 won more.
    assert result.alternatives == ("7천원이면 1곳 더 있어요", "중식 말고 다른 음식도 보면 1곳 더 있어요")


def test_other_places_after_everything_that_fits_was_shown() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3000)), shop(2, ("돈까스", 9000)))
    result = recommend_in(catalogue, query(balance=20000, budget=5000, exclude_shop_ids=(1,)))
    assert result.items == ()
    assert result.empty_reason == "보여 드린 곳 말고는 근처 1.2km 안에 조건에 맞는 곳이 없어요"
