"""``ScopeGate``: does a question belong to this assistant? A text classifier, retrieval evidence and one rule.

1. A logistic-regression classifier over character n-grams, words, cue groups and the share of the query's bigrams
   that the collection's questions use (its "domain share": 원쁠템 or 비즈어드바이저 read as SmartStore words even if
   no example names them), trained when the gate is built on the written examples (examples/*.txt) plus the
   questions of the assistant's own collection.
2. With hits, evidence from them (evidence.py) moves the classifier's log-odds by calibrated weights: how much of
   the query the hits' questions cover and the first hit's embedding similarity (legs' agreement and the fused
   margin are read too, but carried no signal on our data, so their weights are 0).
3. A rule: the seller gate refuses a question that names another marketplace and not SmartStore or Naver.

Scores are centred on the calibrated thresholds, so ``in_scope`` is always ``score >= 0.5`` with or without hits.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.gate.classifier import TrainingOptions, train_kept
from knowledge.gate.evidence import Evidence, read_evidence
from knowledge.gate.lexical import LexicalIndex
from knowledge.gate.text import bigrams, features, fold
from knowledge.types import Hit

logger = logging.getLogger(__name__)

DOMAIN_BINS = 5
"""Buckets of the domain share: a coarse reading generalises better than the exact value."""
RULE_CEILING = 0.05
"""The highest score a question refused by the rule can have."""

Rule = Callable[[str], bool]
"""A rule that says True when a question is certainly out of scope."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Thresholds and evidence weights, found by ``knowledge.gate.calibration``.

    With hits, the classifier's log-odds move by ``reliability * sum(weight * (value - centre))`` over the
    evidence that exists; the centres are the training split's means, so evidence shifts in both directions.
    """

    text_threshold: float
    """Probability of the text classifier alone from which a question is in scope."""
    hits_threshold: float
    """The same for the probability once the hits' evidence is added."""
    coverage_weight: float = 0.0
    coverage_centre: float = 0.0
    similarity_weight: float = 0.0
    similarity_centre: float = 0.0
    agreement_weight: float = 0.0
    """Measured on the seller FAQ with the hybrid retriever: legs agree as often for off-topic questions, so 0."""
    margin_weight: float = 0.0
    """Likewise: the fused margin separates nothing once the classifier has spoken, so 0."""
    question_weight: float = 0.0
    question_centre: float = 0.0
    passage_weight: float = 0.0
    passage_centre: float = 0.0
    """The first hit's raw cosines (query to its question, to its best passage), when the retriever has them."""


class ScopeGate:
    """One assistant's scope decision; build once at start-up (training takes about a second for the SmartStore FAQ).

    ``examples`` are (text, in_scope) pairs; ``collection`` the questions of the assistant's own entries, added as
    in-scope examples and used to weigh bigrams for the hits' coverage; ``foreign`` more out-of-scope texts.
    """

    def __init__(
        self,
        assistant: str,
        examples: Sequence[tuple[str, bool]],
        calibration: Calibration,
        *,
        collection: Sequence[str] = (),
        foreign: Sequence[str] = (),
        cues: Mapping[str, Sequence[str]] | None = None,
        rule: Rule | None = None,
        options: TrainingOptions | None = None,
        kept_in: Path | None = None,
    ) -> None:
        started = time.perf_counter()
        self.assistant = assistant
        self.calibration = calibration
        self.cues = dict(cues or {})
        self.rule = rule
        self.domain = _domain_bigrams(collection)
        texts = [text for text, _ in examples] + list(collection) + list(foreign)
        targets = [label for _, label in examples] + [True] * len(collection) + [False] * len(foreign)
        # The collection's questions weigh at most as much as the written in-scope examples together: SmartStore's
        # is ten times larger, but users write like the examples, not like FAQ titles.
        written_in = sum(1 for _, label in examples if label)
        per_question = min(1.0, written_in / len(collection)) if collection else 1.0
        weights = [1.0] * len(examples) + [per_question] * len(collection) + [1.0] * len(foreign)
        samples = [self.features(text) for text in texts]
        self.model = train_kept(kept_in, assistant, samples, targets, options, weights)
        vocabulary = list(collection) + [text for text, label in examples if label]
        self.index = LexicalIndex([str(i) for i in range(len(vocabulary))], vocabulary)
        logger.debug("%s scope gate: %d texts in %.2f s", assistant, len(texts), time.perf_counter() - started)

    def features(self, text: str) -> list[str]:
        """The classifier's feature names for ``text``."""
        out = features(text, self.cues)
        grams = bigrams(text)
        if self.domain and grams:
            share = sum(1 for gram in grams if gram in self.domain) / len(grams)
            out.append(f"D:{min(DOMAIN_BINS - 1, int(share * DOMAIN_BINS))}")
        return out

    def text_logit(self, query: str) -> float:
        """The classifier's log-odds that ``query`` is in scope, before any threshold."""
        return self.model.logit(self.features(query))

    def evidence(self, query: str, hits: Sequence[Hit]) -> Evidence | None:
        """What ``hits`` say about ``query`` (None without hits)."""
        return read_evidence(query, hits, self.index)

    def raw_logit(self, query: str, hits: Sequence[Hit] = ()) -> float:
        """Uncentred log-odds: the classifier's, moved by the hits' evidence when there is any."""
        logit = self.text_logit(query)
        found = self.evidence(query, hits)
        if found is None:
            return logit
        c = self.calibration
        shift = c.coverage_weight * (found.coverage - c.coverage_centre) + c.margin_weight * (found.margin - 0.25)
        if found.similarity is not None:
            shift += c.similarity_weight * (found.similarity - c.similarity_centre)
        if found.agreement is not None:
            shift += c.agreement_weight * (found.agreement - 0.5)
        if found.question_similarity is not None:
            shift += c.question_weight * (found.question_similarity - c.question_centre)
        if found.passage_similarity is not None:
            shift += c.passage_weight * (found.passage_similarity - c.passage_centre)
        return logit + found.reliability * shift

    def score(self, query: str, hits: Sequence[Hit] = ()) -> float:
        """Confidence in [0, 1] that ``query`` is in scope, 0.5 at the calibrated threshold; the rule caps it."""
        if not fold(query):
            return 0.0
        threshold = self.calibration.hits_threshold if hits else self.calibration.text_threshold
        value = _sigmoid(self.raw_logit(query, hits) - _logit(threshold))
        if self.rule is not None and self.rule(query):
            value = min(value, RULE_CEILING)
        return value

    def decide(self, query: str, hits: Sequence[Hit] = ()) -> tuple[bool, float]:
        """(in_scope, score): whether ``query`` belongs to this assistant, given its search hits (best first) if any.

        Works on the text alone when ``hits`` is empty; hits from any retriever add evidence (``Hit.question``, the
        fused ``score`` and whatever ``Hit.legs`` exist). A blank query is out of scope with score 0.
        """
        value = self.score(query, hits)
        return value >= 0.5, value


def _domain_bigrams(collection: Sequence[str]) -> frozenset[str]:
    """Bigrams that at least two of the collection's questions use: its vocabulary, without one-off names."""
    counts: dict[str, int] = {}
    for text in collection:
        for gram in bigrams(text):
            counts[gram] = counts.get(gram, 0) + 1
    return frozenset(gram for gram, count in counts.items() if count >= 2)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(x, -40.0), 40.0)))
