"""Deciding the intent of one message: a linear model trained on kkini's examples, plus rules for close calls.

Features are character n-grams of the delexicalised text (foods, amounts, places and head-counts replaced by
placeholders, so the model learns "Ⓜ으로 뭐 먹지", not "5천원으로 뭐 먹지"), whole words, kiwi morphemes and their
pairs, entity signals and word cues (cues.py). The rules cover what ../shared/spec/nlu.md settles explicitly:
hunger with urgency is emergency_food, "open now" alone is time_inquiry, a named food with a budget is food_request
or budget_inquiry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dialogue.nlu.analysis import Analysis, Analyzer
from dialogue.nlu.classifier import LinearModel, TrainingOptions
from dialogue.nlu.cues import DOMAIN_CUES
from dialogue.nlu.types import INTENTS

logger = logging.getLogger(__name__)

_SEARCH_INTENTS = frozenset({"food_request", "budget_inquiry", "location_inquiry", "time_inquiry", "group_dining"})


def features(analysis: Analysis) -> list[str]:
    """The feature names the intent model reads for one analysed message."""
    extraction = analysis.extraction
    text = extraction.delexicalised
    compact = "<" + text.replace(" ", "") + ">"
    out = ["BIAS"]
    for n in (2, 3, 4):
        out.extend("C:" + compact[i : i + n] for i in range(len(compact) - n + 1))
    words = text.split()
    out.extend("W:" + word for word in words)
    out.extend("M:" + m for m in analysis.morphemes)
    out.extend("B:" + a + "+" + b for a, b in zip(analysis.morphemes, analysis.morphemes[1:], strict=False))
    out.extend("S:" + s for s in extraction.signals)
    out.extend("Q:" + c for c in analysis.cues)
    if len(compact) <= 6:
        out.append("LEN:short")
    if not words or all(w[0] in "ⓂⓁⒻⓃ" for w in words if w):
        out.append("ONLY:entities")
    return out


@dataclass(frozen=True, slots=True)
class IntentGuess:
    """The chosen intent, its confidence in [0, 1], every intent's probability and whether a rule decided."""

    intent: str
    confidence: float
    probabilities: dict[str, float]
    by_rule: bool = False


class IntentModel:
    """Trains on (text, intent) examples at construction and classifies analysed messages."""

    def __init__(self, analyzer: Analyzer, examples: Iterable[tuple[str, str]], options: TrainingOptions | None = None):
        started = time.perf_counter()
        pairs = list(examples)
        unknown = {intent for _, intent in pairs} - set(INTENTS)
        if unknown:
            raise ValueError(f"examples name unknown intents: {sorted(unknown)}")
        samples = [features(analyzer.analyze(text)) for text, _ in pairs]
        self.model = LinearModel.train(samples, [intent for _, intent in pairs], options)
        self.training_seconds = time.perf_counter() - started
        logger.debug("intent model: %d examples in %.2f s", len(pairs), self.training_seconds)

    def classify(self, analysis: Analysis) -> IntentGuess:
        """The intent of one message on its own (no context)."""
        probabilities = self.model.predict(features(analysis))
        ruled = decide_by_rule(analysis, probabilities)
        if ruled is not None:
            return IntentGuess(ruled, max(probabilities.get(ruled, 0.0), 0.9), probabilities, by_rule=True)
        best = max(probabilities, key=lambda name: probabilities[name])
        return IntentGuess(best, probabilities[best], probabilities)


def _top(probabilities: dict[str, float], among: Sequence[str]) -> str:
    return max(among, key=lambda name: probabilities.get(name, 0.0))


_ENTITY_SIGNALS = frozenset(
    {"money", "party", "location", "location_near", "taste", "diet", "other", "ref_shop", "ref_item"}
)


def in_domain(analysis: Analysis) -> bool:
    """Whether the message shows any sign of being about meals, shops, the card, orders or the seller FAQ."""
    signals = analysis.extraction.signals
    return bool(
        analysis.cues & DOMAIN_CUES
        or signals & _ENTITY_SIGNALS
        or any(s.startswith(("food_", "with_", "meal_")) for s in signals)
    )


def decide_by_rule(analysis: Analysis, probabilities: dict[str, float]) -> str | None:
    """An intent fixed by the spec's rules for close calls, or None to let the model decide."""
    cues = analysis.cues
    signals = analysis.extraction.signals
    best = max(probabilities, key=lambda name: probabilities[name])
    ordering = {"cart", "checkout", "coupon", "balance", "faq_seller", "faq_card", "order"} & cues
    urgent_need = "urgent" in cues and ("hunger" in cues or "eat" in cues)
    if urgent_need and not ordering and (best in _SEARCH_INTENTS or "hunger" in cues):
        return "emergency_food"
    if best in _SEARCH_INTENTS | {"emergency_food"} and "open_hours" in cues and not ordering and not urgent_need:
        return "time_inquiry"
    has_food = any(s in {"food_dish", "food_category"} for s in signals)
    if has_food and "money" in signals and best not in {"food_request", "budget_inquiry"}:
        if best in _SEARCH_INTENTS or best == "emergency_food":
            return _top(probabilities, ("food_request", "budget_inquiry"))
    searched = "location" in signals or "location_near" in signals or has_food
    if best == "faq" and searched and "find" in cues and "faq_seller" not in cues:
        # "급식카드 되는 식당 근처에 있어?" looks for places; a FAQ asks how the card works.
        return _top(
            probabilities, ("food_request", "location_inquiry", "time_inquiry", "coupon_inquiry", "group_dining")
        )
    if best not in {"general_chat", "out_of_scope"} and probabilities[best] < 0.6 and not in_domain(analysis):
        return "out_of_scope"
    return None
