"""Slots across turns: what a new question keeps from the one before, and what it starts over."""

from __future__ import annotations

import pytest

from dialogue.nlu.types import Understanding
from dialogue.slots import merge_slots

DESSERT = {"food": "디저트", "food_category": "카페/디저트", "budget": 8000}


@pytest.mark.parametrize("text", ["5천원으로 뭐 먹지?", "아침 7시에 먹을 데", "아무거나 추천해줘"])
def test_an_open_question_without_a_food_starts_over_on_the_food(text: str) -> None:
    merged = merge_slots(DESSERT, Understanding("budget_inquiry", 0.9, {}), text)
    assert "food" not in merged and "food_category" not in merged
    assert merged["budget"] == 8000  # the money said before still holds


@pytest.mark.parametrize(
    ("text", "understanding"),
    [
        ("8천원이면?", Understanding("budget_inquiry", 0.9, {"budget": 8000})),
        ("다른 데 먹을 데", Understanding("food_request", 0.9, {}, wants_other=True)),
        ("빵집 말고 먹을 데", Understanding("food_request", 0.9, {}, excluded_food=("제과점",))),
        ("거기 뭐 있어?", Understanding("food_request", 0.9, {}, reference="shop")),
        ("뭐 먹지", Understanding("balance_inquiry", 0.9, {})),
    ],
)
def test_a_fragment_a_correction_or_another_intent_keeps_the_food(text: str, understanding: Understanding) -> None:
    assert merge_slots(DESSERT, understanding, text)["food"] == "디저트"


def test_a_food_named_in_an_open_question_is_the_new_food() -> None:
    merged = merge_slots(
        DESSERT, Understanding("food_request", 0.9, {"food_type": "떡볶이"}, food_category="분식"), "떡볶이 먹을 데"
    )
    assert (merged["food"], merged["food_category"]) == ("떡볶이", "분식")
