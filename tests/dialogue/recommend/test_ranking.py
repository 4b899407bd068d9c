"""Ranking: wishes, budget fit, meals over drinks, history, urgency, diversity (MMR) and the Korean reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialogue.korean import has_final_consonant, won
from dialogue.recommend.candidates import Candidate, Offer
from dialogue.recommend.catalogue import CatalogueItem
from dialogue.recommend.reasons import distance_text, if_it_is, topic
from dialogue.recommend.recommender import recommend_in
from dialogue.recommend.rules import OpenWindow, open_window
from dialogue.recommend.scoring import Scored, budget_fit, diversify
from storage.models import ShopHours
from tests.dialogue.recommend.builders import MONDAY, around, at, query, shop, snapshot, user, week

SATURDAY = MONDAY + timedelta(days=5)


def test_what_the_child_asked_for_comes_first() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), name="김밥집", popularity=90, point=around(50, 0)),
        shop(2, ("떡볶이", 3500), name="떡볶이집", popularity=10, point=around(900, 0)),
    )
    result = recommend_in(catalogue, query(balance=4300, food=("떡볶이",)))
    assert result.items[0].shop_name == "떡볶이집"
    assert result.items[0].reasons[0] == "원하던 떡볶이"


def test_a_wanted_category_and_stored_likes_rank_up() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3500), popularity=80),
        shop(2, ("짜장면", 4000), category="중식"),
    )
    assert recommend_in(catalogue, query(balance=4300, food=("중식",))).items[0].shop_id == 2
    liked = recommend_in(catalogue, query(user_id=4, balance=4300), user(likes=frozenset({"중식"})))
    assert liked.items[0].shop_id == 2 and "좋아하는 중식" in liked.items[0].reasons


def test_one_item_per_shop_a_meal_that_uses_the_money_well() -> None:
    catalogue = snapshot(shop(1, ("쿨피스", 1000, "drink"), ("김말이", 2500, "side"), ("김밥", 3500), ("라면", 4300)))
    result = recommend_in(catalogue, query(balance=4300))
    # 3,500 of 4,300 leaves a little; a drink or a side is not a meal.
    assert [item.item_name for item in result.items] == ["김밥"]


def test_budget_fit_peaks_below_the_whole_amount() -> None:
    assert budget_fit(3655, 4300) == pytest.approx(1.0)
    assert budget_fit(4300, 4300) < budget_fit(3700, 4300)
    assert budget_fit(1000, 4300) < budget_fit(3000, 4300)
    assert budget_fit(3000, None) == 0.5


def test_dislikes_rank_down_but_do_not_remove() -> None:
    catalogue = snapshot(
        shop(1, ("떡볶이", 3500, "main", ("spicy",)), popularity=90),
        shop(2, ("김밥", 3500), popularity=10),
    )
    result = recommend_in(catalogue, query(user_id=3, balance=4300), user(dislikes=frozenset({"spicy"})))
    assert [item.shop_id for item in result.items] == [2, 1]
    assert "매운 거 없음" in result.items[0].reasons


def test_history_ranks_up_and_says_so() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3500), popularity=60),
        shop(2, ("짜장면", 4000), category="중식", popularity=60),
        shop(3, ("떡볶이", 3500), popularity=60),
    )
    visits = {3: 2, 1: 1}
    result = recommend_in(catalogue, query(user_id=5, balance=4300), user(shop_visits=visits))
    assert result.items[0].shop_id == 3
    assert "자주 가신 분식" in result.items[0].reasons
    once = recommend_in(catalogue, query(user_id=5, balance=4300), user(shop_visits={2: 1}))
    assert "전에 가 본 가게" in next(item for item in once.items if item.shop_id == 2).reasons


def test_urgent_prefers_near_and_fast() -> None:
    catalogue = snapshot(
        shop(1, ("비빔밥", 3500), category="한식", popularity=95, point=around(700, 0)),
        shop(2, ("김밥", 3500), popularity=20, point=around(150, 0)),
    )
    calm = recommend_in(catalogue, query(balance=4300))
    hurried = recommend_in(catalogue, query(balance=4300, urgent=True))
    assert calm.items[0].shop_id == 1
    assert hurried.items[0].shop_id == 2
    assert "걸어서 2분" in hurried.items[0].reasons


def test_a_shop_closing_before_the_child_arrives_ranks_down() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3500), popularity=90, point=around(900, 0), hours=week("09:00", "20:10")),
        shop(2, ("김밥", 3500), popularity=10, point=around(900, 10), hours=week("09:00", "23:00")),
    )
    result = recommend_in(catalogue, query(balance=4300))
    assert [item.shop_id for item in result.items] == [2, 1]
    assert "곧 마감 (20:10까지)" in result.items[1].reasons


def test_diversity_keeps_the_top_three_from_being_one_category() -> None:
    gimbap = [shop(i, ("김밥", 3500), popularity=90, name=f"김밥{i}") for i in range(1, 7)]
    others = [
        shop(20, ("짜장면", 4000), category="중식", popularity=40),
        shop(21, ("도시락", 4000), category="도시락", popularity=40),
    ]
    result = recommend_in(snapshot(*gimbap, *others), query(balance=4300, limit=3))
    categories = [item.category for item in result.items]
    assert categories[0] == "분식"
    assert len(set(categories)) >= 2


def _scored(shop_id: int, category: str, name: str, value: float) -> Scored:
    item = CatalogueItem(shop_id * 10, shop_id, name, 3000)
    candidate = Candidate(shop(shop_id, item, category=category), 100.0, OpenWindow(60, "21:00"), (Offer(item, 3000),))
    return Scored(candidate, Offer(item, 3000), value, dishes=frozenset({"김밥"} if "김밥" in name else ()))


def test_mmr_with_lambda_one_is_plain_ranking_and_lower_lambda_mixes() -> None:
    entries = [
        _scored(1, "분식", "김밥", 1.0),
        _scored(2, "분식", "참치김밥", 0.95),
        _scored(3, "편의점", "삼각김밥", 0.9),
        _scored(4, "중식", "짜장면", 0.7),
    ]
    assert [e.candidate.shop.id for e in diversify(entries, 3, lam=1.0)] == [1, 2, 3]
    assert [e.candidate.shop.id for e in diversify(entries, 3)] == [1, 4, 3]


def test_reasons_are_one_to_four_short_korean_phrases() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3500), good_influence=True, point=around(300, 0)),
        shop(2, ("김밥", 3500), hours=week("00:00", "24:00"), point=around(0, 300)),
    )
    result = recommend_in(catalogue, query(balance=4300, budget=4000))
    by_shop = {item.shop_id: item for item in result.items}
    assert by_shop[1].reasons == ("예산 안", "지금 영업 중 (21:00까지)", "걸어서 4분", "선한영향력가게")
    assert by_shop[1].closes_at == "21:00" and by_shop[1].good_influence
    assert by_shop[2].reasons[:2] == ("예산 안", "24시간 영업")
    assert by_shop[2].closes_at is None
    for no_budget in (recommend_in(catalogue, query()), recommend_in(catalogue, query(balance=4300))):
        # the card's money is not a budget the child named: never "예산 안" for it
        assert no_budget.items and all(1 <= len(item.reasons) <= 4 for item in no_budget.items)
        assert all("예산" not in reason for item in no_budget.items for reason in item.reasons)


def test_a_dietary_request_is_confirmed_on_the_card() -> None:
    catalogue = snapshot(shop(1, ("김밥", 3500), ("떡볶이", 3500, "main", ("spicy",))))
    result = recommend_in(catalogue, query(balance=4300, dietary=("no_spicy",)))
    assert "매운 거 없음" in result.items[0].reasons


@pytest.mark.parametrize(
    ("hours", "when", "window"),
    [
        (week("11:00", "21:00"), "20:00", OpenWindow(60, "21:00")),
        (week("11:00", "21:00", brk=("15:00", "17:00")), "14:30", OpenWindow(30, "15:00")),
        (week("11:00", "21:00", brk=("15:00", "17:00")), "17:00", OpenWindow(240, "21:00")),
        (week("18:00", "26:00"), "01:00", OpenWindow(60, "02:00")),
        (week("18:00", "26:00"), "23:00", OpenWindow(180, "02:00")),
        (week("07:00", "24:00"), "23:30", OpenWindow(30, "24:00")),
    ],
)
def test_open_window(hours: tuple[ShopHours, ...], when: str, window: OpenWindow) -> None:
    assert open_window(shop(1, hours=hours), at(when)) == window


def test_open_window_around_the_clock_and_by_override() -> None:
    all_day = open_window(shop(1, hours=week("00:00", "24:00")), at("23:30"))
    assert all_day is not None and all_day.all_day and all_day.closes_at is None
    assert all_day.minutes_left is not None and all_day.minutes_left >= 1440
    closed_sunday = open_window(shop(1, hours=week("00:00", "24:00", days=range(6))), at("23:30", SATURDAY))
    assert closed_sunday == OpenWindow(30, "24:00")
    override = open_window(shop(1, status_override="open", override_until=at("23:00")), at("08:00"))
    assert override == OpenWindow(None, None)


def test_korean_wording_helpers() -> None:
    assert won(4300) == "4,300원"
    assert distance_text(830) == "830m" and distance_text(1200) == "1.2km" and distance_text(2000) == "2km"
    assert has_final_consonant("분식") and not has_final_consonant("피자")
    assert if_it_is("분식") == "분식이라면" and if_it_is("피자") == "피자라면"
    assert topic("치킨") == "치킨은" and topic("피자") == "피자는"
    assert topic("카페/디저트") == "카페/디저트는"
