"""Cross-validation of the intent model on kkini's own examples, and the temperature that calibrates it.

Folds are grouped: an example and its noisy variants (training/augment.py) are always on the same side, so a fold
never tests on a spelling of a sentence it trained on. Held-out examples are scored as written and once with noise.
``TrainingOptions.temperature`` is the value ``cross_validate`` fits here; rerun it when the examples or features
change a lot (``python -m dialogue.nlu.calibration``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dialogue.nlu.analysis import Analyzer
from dialogue.nlu.classifier import FloatArray, LinearModel, TrainingOptions, fit_temperature
from dialogue.nlu.intents import features
from dialogue.nlu.training.augment import variants


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Held-out accuracy (as written and with noise), the fitted temperature and the calibration error."""

    folds: int
    examples: int
    accuracy: float
    noisy_accuracy: float
    temperature: float
    calibration_error: float
    """Expected calibration error (10 bins) of the held-out confidences at ``temperature``."""


def cross_validate(
    analyzer: Analyzer, pairs: Sequence[tuple[str, str]], folds: int = 5, options: TrainingOptions | None = None
) -> CrossValidation:
    """Train ``folds`` models, each without one fold of ``pairs``, and score the model alone (no rules)."""
    options = options or TrainingOptions()
    plain = dataclasses.replace(options, augment=0, temperature=1.0)
    noisy = {text: variants(text, max(options.augment, 1)) for text, _ in pairs}
    bags = {t: features(analyzer.analyze(t)) for text, _ in pairs for t in (text, *noisy[text])}
    logits: list[FloatArray] = []
    targets: list[str] = []
    noisy_right = noisy_total = 0
    for fold in range(folds):
        train = [pair for i, pair in enumerate(pairs) if i % folds != fold]
        test = [pair for i, pair in enumerate(pairs) if i % folds == fold]
        samples, labels = [], []
        for text, intent in train:
            for t in (text, *noisy[text][: options.augment]):
                samples.append(bags[t])
                labels.append(intent)
        model = LinearModel.train(samples, labels, plain)
        for text, intent in test:
            logits.append(model.logits(bags[text]))
            targets.append(intent)
            for t in noisy[text][:1]:
                noisy_total += 1
                noisy_right += model.labels[int(np.argmax(model.logits(bags[t])))] == intent
        index = {label: i for i, label in enumerate(model.labels)}
        assert all(label in index for label in targets), "every fold must see every intent"
    labels_order = sorted(set(targets))
    matrix = np.vstack(logits)
    target_index = [labels_order.index(t) for t in targets]
    temperature = fit_temperature(matrix, target_index)
    return CrossValidation(
        folds=folds,
        examples=len(pairs),
        accuracy=round(float(np.mean(np.argmax(matrix, axis=1) == target_index)), 4),
        noisy_accuracy=round(noisy_right / noisy_total, 4) if noisy_total else 0.0,
        temperature=temperature,
        calibration_error=round(_ece(matrix / temperature, target_index), 4),
    )


def _ece(logits: FloatArray, targets: Sequence[int], bins: int = 10) -> float:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = shifted / shifted.sum(axis=1, keepdims=True)
    confidence = probs.max(axis=1)
    right = np.argmax(probs, axis=1) == np.asarray(targets)
    error = 0.0
    for low in np.linspace(0, 1, bins, endpoint=False):
        inside = (confidence > low) & (confidence <= low + 1 / bins)
        if inside.any():
            error += inside.mean() * abs(confidence[inside].mean() - right[inside].mean())
    return float(error)


if __name__ == "__main__":
    from dialogue.nlu.training import examples

    print(cross_validate(Analyzer(), examples()))
