"""Calibrating the gates: ``uv run python -m knowledge.gate.calibration [--lexical] [faq.pkl]``.

For each assistant the gate is trained without the held-out fifth of its examples. Evidence weights (coverage of the
query by the hits' questions, the first hit's embedding similarity) come from a small logistic regression on
out-of-fold classifier log-odds of the training split (5 folds), and are kept only if they lower the out-of-fold
error. Hits come from the hybrid retriever built in memory (about two minutes for the SmartStore FAQ: kiwi reads
every answer) or, with --lexical, from a stand-in that returns the nearest questions by character bigrams.

Each threshold is the middle of the widest run of thresholds meeting both targets on the held-out split (rejection,
the share of out-of-scope examples refused, >= 0.95; false refusals, the share of in-scope ones refused, <= 0.05),
or the run with the fewest errors when none does.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from knowledge.gate.assistants import build_gate, example_pairs
from knowledge.gate.lexical import LexicalIndex
from knowledge.gate.scope import RULE_CEILING, Calibration, ScopeGate
from knowledge.types import FaqEntry, Hit

FOLDS = 5
TARGET_REJECTION = 0.95
TARGET_FALSE_REFUSALS = 0.05
HitsSource = Callable[[str], Sequence[Hit]]


@dataclass(frozen=True, slots=True)
class SplitScore:
    """How a threshold does on labelled examples: the refused share of each side."""

    threshold: float
    rejection: float
    false_refusals: float
    n_in: int
    n_out: int

    def __str__(self) -> str:
        return (
            f"threshold {self.threshold:.3f}: rejection {self.rejection:.3f} of {self.n_out}, "
            f"false refusals {self.false_refusals:.3f} of {self.n_in}"
        )

    @property
    def errors(self) -> float:
        return 1 - self.rejection + self.false_refusals


def score_at(probabilities: Sequence[float], labels: Sequence[bool], threshold: float) -> SplitScore:
    """Rejection and false refusals when everything under ``threshold`` is refused."""
    p, y = np.array(probabilities), np.array(labels, dtype=bool)
    return SplitScore(
        threshold, float((p[~y] < threshold).mean()), float((p[y] < threshold).mean()), int(y.sum()), int((~y).sum())
    )


def best_threshold(probabilities: Sequence[float], labels: Sequence[bool]) -> SplitScore:
    """The middle of the widest run of thresholds meeting both targets, else of the first run with fewest errors."""
    values = sorted(set(probabilities))
    cuts = [values[0] / 2] + [(a + b) / 2 for a, b in itertools.pairwise(values)] + [(values[-1] + 1) / 2]
    scored = [score_at(probabilities, labels, cut) for cut in cuts]
    feasible = [s.rejection >= TARGET_REJECTION and s.false_refusals <= TARGET_FALSE_REFUSALS for s in scored]
    if not any(feasible):
        fewest = min(round(s.errors, 9) for s in scored)
        feasible = [round(s.errors, 9) == fewest for s in scored]
    start, end = _widest_run(feasible)
    return score_at(probabilities, labels, (cuts[start] + cuts[end]) / 2)


def _widest_run(flags: Sequence[bool]) -> tuple[int, int]:
    """First and last index of the longest run of True (the first such run on ties)."""
    best, start = (0, -1), None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - 1 - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    return best


# -- hits ---------------------------------------------------------------------------------------------------


def lexical_hits(entries: Sequence[FaqEntry], k: int = 5) -> HitsSource:
    """A stand-in retriever: the entries whose questions are nearest by character bigrams (one leg, "lexical")."""
    by_id = {entry.id: entry for entry in entries}
    index = LexicalIndex(list(by_id), [entry.question for entry in by_id.values()])

    def search(query: str) -> list[Hit]:
        return [
            Hit(entry_id=key, question=by_id[key].question, score=score, legs={"lexical": score})
            for key, score in index.nearest(query, k)
        ]

    return search


def hybrid_hits(entries: Sequence[FaqEntry], k: int = 5) -> HitsSource:
    """The project's hybrid retriever over ``entries``, built in memory with the offline embedder (slow)."""
    from kiwipiepy import Kiwi

    from knowledge.index.documents import IndexedEntry, document_text, question_text
    from knowledge.index.lsa import OfflineEmbedder
    from knowledge.index.tokens import Analyzer
    from knowledge.retrieval.dense import DenseIndex
    from knowledge.retrieval.hybrid import HybridSearcher

    analyzer = Analyzer(Kiwi())
    indexed = [
        IndexedEntry(e, analyzer.morphemes(question_text(e)), analyzer.morphemes(document_text(e))) for e in entries
    ]
    documents = [document_text(e) for e in entries]
    embedder = OfflineEmbedder.fit(analyzer, documents)
    dense = DenseIndex(embedder.embed(documents), np.arange(len(documents)), len(documents))
    searcher = HybridSearcher(indexed, dense, embedder, analyzer)
    return lambda query: searcher.search(query, k=k).hits


# -- calibration --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    calibration: Calibration
    text: SplitScore
    hits: SplitScore


def calibrate(assistant: str, entries: Sequence[FaqEntry], hits_for: HitsSource) -> CalibrationResult:
    """Fit ``assistant``'s gate without its held-out split, then choose its thresholds on that split."""
    start = Calibration(0.5, 0.5)
    gate = build_gate(assistant, entries, start, example_pairs(assistant, held_out=False))
    held = example_pairs(assistant, held_out=True)
    labels = [label for _, label in held]
    text = best_threshold([_decided(gate, query, gate.text_logit(query)) for query, _ in held], labels)
    weights = _fit_evidence(assistant, entries, gate, hits_for)
    gate.calibration = Calibration(text.threshold, 0.5, *weights)
    hits = best_threshold([_decided(gate, query, gate.raw_logit(query, hits_for(query))) for query, _ in held], labels)
    return CalibrationResult(Calibration(text.threshold, hits.threshold, *weights), text, hits)


def _decided(gate: ScopeGate, query: str, logit: float) -> float:
    """The probability as ``decide`` treats it: capped for a question the gate's rule refuses."""
    probability = 1.0 / (1.0 + math.exp(-min(max(logit, -40.0), 40.0)))
    return min(probability, RULE_CEILING / 2) if gate.rule is not None and gate.rule(query) else probability


def _fit_evidence(
    assistant: str, entries: Sequence[FaqEntry], gate: ScopeGate, hits_for: HitsSource
) -> tuple[float, float, float, float]:
    """(coverage weight, centre, similarity weight, centre) from out-of-fold log-odds of the training split."""
    training = example_pairs(assistant, held_out=False)
    rows: list[tuple[float, float, float, float, float]] = []
    labels: list[bool] = []
    queries: list[str] = []
    for fold in range(FOLDS):
        inside = [pair for i, pair in enumerate(training) if i % FOLDS != fold]
        fold_gate = build_gate(assistant, entries, gate.calibration, inside)
        for query, label in (pair for i, pair in enumerate(training) if i % FOLDS == fold):
            found = gate.evidence(query, hits_for(query))
            coverage = found.coverage if found else 0.0
            similarity = found.similarity if found and found.similarity is not None else 0.0
            reliability = found.reliability if found else 0.0
            rows.append((fold_gate.text_logit(query), coverage, similarity, reliability, 1.0))
            labels.append(label)
            queries.append(query)
    x = np.array(rows)
    centres = x[:, 1:3].mean(axis=0)
    shifted = np.column_stack([x[:, 0], x[:, 3] * (x[:, 1] - centres[0]), x[:, 3] * (x[:, 2] - centres[1])])
    coefficients = _logistic(shifted, np.array(labels, dtype=float))
    if coefficients[0] <= 0:
        return 0.0, 0.0, 0.0, 0.0
    weights = np.maximum(coefficients[1:] / coefficients[0], 0.0)
    alone = best_threshold([_decided(gate, q, v) for q, v in zip(queries, shifted[:, 0], strict=True)], labels)
    moved = shifted[:, 0] + shifted[:, 1:] @ weights
    combined = best_threshold([_decided(gate, q, v) for q, v in zip(queries, moved, strict=True)], labels)
    if combined.errors >= alone.errors:
        return 0.0, 0.0, 0.0, 0.0
    return float(weights[0]), float(centres[0]), float(weights[1]), float(centres[1])


def _logistic(
    x: NDArray[np.float64], y: NDArray[np.float64], steps: int = 4000, rate: float = 0.5
) -> NDArray[np.float64]:
    """Class-balanced logistic regression by gradient descent on standardised inputs; the input weights."""
    sample = np.where(y == 1, 0.5 / y.sum(), 0.5 / (1 - y).sum())
    scale = x.std(axis=0) + 1e-9
    z = x / scale
    w, bias = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        error = (1 / (1 + np.exp(-(z @ w + bias))) - y) * sample
        w -= rate * (z.T @ error)
        bias -= rate * float(error.sum())
    result: NDArray[np.float64] = w / scale
    return result


def main(argv: Sequence[str]) -> None:
    from knowledge.corpus import load_faq, meal_faq

    lexical = "--lexical" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    path = paths[0] if paths else "../shared/data/smartstore_faq/final_result.pkl"
    source = lexical_hits if lexical else hybrid_hits
    for assistant, entries in (("seller", load_faq(path, "seller")), ("meal", meal_faq())):
        result = calibrate(assistant, entries, source(entries))
        print(assistant, result.calibration)
        print("  text alone:", result.text)
        print("  with hits: ", result.hits)


if __name__ == "__main__":
    main(sys.argv[1:])
