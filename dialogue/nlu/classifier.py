"""A calibrated multinomial logistic-regression model over sparse binary features, trained with Adam in numpy.

Small and dependency-light on purpose (no scikit-learn or scipy): the training set is a few thousand short messages,
so a linear model over character and jamo n-grams, morphemes and cue features is accurate enough and trains in a
few seconds. Training is deterministic (zero initialisation, fixed iteration count, no sampling). Probabilities are
calibrated by one temperature on the logits (``TrainingOptions.temperature``), fitted by ``fit_temperature`` on
cross-validated logits of kkini's own examples, so that a confidence of 0.7 is right about 70% of the time on
messages the model did not see. ``save`` / ``load`` keep a fitted model in an ``.npz`` file (no pickle).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge.index.kept import write_npz

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """How hard to fit: iterations of Adam, step size and the L2 penalty on weights."""

    iterations: int = 60
    learning_rate: float = 0.3
    l2: float = 2e-4
    min_count: int = 1
    augment: int = 1
    """Noisy variants (training/augment.py) added per example before training; 0 trains on the examples as given."""
    temperature: float = 0.45
    """Logits are divided by it before the softmax. Fitted by dialogue/nlu/calibration.py on held-out folds: the
    regularised, briefly trained fit spreads its probabilities too thin, so the calibrated value is below 1."""


class LinearModel:
    """Softmax regression; ``predict`` maps a bag of feature names to a probability per label."""

    def __init__(
        self,
        labels: Sequence[str],
        vocabulary: dict[str, int],
        weights: FloatArray,
        bias: FloatArray,
        temperature: float = 1.0,
    ) -> None:
        self.labels = tuple(labels)
        self.vocabulary = vocabulary
        self.weights = weights
        self.bias = bias
        self.temperature = temperature

    def save(self, path: Path) -> None:
        """Write the fitted model to ``path`` (an .npz of plain arrays, written atomically)."""
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        arrays = {
            "labels": np.array(self.labels, dtype=str),
            "vocabulary": np.array(names, dtype=str),
            "weights": self.weights.astype(np.float32),
            "bias": self.bias,
            "temperature": np.array([self.temperature]),
        }
        write_npz(path, arrays)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """A model written by ``save``; pickled objects are refused."""
        with np.load(path, allow_pickle=False) as data:
            names = [str(name) for name in data["vocabulary"]]
            return cls(
                [str(label) for label in data["labels"]],
                {name: i for i, name in enumerate(names)},
                data["weights"].astype(np.float64),
                data["bias"].astype(np.float64),
                float(data["temperature"][0]),
            )

    @classmethod
    def train(
        cls, samples: Sequence[Sequence[str]], targets: Sequence[str], options: TrainingOptions | None = None
    ) -> LinearModel:
        """Fit on ``samples`` (feature names per example) labelled ``targets``."""
        options = options or TrainingOptions()
        labels = sorted(set(targets))
        label_index = {label: i for i, label in enumerate(labels)}
        counts: dict[str, int] = {}
        for sample in samples:
            for name in set(sample):
                counts[name] = counts.get(name, 0) + 1
        vocabulary = {name: i for i, name in enumerate(sorted(n for n, c in counts.items() if c >= options.min_count))}
        rows, cols, scale = _sparse(samples, vocabulary)
        n, k, d = len(samples), len(labels), len(vocabulary)
        y = np.zeros((n, k), dtype=np.float32)
        y[np.arange(n), [label_index[t] for t in targets]] = 1.0
        # Every value of a row is the same (1/sqrt(row length)), so X @ W is a gather, a sum per row and a scale.
        row_starts = np.concatenate(([0], np.flatnonzero(np.diff(rows)) + 1))
        order = np.argsort(cols, kind="stable")
        col_rows = rows[order]
        col_starts = np.concatenate(([0], np.flatnonzero(np.diff(cols[order])) + 1))
        weights = np.zeros((d, k), dtype=np.float32)
        bias = np.zeros(k, dtype=np.float32)
        m_w, v_w = np.zeros_like(weights), np.zeros_like(weights)
        m_b, v_b = np.zeros_like(bias), np.zeros_like(bias)
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        step_w = np.empty_like(weights)
        for step in range(1, options.iterations + 1):
            scores = np.add.reduceat(weights[cols], row_starts) * scale[:, None] + bias
            difference = _softmax(scores) - y
            grad_b = difference.sum(axis=0) / n
            difference *= scale[:, None] / n
            grad_w = np.add.reduceat(difference[col_rows], col_starts)
            grad_w += options.l2 * weights
            correction = options.learning_rate * np.sqrt(1 - beta2**step) / (1 - beta1**step)
            for param, grad, m, v, buffer in ((weights, grad_w, m_w, v_w, step_w), (bias, grad_b, m_b, v_b, None)):
                m *= beta1
                m += (1 - beta1) * grad
                v *= beta2
                grad *= grad
                v += (1 - beta2) * grad
                if buffer is None:
                    param -= correction * m / (np.sqrt(v) + eps)
                else:
                    np.sqrt(v, out=buffer)
                    buffer += eps
                    np.divide(m, buffer, out=buffer)
                    buffer *= correction
                    param -= buffer
        return cls(labels, vocabulary, weights.astype(np.float64), bias.astype(np.float64), options.temperature)

    def logits(self, features: Sequence[str]) -> FloatArray:
        """The uncalibrated score of each label (in ``labels`` order) for one example's feature names."""
        ids = list({self.vocabulary[name] for name in features if name in self.vocabulary})
        if not ids:
            return self.bias.copy()
        result: FloatArray = self.bias + self.weights[ids].sum(axis=0) / math.sqrt(len(ids))
        return result

    def predict(self, features: Sequence[str]) -> dict[str, float]:
        """Calibrated probability of each label for one example's feature names."""
        probs = _softmax(self.logits(features)[None, :] / self.temperature)[0]
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}


def fit_temperature(logits: FloatArray, targets: Sequence[int]) -> float:
    """The temperature that minimises the negative log-likelihood of ``targets`` (label indices) under ``logits``.

    ``logits`` should come from examples the model was not trained on (cross-validation folds).
    """
    rows = np.arange(len(targets))
    index = np.asarray(targets)

    def nll(log_t: float) -> float:
        probs = _softmax(logits / math.exp(log_t))
        return float(-np.log(np.maximum(probs[rows, index], 1e-12)).mean())

    low, high = math.log(0.2), math.log(10.0)
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = high - golden * (high - low), low + golden * (high - low)
        if nll(a) < nll(b):
            high = b
        else:
            low = a
    return round(math.exp((low + high) / 2), 3)


def _sparse(
    samples: Sequence[Sequence[str]], vocabulary: dict[str, int]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
    """(row, column) of every present feature, rows in order, and each row's scale 1/sqrt(its feature count)."""
    rows: list[int] = []
    cols: list[int] = []
    scale: list[float] = []
    for r, sample in enumerate(samples):
        ids = sorted({vocabulary[name] for name in sample if name in vocabulary})
        if not ids:
            raise ValueError(f"example {r} has no known feature")
        rows.extend([r] * len(ids))
        cols.extend(ids)
        scale.append(1.0 / np.sqrt(len(ids)))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(scale, dtype=np.float32)


def _softmax(scores: NDArray[np.floating[Any]]) -> FloatArray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: FloatArray = exp / exp.sum(axis=1, keepdims=True)
    return result
