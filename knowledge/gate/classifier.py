"""A binary logistic-regression model over sparse binary features, trained with full-batch Adam in numpy.

Deterministic (zero initialisation, fixed iteration count, no sampling) and small: a few thousand short texts train in
well under a second. Each class carries half of the total weight, so a large in-scope corpus (a collection's own
questions) does not drown the written out-of-scope examples.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from knowledge.index.kept import kept, write_npz

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """How hard to fit: Adam iterations and step size, the L2 penalty, and how often a feature must occur."""

    iterations: int = 300
    learning_rate: float = 0.1
    l2: float = 1e-5
    min_count: int = 2


class BinaryModel:
    """``probability(features)``: the chance that an example with these feature names is positive."""

    def __init__(self, vocabulary: dict[str, int], weights: FloatArray, bias: float) -> None:
        self.vocabulary = vocabulary
        self.weights = weights
        self.bias = bias

    @classmethod
    def train(
        cls,
        samples: Sequence[Sequence[str]],
        targets: Sequence[bool],
        options: TrainingOptions | None = None,
        example_weights: Sequence[float] | None = None,
    ) -> BinaryModel:
        """Fit on ``samples`` (feature names per example) labelled ``targets``; both classes must occur.

        Each class weighs one half in total, shared among its examples in proportion to ``example_weights``
        (equally when None).
        """
        options = options or TrainingOptions()
        y = np.array(targets, dtype=np.float64)
        positives = float(y.sum())
        if positives == 0 or positives == len(y):
            raise ValueError("training needs positive and negative examples")
        given = example_weights if example_weights is not None else [1.0] * len(y)
        sample_weight = _balanced(y, np.array(given, dtype=np.float64))
        counts: dict[str, int] = {}
        for sample in samples:
            for name in set(sample):
                counts[name] = counts.get(name, 0) + 1
        names = sorted(name for name, count in counts.items() if count >= options.min_count)
        vocabulary = {name: i for i, name in enumerate(names)}
        rows, cols, values = _sparse(samples, vocabulary)
        n, d = len(samples), len(vocabulary)
        weights: FloatArray = np.zeros(d)
        bias = 0.0
        m_w, v_w, m_b, v_b = np.zeros(d), np.zeros(d), 0.0, 0.0
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        for step in range(1, options.iterations + 1):
            scores = np.bincount(rows, weights=weights[cols] * values, minlength=n).astype(np.float64) + bias
            error = (_sigmoid(scores) - y) * sample_weight
            grad_w = np.bincount(cols, weights=error[rows] * values, minlength=d) + options.l2 * weights
            grad_b = float(error.sum())
            m_w = beta1 * m_w + (1 - beta1) * grad_w
            v_w = beta2 * v_w + (1 - beta2) * grad_w * grad_w
            m_b = beta1 * m_b + (1 - beta1) * grad_b
            v_b = beta2 * v_b + (1 - beta2) * grad_b * grad_b
            correction1, correction2 = 1 - beta1**step, 1 - beta2**step
            weights -= options.learning_rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
            bias -= options.learning_rate * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
        return cls(vocabulary, weights, bias)

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (numpy's npz, no pickled objects), atomically."""
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        write_npz(path, {"names": np.array(names, dtype=str), "weights": self.weights, "bias": np.array(self.bias)})

    @classmethod
    def load(cls, path: Path) -> BinaryModel:
        with np.load(path, allow_pickle=False) as stored:
            names = [str(name) for name in stored["names"]]
            weights = np.asarray(stored["weights"], dtype=np.float64)
            bias = float(stored["bias"])
        if len(names) != len(weights):
            raise ValueError(f"{path}: {len(names)} features but {len(weights)} weights")
        return cls({name: i for i, name in enumerate(names)}, weights, bias)

    def logit(self, features: Sequence[str]) -> float:
        """The model's log-odds for one example (the bias alone when no feature is known)."""
        ids = sorted({self.vocabulary[name] for name in features if name in self.vocabulary})
        if not ids:
            return self.bias
        return float(self.weights[ids].sum() / np.sqrt(len(ids)) + self.bias)

    def probability(self, features: Sequence[str]) -> float:
        """The chance in [0, 1] that the example is positive."""
        return float(_sigmoid(np.array([self.logit(features)]))[0])


TRAINING_VERSION = 1
"""Part of a kept model's key: raise it when ``BinaryModel.train`` changes what it computes."""


def train_kept(
    folder: Path | None,
    name: str,
    samples: Sequence[Sequence[str]],
    targets: Sequence[bool],
    options: TrainingOptions | None = None,
    example_weights: Sequence[float] | None = None,
) -> BinaryModel:
    """``BinaryModel.train``, kept in ``folder`` under a key of everything it was trained from: training is
    deterministic, so a start with the same examples, collection and options loads the model (milliseconds) instead
    of training it again (about a second for the SmartStore gate). Other kept models of ``name`` are removed.
    Without a folder, or when the kept file cannot be read or written, it trains as usual."""
    options = options or TrainingOptions()
    if folder is None:
        return BinaryModel.train(samples, targets, options, example_weights)
    key = hashlib.sha256(
        json.dumps(
            [TRAINING_VERSION, asdict(options), [list(s) for s in samples], list(targets), example_weights],
            ensure_ascii=False,
        ).encode("utf-8")
    ).hexdigest()[:24]
    return kept(
        folder,
        f"gate-{name}",
        key,
        load=BinaryModel.load,
        build=lambda: BinaryModel.train(samples, targets, options, example_weights),
        what="scope model",
    )


def _balanced(y: FloatArray, weights: FloatArray) -> FloatArray:
    """Per-example weights scaled so that each class sums to one half."""
    positive = y == 1.0
    out: FloatArray = np.where(
        positive, 0.5 * weights / weights[positive].sum(), 0.5 * weights / weights[~positive].sum()
    )
    return out


def _sparse(samples: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> tuple[IntArray, IntArray, FloatArray]:
    """COO rows, columns and values; each row's known features share a total squared weight of one."""
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for r, sample in enumerate(samples):
        ids = sorted({vocabulary[name] for name in sample if name in vocabulary})
        if not ids:
            continue
        scale = 1.0 / np.sqrt(len(ids))
        rows.extend([r] * len(ids))
        cols.extend(ids)
        values.extend([scale] * len(ids))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(values, dtype=np.float64)


def _sigmoid(x: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))
    return result
