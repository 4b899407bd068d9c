"""Training from examples: a small model trained here parses its own kind of message; the shipped examples are sane."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dialogue.nlu.classifier import LinearModel, TrainingOptions
from dialogue.nlu.training import examples, split
from dialogue.nlu.types import INTENTS
from dialogue.nlu.understander import OfflineNLU


def test_linear_model_learns_separable_bags_deterministically() -> None:
    samples = [["a", "x"], ["a", "y"], ["b", "x"], ["b", "y"]]
    targets = ["A", "A", "B", "B"]
    first = LinearModel.train(samples, targets, TrainingOptions(iterations=50))
    second = LinearModel.train(samples, targets, TrainingOptions(iterations=50))
    assert max(first.predict(["a"]).items(), key=lambda kv: kv[1])[0] == "A"
    assert max(first.predict(["b", "zzz"]).items(), key=lambda kv: kv[1])[0] == "B"
    assert first.predict(["a", "x"]) == second.predict(["a", "x"])
    assert abs(sum(first.predict(["q"]).values()) - 1.0) < 1e-9


def test_an_understander_trained_on_a_handful_of_examples(nlu: OfflineNLU) -> None:
    handful = [
        ("떡볶이 먹고 싶어", "food_request"),
        ("피자 땡긴다", "food_request"),
        ("짜장면 먹을래", "food_request"),
        ("장바구니 보여줘", "cart_view"),
        ("카트 확인", "cart_view"),
        ("담은 거 보여줘", "cart_view"),
        ("안녕", "general_chat"),
        ("고마워", "general_chat"),
        ("반가워", "general_chat"),
    ]
    small = OfflineNLU(examples=handful, kiwi=nlu.analyzer.kiwi)
    assert small.parse("치킨 먹고 싶다").intent == "food_request"
    assert small.parse("장바구니 좀 보여줘").intent == "cart_view"
    assert small.parse("안녕하세요").intent == "general_chat"
    assert small.parse("김밥 먹을래").entities == {"food_type": "김밥"}


def test_shipped_examples_cover_every_intent_generously() -> None:
    counts = Counter(intent for _, intent in examples())
    assert set(counts) == set(INTENTS)
    assert min(counts.values()) >= 60
    texts = [text for text, _ in examples()]
    assert len(texts) == len(set(texts)), "duplicate training examples"


def test_held_out_examples_are_classified_well(nlu: OfflineNLU) -> None:
    train, held = split(5)
    model = OfflineNLU(examples=train, kiwi=nlu.analyzer.kiwi)
    correct = sum(model.parse(text).intent == intent for text, intent in held)
    assert correct / len(held) >= 0.9


def test_augmented_variants_are_deterministic_and_new() -> None:
    from dialogue.nlu.training.augment import augmented, variants

    assert variants("떡볶이 먹고 싶어", 2) == variants("떡볶이 먹고 싶어", 2)
    assert all(v != "떡볶이 먹고 싶어" for v in variants("떡볶이 먹고 싶어", 2))
    pairs = augmented([("장바구니 보여줘", "cart_view"), ("결제할게", "checkout")], 1)
    assert pairs[:2] == [("장바구니 보여줘", "cart_view"), ("결제할게", "checkout")]
    assert len({text for text, _ in pairs}) == len(pairs)


def test_a_fitted_model_is_cached_by_content_and_read_back(nlu: OfflineNLU, tmp_path: Path) -> None:
    handful = [("떡볶이 먹고 싶어", "food_request"), ("장바구니 보여줘", "cart_view"), ("안녕", "general_chat")]
    first = OfflineNLU(examples=handful, kiwi=nlu.analyzer.kiwi, cache_dir=tmp_path)
    cached = list(tmp_path.glob("intent-*.npz"))
    assert len(cached) == 1
    second = OfflineNLU(examples=handful, kiwi=nlu.analyzer.kiwi, cache_dir=tmp_path)
    assert second.parse("장바구니 좀").intent == first.parse("장바구니 좀").intent
    assert second.model.model.predict(["BIAS"]) == pytest.approx(first.model.model.predict(["BIAS"]), abs=1e-6)
    OfflineNLU(examples=[*handful, ("결제할게", "checkout")], kiwi=nlu.analyzer.kiwi, cache_dir=tmp_path)
    retrained = list(tmp_path.glob("intent-*.npz"))
    assert len(retrained) == 1 and retrained != cached  # other examples: trained anew, the stale model removed


def test_understanding_gives_confidence_margin_and_runner_up(nlu: OfflineNLU) -> None:
    clear = nlu.parse("장바구니 보여줘")
    assert clear.intent == "cart_view" and clear.confidence > 0.8 and clear.margin > 0.5
    assert clear.runner_up in INTENTS and clear.runner_up != "cart_view"


def test_own_follow_ups_keep_the_thread(nlu: OfflineNLU) -> None:
    from dialogue.nlu.evaluate import evaluate, load_cases

    report = evaluate(nlu, load_cases(Path(__file__).parent / "data" / "own_followups.jsonl")).as_dict()
    assert report["intent_accuracy"] >= 0.9, report["errors"]
