"""``OfflineNLU``: the Understander that needs no network: rules, dictionaries and a small trained model.

A message is read on its own first. When the user's earlier messages are given and the last message only makes
sense after them (a bare "3명", "그럼 중식은?", "거기 말고 다른 데"), its intent follows from the previous message's
intent and from what the new message states. Entities are then kept only where the intent uses them: an order
lists its items, a FAQ question or a greeting lists nothing, and urgency ("high") comes with emergency_food or with
a search that says it is urgent. A shop brand (김밥천국) is no food_type, but its category is still given in
``food_category`` so that a search can use it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from kiwipiepy import Kiwi

from dialogue.nlu.analysis import Analysis, Analyzer
from dialogue.nlu.classifier import TrainingOptions
from dialogue.nlu.followup import SEARCH_SLOTS, follow, leans_on_context
from dialogue.nlu.intents import IntentModel
from dialogue.nlu.menu import menu_items
from dialogue.nlu.training import examples as own_examples
from dialogue.nlu.types import Understanding

_ALLOWED: dict[str, frozenset[str]] = {
    "order_add": frozenset({"menu_items"}),
    "balance_inquiry": frozenset({"meal_time", "budget"}),
    "cart_view": frozenset(),
    "cart_clear": frozenset(),
    "checkout": frozenset(),
    "faq": frozenset(),
    "general_chat": frozenset(),
    "out_of_scope": frozenset(),
}
_URGENT_INTENTS = frozenset({"food_request", "budget_inquiry", "location_inquiry", "group_dining", "emergency_food"})


class OfflineNLU:
    """Understands messages without a language model.

    Construct once (a few seconds: kiwi loads, the intent model trains on ``examples``, kkini's own by default);
    ``parse`` then takes well under a millisecond on a warm instance and holds no state between calls.
    """

    def __init__(
        self,
        examples: Iterable[tuple[str, str]] | None = None,
        kiwi: Kiwi | None = None,
        options: TrainingOptions | None = None,
    ) -> None:
        started = time.perf_counter()
        self.analyzer = Analyzer(kiwi)
        self.model = IntentModel(self.analyzer, own_examples() if examples is None else examples, options)
        self.startup_seconds = time.perf_counter() - started

    def parse(self, text: str, context: Sequence[str] = ()) -> Understanding:
        """Understand ``text``; ``context`` lists the user's earlier messages, oldest first."""
        analysis = self.analyzer.analyze(text)
        intent, confidence = self._intent(analysis, context)
        extraction = analysis.extraction
        return Understanding(
            intent=intent,
            confidence=round(min(max(confidence, 0.0), 1.0), 4),
            entities=self._entities(intent, analysis),
            food_category=extraction.food_category if "food_type" in _allowed(intent) else None,
            excluded_food=extraction.excluded_food,
            reference=extraction.reference,
            wants_other=extraction.wants_other,
        )

    def _intent(self, analysis: Analysis, context: Sequence[str]) -> tuple[str, float]:
        guess = self.model.classify(analysis)
        if not context or guess.by_rule or not leans_on_context(analysis):
            return guess.intent, guess.confidence
        before = [self.analyzer.analyze(message) for message in context[-2:]]
        earlier = [self.model.classify(previous).intent for previous in before]
        if len(before) == 2 and leans_on_context(before[-1]):
            # The previous message was itself a follow-up: read it in the light of the one before.
            earlier[-1] = follow(before[-1], earlier[-1], earlier[:-1])[0]
        return follow(analysis, guess.intent, earlier)

    def _entities(self, intent: str, analysis: Analysis) -> dict[str, Any]:
        allowed = _allowed(intent)
        entities = {k: v for k, v in analysis.extraction.entities.items() if k in allowed}
        if intent == "emergency_food" or (intent in _URGENT_INTENTS and "urgent" in analysis.cues):
            entities["urgency"] = "high"
        if intent == "order_add":
            entities["menu_items"] = menu_items(analysis.text)
        return entities


def _allowed(intent: str) -> frozenset[str]:
    return _ALLOWED.get(intent, SEARCH_SLOTS)
