"""Entity extraction per type, in the spec's normal forms, on messages written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from dialogue.nlu.understander import OfflineNLU


def entities(nlu: OfflineNLU, text: str) -> dict[str, Any]:
    """What the extractor reads, before the intent decides which entities count."""
    return nlu.analyzer.analyze(text).extraction.entities


@pytest.mark.parametrize(
    ("text", "food", "category"),
    [
        ("떡볶이 먹고싶다", "떡볶이", "분식"),
        ("짜장면 땡겨", "짜장면", "중식"),
        ("돈까스 먹을래", "돈까스", "일식"),
        ("중국집 가자", "중식", "중식"),
        ("분식집 어디 있어", "분식", "분식"),
        ("불고기 버거 먹고 싶어", "불고기버거", "햄버거"),
        ("떡뽁이 먹구싶다", "떡볶이", "분식"),
        ("엽떡 ㄱㄱ", "엽떡", "분식"),
        ("달달한 디저트 먹고 싶어", "카페/디저트", "카페/디저트"),
        ("버거 먹을래", "햄버거", "햄버거"),
        ("회 먹고 싶다", "회", "한식"),
        ("쌀국수 먹고 싶어", "쌀국수", None),
    ],
)
def test_food_type_as_said_with_its_catalogue_category(nlu: OfflineNLU, text: str, food: str, category: str) -> None:
    extraction = nlu.analyzer.analyze(text).extraction
    assert extraction.entities["food_type"] == food
    assert extraction.food_category == category


@pytest.mark.parametrize("text", ["학생이라면 그 정도는 해야지", "회사 근처", "배고파 죽겠어", "빵빵한 에어컨 있는 데"])
def test_words_inside_other_words_are_not_food(nlu: OfflineNLU, text: str) -> None:
    assert "food_type" not in entities(nlu, text)


def test_a_shop_brand_is_not_a_food_but_keeps_its_category(nlu: OfflineNLU) -> None:
    extraction = nlu.analyzer.analyze("맘스터치 몇 시에 닫아?").extraction
    assert "food_type" not in extraction.entities
    assert extraction.food_category == "햄버거"


def test_negated_food_is_excluded_not_requested(nlu: OfflineNLU) -> None:
    result = nlu.parse("치킨 말고 피자 먹을래")
    assert result.entities["food_type"] == "피자"
    assert result.excluded_food == ("치킨",)
    only_negated = nlu.parse("치킨은 이제 질렸어")
    assert "food_type" not in only_negated.entities
    assert only_negated.excluded_food == ("치킨",)


def test_an_option_value_is_not_the_food_wanted(nlu: OfflineNLU) -> None:
    assert "food_type" not in entities(nlu, "감자는 양념감자로 바꿔줘")


@pytest.mark.parametrize(
    ("text", "budget"),
    [("5천원으로 뭐 먹지", 5000), ("만 오천원 있어", 15000), ("4500으로 먹을 거", 4500), ("친구 2명이랑 3시에", None)],
)
def test_budget(nlu: OfflineNLU, text: str, budget: int | None) -> None:
    assert entities(nlu, text).get("budget") == budget


@pytest.mark.parametrize(
    ("text", "meal"),
    [
        ("점심에 먹을 거", "lunch"),
        ("저녁 메뉴 추천", "dinner"),
        ("아침밥 먹을 데", "breakfast"),
        ("야식 뭐 먹지", "late_night"),
        ("새벽에 여는 곳", "late_night"),
        ("지금 먹을 수 있는 거", "now"),
        ("아침 굶어서 지금 배고파", "now"),
        ("장바구니에 지금까지 담은 거", None),
    ],
)
def test_meal_time(nlu: OfflineNLU, text: str, meal: str | None) -> None:
    assert entities(nlu, text).get("meal_time") == meal


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("강남역 근처 맛집", "강남역 근처"),
        ("강남역쪽 먹을 데", "강남역 쪽"),
        ("학교앞 분식", "학교 앞"),
        ("집 근처 식당", "집 근처"),
        ("이 근처 밥집", "근처"),
        ("홍대에서 먹을 데", "홍대"),
        ("신림중 근처 식당", "신림중 근처"),
        ("우리 동네 맛집", "우리 동네"),
        ("지역 주민 할인", None),
        ("역시 치킨이지", None),
    ],
)
def test_location_as_said(nlu: OfflineNLU, text: str, place: str | None) -> None:
    assert entities(nlu, text).get("location") == place


@pytest.mark.parametrize(
    ("text", "size", "company"),
    [
        ("친구 4명이랑 갈 곳", 4, "friends"),
        ("네 명이서 먹을 데", 4, None),
        ("둘이서 먹을 거", 2, None),
        ("나 포함 5명", 5, None),
        ("친구 셋이랑 나까지", 4, "friends"),
        ("나랑 친구 두 명", 3, "friends"),
        ("엄마랑 저녁 먹을 곳", None, "family"),
        ("가족 외식 장소", None, "family"),
        ("우리 여섯 명인데 자리 있어?", 6, "group"),
        ("단체로 갈 수 있는 데", None, "group"),
        ("혼밥하기 좋은 곳", None, "alone"),
        ("엄마가 용돈 줬어", None, None),
        ("떡볶이 2인분 주세요", None, None),
    ],
)
def test_party_size_and_companions(nlu: OfflineNLU, text: str, size: int | None, company: str | None) -> None:
    found = entities(nlu, text)
    assert found.get("party_size") == size
    assert found.get("companions") == company


@pytest.mark.parametrize(
    ("text", "taste", "diet"),
    [
        ("매운 거 먹고 싶어", "spicy", None),
        ("안 매운 떡볶이", "mild", None),
        ("순한맛으로 주세요", "mild", None),
        ("달달한 거 땡겨", "sweet", None),
        ("짭짤한 거 없나", "salty", None),
        ("나 매운 거 못 먹어", None, ["no_spicy"]),
        ("저 채식해요", None, ["vegetarian"]),
        ("할랄 음식 있나요", None, ["halal"]),
        ("돼지고기 못 먹어요", None, ["no_pork"]),
        ("땅콩 알레르기 있어", None, ["allergy:땅콩"]),
        ("달걀 알러지가 있어요", None, ["allergy:계란"]),
        ("우유랑 새우 알레르기 둘 다 있어", None, ["allergy:우유", "allergy:새우"]),
        ("알레르기 있어서 새우 빼주세요", None, ["allergy:새우"]),
    ],
)
def test_taste_and_dietary_restrictions(nlu: OfflineNLU, text: str, taste: str | None, diet: list[str] | None) -> None:
    found = entities(nlu, text)
    assert found.get("taste") == taste
    assert found.get("dietary_restrictions") == diet


@pytest.mark.parametrize(
    ("text", "reference", "other"),
    [
        ("거기 몇 시까지 해?", "shop", False),
        ("그 집 말고 다른 데", "shop", True),
        ("그 가게 위치 알려줘", "shop", False),
        ("그거 하나 더 주세요", "item", False),
        ("아까 그거 담아줘", "item", False),
        ("딴 거 없어?", None, True),
        ("다른 데 추천해줘", None, True),
        ("치킨 먹고 싶어", None, False),
    ],
)
def test_references_and_something_else(nlu: OfflineNLU, text: str, reference: str | None, other: bool) -> None:
    result = nlu.parse(text)
    assert result.reference == reference
    assert result.wants_other is other


def test_menu_items_of_an_order(nlu: OfflineNLU) -> None:
    result = nlu.parse("불고기버거 세트 하나랑 콜라 두 개 주세요")
    assert result.intent == "order_add"
    assert result.entities["menu_items"] == [
        {"name": "불고기버거 세트", "quantity": 1, "options": []},
        {"name": "콜라", "quantity": 2, "options": []},
    ]
    with_options = nlu.parse("새우버거 세트 두 개 주세요 피클 빼고")
    assert with_options.entities["menu_items"] == [{"name": "새우버거 세트", "quantity": 2, "options": ["피클 빼고"]}]


def test_entities_are_kept_only_where_the_intent_uses_them(nlu: OfflineNLU) -> None:
    order = nlu.parse("데리버거 세트 하나 주세요")
    assert set(order.entities) == {"menu_items"}
    faq = nlu.parse("급식카드 편의점에서 사용 가능한지 궁금해요")
    assert faq.intent == "faq"
    assert faq.entities == {}
    emergency = nlu.parse("배고파 죽겠어 빨리 먹을 거")
    assert emergency.intent == "emergency_food"
    assert emergency.entities["urgency"] == "high"


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("5천원 말고 8천원", 8000),
        ("8천원 말고 5천원", 5000),
        ("3천원 아니고 5천원", 5000),
        ("5천원 말고 더 비싼 거", None),
    ],
)
def test_the_amount_taken_back_is_not_the_budget(nlu: OfflineNLU, text: str, budget: int | None) -> None:
    assert entities(nlu, text).get("budget") == budget


@pytest.mark.parametrize(
    ("text", "company"),
    [("엄마한테 혼날까 봐", None), ("엄마랑 아빠한테 혼날까 봐", None), ("엄마랑 같이 먹을 데", "family")],
)
def test_a_parent_in_a_worry_is_no_company_to_eat_with(nlu: OfflineNLU, text: str, company: str | None) -> None:
    assert entities(nlu, text).get("companions") == company


def test_spicy_food_ruled_out_in_a_correction(nlu: OfflineNLU) -> None:
    assert "매운 것" in nlu.analyzer.analyze("매운 거 말고").extraction.excluded_food
    assert "매운 것" not in nlu.analyzer.analyze("안 매운 걸로").extraction.excluded_food


def test_food_emoji_read_as_foods(nlu: OfflineNLU) -> None:
    assert entities(nlu, "🍕🥤")["food_type"] == "피자"
    assert entities(nlu, "🥤🍕")["food_type"] == "피자"  # a drink goes with the food, it is not the wish
    assert entities(nlu, "🍜?")["food_type"] == "라면"
