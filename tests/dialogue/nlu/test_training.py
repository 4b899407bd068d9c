"""Training from examples: a small model trained here parses its own kind of message; the shipped examples are sane."""

from __future__ import annotations

from collections import Counter

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
