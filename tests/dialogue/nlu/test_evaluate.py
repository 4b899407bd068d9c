"""The scorer of ../shared/spec/nlu.md on tiny hand-made cases with a scripted understander."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dialogue.nlu.evaluate import Case, case_from_json, entity_pairs, evaluate, load_cases
from dialogue.nlu.types import Understanding
from tests.fakes.nlu import ScriptedNLU


def scripted(answers: dict[str, tuple[str, dict[str, Any]]]) -> ScriptedNLU:
    """The suite's scripted understanding, each text read as (intent, entities) at full confidence, nothing else."""
    readings = {
        text: Understanding(intent=intent, confidence=1.0, entities=entities)
        for text, (intent, entities) in answers.items()
    }
    return ScriptedNLU(readings, default=None)


def counts(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {name: (c.tp, c.fp, c.fn) for name, c in entity_pairs(expected, got).items()}


def test_scalar_entities_match_exactly() -> None:
    assert counts({"budget": 5000}, {"budget": 5000}) == {"budget": (1, 0, 0)}
    assert counts({"budget": 5000}, {"budget": 3000}) == {"budget": (0, 1, 1)}
    assert counts({"budget": 5000}, {}) == {"budget": (0, 0, 1)}


def test_any_listed_value_of_a_scalar_label_is_accepted_as_one_pair() -> None:
    label = {"food_type": ["떡볶이", "분식"]}
    assert counts(label, {"food_type": "분식"}) == {"food_type": (1, 0, 0)}
    assert counts(label, {"food_type": "떡볶이"}) == {"food_type": (1, 0, 0)}
    assert counts(label, {"food_type": "치킨"}) == {"food_type": (0, 1, 1)}
    assert counts(label, {}) == {"food_type": (0, 0, 1)}


def test_a_list_entity_gives_one_pair_per_element() -> None:
    label = {"dietary_restrictions": ["allergy:땅콩", "allergy:새우"]}
    assert counts(label, {"dietary_restrictions": ["allergy:땅콩"]}) == {"dietary_restrictions": (1, 0, 1)}
    assert counts(label, {"dietary_restrictions": ["allergy:땅콩", "no_spicy"]}) == {"dietary_restrictions": (1, 1, 1)}


def test_an_entity_type_the_case_does_not_list_counts_against_precision() -> None:
    assert counts({}, {"location": "근처"}) == {"location": (0, 1, 0)}
    assert counts({"budget": 5000}, {"budget": 5000, "meal_time": "now"}) == {
        "budget": (1, 0, 0),
        "meal_time": (0, 1, 0),
    }


def test_menu_items_are_not_scored() -> None:
    items = [{"name": "불고기버거 세트", "quantity": 1, "options": []}]
    assert counts({"menu_items": items}, {"menu_items": []}) == {}
    assert counts({}, {"menu_items": items}) == {}


def test_case_from_json_reads_single_and_listed_intents() -> None:
    one = case_from_json({"text": "안녕", "intent": "general_chat", "entities": {}})
    both = case_from_json({"text": "x", "context": ["a"], "intent": ["food_request", "budget_inquiry"], "entities": {}})
    assert one.intents == ("general_chat",) and one.context == ()
    assert both.intents == ("food_request", "budget_inquiry") and both.context == ("a",)


def test_report_scores_intents_entities_and_lists_errors() -> None:
    cases = [
        Case("5천원으로 치킨", ("food_request", "budget_inquiry"), {"budget": 5000, "food_type": "치킨"}),
        Case("그럼 중식은?", ("food_request",), {"food_type": ["중식"]}, context=("5천원으로 뭐 먹지",)),
        Case("안녕", ("general_chat",), {}),
        Case("쿠폰 있어?", ("coupon_inquiry",), {}),
    ]
    understander = scripted(
        {
            "5천원으로 치킨": ("budget_inquiry", {"budget": 5000, "food_type": "치킨"}),
            "그럼 중식은?": ("food_request", {"food_type": "중식", "location": "근처"}),
            "안녕": ("out_of_scope", {}),
            "쿠폰 있어?": ("coupon_inquiry", {"menu_items": []}),
        }
    )
    report = evaluate(understander, cases).as_dict()
    assert understander.contexts[1] == ("5천원으로 뭐 먹지",)
    assert report["cases"] == 4
    assert report["intent_accuracy"] == 0.75
    # 3 true pairs, 1 pair of a type not listed (location), no missed pair.
    assert (report["entity_precision"], report["entity_recall"]) == (0.75, 1.0)
    assert report["entity_f1"] == pytest.approx(0.8571, abs=1e-4)
    assert report["per_entity"]["location"]["fp"] == 1
    assert report["per_intent"]["general_chat"] == {
        "cases": 1,
        "accuracy": 0.0,
        "precision": 1.0,
        "confused_with": {"out_of_scope": 1},
    }
    assert [e["text"] for e in report["errors"]] == ["안녕"]
    assert [e["text"] for e in report["entity_errors"]] == ["그럼 중식은?"]


def test_load_cases_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"text": "안녕", "intent": "general_chat", "entities": {}}\n\n', encoding="utf-8")
    assert len(load_cases(path)) == 1


def test_styles_precision_and_confusion_are_reported() -> None:
    cases = [
        Case("a", ("food_request",), {}, style="typo"),
        Case("b", ("faq",), {}, style="typo"),
        Case("c", ("faq",), {}, style="casual"),
    ]
    fake = scripted({"a": ("food_request", {}), "b": ("food_request", {}), "c": ("faq", {})})
    report = evaluate(fake, cases).as_dict()
    assert report["per_style"]["typo"]["intent_accuracy"] == 0.5
    assert report["per_style"]["casual"]["intent_accuracy"] == 1.0
    assert report["per_intent"]["food_request"]["precision"] == 0.5
    assert report["confusion"]["faq"] == {"food_request": 1, "faq": 1}
