"""The stored calibration still holds on the held-out fifth of the written examples (the gate trained without it)."""

from __future__ import annotations

import pytest

from knowledge.gate import MEAL_CALIBRATION, SELLER_CALIBRATION, ScopeGate, meal_gate, seller_gate
from knowledge.gate.assistants import example_pairs
from knowledge.gate.calibration import HitsSource, best_threshold, lexical_hits, score_at
from knowledge.gate.examples import meal_examples, seller_examples
from knowledge.types import FaqEntry


def _refusal_rates(gate: ScopeGate, held: list[tuple[str, bool]], search: HitsSource | None) -> tuple[float, float]:
    decided = [(gate.decide(text, search(text) if search else ())[0], label) for text, label in held]
    rejection = sum(not d for d, label in decided if not label) / sum(not label for _, label in decided)
    false_refusals = sum(not d for d, label in decided if label) / sum(label for _, label in decided)
    return rejection, false_refusals


@pytest.fixture(scope="module")
def held_out_gates(
    seller_entries: list[FaqEntry], meal_entries: list[FaqEntry]
) -> dict[str, tuple[ScopeGate, HitsSource]]:
    """Each assistant's gate trained without the held-out split, and a stand-in retriever over its entries."""
    return {
        "seller": (
            seller_gate(seller_entries, calibration=SELLER_CALIBRATION, with_held_out=False),
            lexical_hits(seller_entries),
        ),
        "meal": (
            meal_gate(meal_entries, calibration=MEAL_CALIBRATION, with_held_out=False),
            lexical_hits(meal_entries),
        ),
    }


@pytest.mark.parametrize("assistant", ["seller", "meal"])
def test_text_alone_meets_the_targets_on_the_held_out_split(
    held_out_gates: dict[str, tuple[ScopeGate, HitsSource]], assistant: str
) -> None:
    gate, _ = held_out_gates[assistant]
    rejection, false_refusals = _refusal_rates(gate, example_pairs(assistant, True), None)
    assert rejection >= 0.95
    assert false_refusals <= 0.05


@pytest.mark.parametrize("assistant", ["seller", "meal"])
def test_stand_in_hits_keep_the_gate_near_the_targets(
    held_out_gates: dict[str, tuple[ScopeGate, HitsSource]], assistant: str
) -> None:
    # The weights were fitted on the hybrid retriever's hits; a plain lexical retriever must not break them.
    gate, search = held_out_gates[assistant]
    rejection, false_refusals = _refusal_rates(gate, example_pairs(assistant, True), search)
    assert rejection >= 0.92
    assert false_refusals <= 0.06


def test_the_split_holds_out_a_fifth_of_every_file() -> None:
    for examples in (seller_examples(), meal_examples()):
        held = [e for e in examples if e.held_out]
        assert 0.18 <= len(held) / len(examples) <= 0.22
        assert {e.source for e in held} == {e.source for e in examples}


def test_each_side_has_at_least_300_written_examples() -> None:
    for examples in (seller_examples(), meal_examples()):
        assert sum(e.in_scope for e in examples) >= 300
        assert sum(not e.in_scope for e in examples) >= 300


def test_best_threshold_prefers_the_middle_of_the_run_meeting_both_targets() -> None:
    probabilities = [0.1] * 20 + [0.3] + [0.9] * 20
    labels = [False] * 20 + [False] + [True] * 20
    chosen = best_threshold(probabilities, labels)
    assert 0.3 < chosen.threshold < 0.9
    assert chosen.rejection == 1.0 and chosen.false_refusals == 0.0


def test_without_a_feasible_threshold_the_fewest_errors_win() -> None:
    probabilities = [0.2, 0.4, 0.6, 0.8]
    labels = [False, True, False, True]
    chosen = best_threshold(probabilities, labels)
    assert chosen.errors == min(score_at(probabilities, labels, t).errors for t in (0.1, 0.3, 0.5, 0.7, 0.9))
