"""The dense index over questions and passages: per-entry scores, the passage nearest a query, similar entries."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.retrieval.dense import DenseIndex, relative


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture
def index() -> DenseIndex:
    # entry 0: question, two passages; entry 1: question only; entry 2: question, one passage.
    rows = [_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1), _unit(1, 1, 0), _unit(1, 0, 1), _unit(0, 1, 1)]
    return DenseIndex(np.stack(rows), np.array([0, 0, 0, 1, 2, 2]), 3)


def test_scores_take_the_question_and_the_best_passage(index: DenseIndex) -> None:
    found = index.scores(_unit(0, 0, 1))
    assert found.question.tolist() == pytest.approx([0.0, 0.0, 0.7071], abs=1e-4)
    assert found.passage.tolist() == pytest.approx([1.0, 0.0, 0.7071], abs=1e-4)
    assert found.best.tolist() == pytest.approx([1.0, 0.0, 0.7071], abs=1e-4)
    assert index.best_passage(found, 0) == 1  # the second passage of entry 0
    assert index.best_passage(found, 1) == 0  # no passage: the answer's start


def test_an_earlier_passage_is_shown_unless_a_later_one_is_clearly_nearer() -> None:
    rows = [_unit(1, 0, 0), _unit(0, 1, 0.3), _unit(0, 0.3, 1)]
    index = DenseIndex(np.stack(rows), np.array([0, 0, 0]), 1)
    assert index.best_passage(index.scores(_unit(0, 1, 1)), 0) == 0  # as near as each other: the answer's start
    assert index.best_passage(index.scores(_unit(0, 1, 1.04)), 0) == 0  # a hair nearer the second: still the start
    assert index.best_passage(index.scores(_unit(0, 0.3, 1)), 0) == 1


def test_similar_entries_by_their_questions(index: DenseIndex) -> None:
    assert index.similar(0, 2) == [1, 2]
    assert index.similar(1, 1) == [0]


def test_rows_must_come_entry_by_entry() -> None:
    with pytest.raises(ValueError, match="in order"):
        DenseIndex(np.zeros((2, 3), np.float32), np.array([1, 0]), 2)


def test_relative_scores_run_from_the_floor_to_the_best() -> None:
    values = np.array([0.9, 0.8, 0.85, 0.7, 0.75], dtype=np.float32)
    assert relative(values, rank=3).tolist() == pytest.approx([1.0, 0.0, 0.5, 0.0, 0.0])
