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
from pathlib import Path
from typing import Any

from kiwipiepy import Kiwi

from dialogue.nlu.analysis import Analysis, Analyzer
from dialogue.nlu.classifier import TrainingOptions
from dialogue.nlu.followup import SEARCH_SLOTS, follow, inherited, leans_on_context
from dialogue.nlu.foods import FoodMention
from dialogue.nlu.intents import IntentGuess, IntentModel
from dialogue.nlu.menu import menu_items
from dialogue.nlu.training import examples as own_examples
from dialogue.nlu.types import SEARCH_INTENTS, Understanding

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
_THREAD = 4
"""Earlier messages a chain of follow-ups is read back through (the engine passes its last four)."""
_URGENT_INTENTS = frozenset({"food_request", "budget_inquiry", "location_inquiry", "group_dining", "emergency_food"})


class OfflineNLU:
    """Understands messages without a language model.

    Construct once (a few seconds: kiwi loads, the intent model trains on ``examples``, kkini's own by default, or
    is read from ``cache_dir`` when it was trained there before on the same examples and code); ``parse`` then
    takes about a millisecond on a warm instance and holds no state between calls.
    """

    def __init__(
        self,
        examples: Iterable[tuple[str, str]] | None = None,
        kiwi: Kiwi | None = None,
        options: TrainingOptions | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        started = time.perf_counter()
        self.analyzer = Analyzer(kiwi)
        chosen = own_examples() if examples is None else examples
        self.model = IntentModel(self.analyzer, chosen, options, cache_dir)
        self.startup_seconds = time.perf_counter() - started

    def parse(self, text: str, context: Sequence[str] = ()) -> Understanding:
        """Understand ``text``; ``context`` lists the user's earlier messages, oldest first."""
        analysis = self.analyzer.analyze(text)
        guess = self.model.classify(analysis)
        intent, confidence = self._intent(analysis, guess, context)
        extraction = analysis.extraction
        entities = self._entities(intent, analysis)
        food_category = extraction.food_category if "food_type" in _allowed(intent) else None
        switched = _switched_food(analysis) if intent in SEARCH_INTENTS and "food_type" not in entities else None
        if switched is not None:  # "햄버거로 바꿔" after a list: the food searched for, not an order's option
            entities["food_type"], food_category = switched.said, switched.category
        return Understanding(
            intent=intent,
            confidence=round(min(max(confidence, 0.0), 1.0), 4),
            entities=entities,
            food_category=food_category,
            excluded_food=extraction.excluded_food,
            reference=extraction.reference,
            wants_other=extraction.wants_other,
            margin=guess.margin,
            runner_up=guess.intent if intent != guess.intent else guess.runner_up,
            time=extraction.time,
        )

    def _intent(self, analysis: Analysis, guess: IntentGuess, context: Sequence[str]) -> tuple[str, float]:
        # The rules for out_of_scope and opening hours read the message alone: a short follow-up may still overrule them.
        if not context or (guess.by_rule and guess.intent not in {"out_of_scope", "time_inquiry"}):
            return guess.intent, guess.confidence
        leans = leans_on_context(analysis)
        if not leans and len(analysis.text.split()) > 3:
            return guess.intent, guess.confidence
        earlier = self._thread(context)
        if leans and not guess.by_rule:
            return follow(analysis, guess.intent, earlier)
        carried = inherited(analysis, guess.intent, earlier[-1])
        return (carried, 0.7) if carried else (guess.intent, guess.confidence)

    def _thread(self, context: Sequence[str]) -> list[str]:
        """The intents of the earlier messages, a follow-up's read in the light of those before it: "왜?", "그럼?",
        "그거 어디서 써?" one after another after a search all stay with the search. Reads back to the last
        message that stands on its own (at least two, at most ``_THREAD``)."""
        start = len(context)
        analyses: dict[int, Analysis] = {}
        while start > max(0, len(context) - _THREAD):
            start -= 1
            analyses[start] = self.analyzer.analyze(context[start])
            if len(context) - start >= 2 and not leans_on_context(analyses[start]):
                break  # the two last are always read: an order two messages back still counts ("치즈스틱도")
        earlier: list[str] = []
        for index in range(start, len(context)):
            analysis = analyses[index]
            intent = self.model.classify(analysis).intent
            if earlier and leans_on_context(analysis):
                intent = follow(analysis, intent, earlier)[0]
            earlier.append(intent)
        return earlier

    def _entities(self, intent: str, analysis: Analysis) -> dict[str, Any]:
        allowed = _allowed(intent)
        entities = {k: v for k, v in analysis.extraction.entities.items() if k in allowed}
        if intent == "emergency_food" or (intent in _URGENT_INTENTS and "urgent" in analysis.cues):
            entities["urgency"] = "high"
        if intent == "order_add":
            entities["menu_items"] = menu_items(analysis.text)
        return entities


def _switched_food(analysis: Analysis) -> FoodMention | None:
    """The food a change names ("햄버거로 바꿔"), which the extraction keeps aside as an order's option."""
    said = [m for m in analysis.extraction.foods if m.option and not m.excluded and m.kind != "brand"]
    return said[0] if said else None


def _allowed(intent: str) -> frozenset[str]:
    return _ALLOWED.get(intent, SEARCH_SLOTS)
