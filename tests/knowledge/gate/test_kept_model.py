"""The scope model kept between starts: loaded when trained from the same inputs, trained again otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.gate import classifier
from knowledge.gate.classifier import BinaryModel, train_kept

SAMPLES = [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["a", "b", "c"], ["d", "e"]]
TARGETS = [True, True, False, False, True, False]


def test_a_start_with_the_same_inputs_loads_the_kept_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = train_kept(tmp_path, "seller", SAMPLES, TARGETS)
    (kept,) = tmp_path.glob("gate-seller-*.npz")

    def no_training(*args: object, **kwargs: object) -> BinaryModel:
        raise AssertionError("trained again although the inputs did not change")

    monkeypatch.setattr(classifier.BinaryModel, "train", no_training)
    again = train_kept(tmp_path, "seller", SAMPLES, TARGETS)
    assert again.vocabulary == first.vocabulary and again.bias == first.bias
    assert np.array_equal(again.weights, first.weights)
    assert again.probability(["a", "b"]) == first.probability(["a", "b"]) and kept.is_file()


def test_other_inputs_train_a_new_model_and_the_old_one_goes(tmp_path: Path) -> None:
    train_kept(tmp_path, "seller", SAMPLES, TARGETS)
    (old,) = tmp_path.glob("gate-seller-*.npz")
    train_kept(tmp_path, "seller", [*SAMPLES, ["a", "e"]], [*TARGETS, True])
    (new,) = tmp_path.glob("gate-seller-*.npz")
    assert new != old and not old.exists()
    train_kept(tmp_path, "meal", SAMPLES, TARGETS)
    assert new.exists()  # another assistant's model is its own


def test_an_unreadable_kept_model_is_trained_again(tmp_path: Path) -> None:
    expected = train_kept(None, "seller", SAMPLES, TARGETS)
    train_kept(tmp_path, "seller", SAMPLES, TARGETS)
    (kept,) = tmp_path.glob("gate-seller-*.npz")
    kept.write_bytes(b"not a model")
    model = train_kept(tmp_path, "seller", SAMPLES, TARGETS)
    assert np.array_equal(model.weights, expected.weights)
    assert BinaryModel.load(kept).vocabulary == expected.vocabulary  # written anew
