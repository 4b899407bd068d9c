"""A multinomial logistic-regression model over sparse binary features, trained with full-batch Adam in numpy.

Small and dependency-light on purpose: the training set is about a thousand short messages, so a linear model over
character n-grams, morphemes and cue features is both accurate enough and trained in well under two seconds.
Training is deterministic (zero initialisation, fixed iteration count, no sampling).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """How hard to fit: iterations of Adam, step size and the L2 penalty on weights."""

    iterations: int = 60
    learning_rate: float = 0.3
    l2: float = 2e-4
    min_count: int = 1


class LinearModel:
    """Softmax regression; ``predict`` maps a bag of feature names to a probability per label."""

    def __init__(
        self, labels: Sequence[str], vocabulary: dict[str, int], weights: FloatArray, bias: FloatArray
    ) -> None:
        self.labels = tuple(labels)
        self.vocabulary = vocabulary
        self.weights = weights
        self.bias = bias

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
        rows, cols, values = _sparse(samples, vocabulary)
        n, k, d = len(samples), len(labels), len(vocabulary)
        y = np.zeros((n, k))
        y[np.arange(n), [label_index[t] for t in targets]] = 1.0
        order = np.argsort(cols, kind="stable")
        sorted_cols = cols[order]
        starts = np.concatenate(([0], np.flatnonzero(np.diff(sorted_cols)) + 1))
        present = sorted_cols[starts]
        row_starts = np.concatenate(([0], np.flatnonzero(np.diff(rows)) + 1))
        weights, bias = np.zeros((d, k)), np.zeros(k)
        moments = [np.zeros((d, k)), np.zeros((d, k)), np.zeros(k), np.zeros(k)]
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        for step in range(1, options.iterations + 1):
            scores = np.add.reduceat(weights[cols] * values[:, None], row_starts) + bias
            probs = _softmax(scores)
            error = (probs - y) / n
            grad_w = np.zeros((d, k))
            grad_w[present] = np.add.reduceat(error[rows[order]] * values[order, None], starts)
            grad_w += options.l2 * weights
            grad_b = error.sum(axis=0)
            for param, grad, m, v in (
                (weights, grad_w, moments[0], moments[1]),
                (bias, grad_b, moments[2], moments[3]),
            ):
                m *= beta1
                m += (1 - beta1) * grad
                v *= beta2
                v += (1 - beta2) * grad * grad
                m_hat = m / (1 - beta1**step)
                v_hat = v / (1 - beta2**step)
                param -= options.learning_rate * m_hat / (np.sqrt(v_hat) + eps)
        return cls(labels, vocabulary, weights, bias)

    def predict(self, features: Sequence[str]) -> dict[str, float]:
        """Probability of each label for one example's feature names."""
        ids = sorted({self.vocabulary[name] for name in features if name in self.vocabulary})
        scores = self.bias.copy()
        if ids:
            scores = scores + self.weights[ids].sum(axis=0) / np.sqrt(len(ids))
        probs = _softmax(scores[None, :])[0]
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}


def _sparse(
    samples: Sequence[Sequence[str]], vocabulary: dict[str, int]
) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]:
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for r, sample in enumerate(samples):
        ids = sorted({vocabulary[name] for name in sample if name in vocabulary})
        if not ids:
            raise ValueError(f"example {r} has no known feature")
        scale = 1.0 / np.sqrt(len(ids))
        rows.extend([r] * len(ids))
        cols.extend(ids)
        values.extend([scale] * len(ids))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(values)


def _softmax(scores: FloatArray) -> FloatArray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: FloatArray = exp / exp.sum(axis=1, keepdims=True)
    return result
