"""The scope gate: does a question belong to this assistant, and what to say when it does not.

``seller_gate(entries)`` and ``meal_gate(entries)`` build a ``ScopeGate`` (about a second: the classifier trains
at start-up); ``gate.decide(query, hits)`` gives (in_scope, score in [0, 1]). ``refusal(assistant, query,
suggestion)`` words the refusal; a ``Suggester`` (``seller_suggester`` / ``meal_suggester``) picks the real question
to suggest.

Calibration (``python -m knowledge.gate.calibration``, hits from the hybrid retriever with the offline embedder) on
the held-out fifth of the written examples, the gate trained without it; rejection = share of out-of-scope examples
refused, false refusals = share of in-scope examples refused:

    seller  text alone  threshold 0.484  rejection 0.970 of 201  false refusals 0.033 of 121
            with hits   threshold 0.478  rejection 0.965 of 201  false refusals 0.033 of 121
    meal    text alone  threshold 0.346  rejection 0.954 of 240  false refusals 0.043 of 92
            with hits   threshold 0.314  rejection 0.942 of 240  false refusals 0.033 of 92

The seller numbers are from a run after the fusion weights moved to the answer legs. The meal gate keeps its earlier
calibration: that run proposed 0.427 with hits (0.963 / 0.054), which refuses more in-scope questions and, with
the lexical stand-in hits, more than tests/knowledge/gate/test_calibration.py allows.

Five-fold cross-validation over all written examples (text alone) gives about 0.97 / 0.04 for the seller and
0.96 / 0.08 for the meal gate: the held-out numbers are not a lucky split, and the meal domain is the harder one
(everyday words such as 주문, 알림, 얼마 belong to it and to everything else).
"""

from knowledge.gate.assistants import MEAL_CALIBRATION, SELLER_CALIBRATION, meal_gate, seller_gate
from knowledge.gate.marketplaces import about_other_marketplace
from knowledge.gate.refusal import (
    MEAL_CAN_DO,
    SELLER_REFUSAL,
    Suggester,
    meal_suggester,
    refusal,
    seller_suggester,
)
from knowledge.gate.scope import Calibration, ScopeGate

__all__ = [
    "MEAL_CALIBRATION",
    "MEAL_CAN_DO",
    "SELLER_CALIBRATION",
    "SELLER_REFUSAL",
    "Calibration",
    "ScopeGate",
    "Suggester",
    "about_other_marketplace",
    "meal_gate",
    "meal_suggester",
    "refusal",
    "seller_gate",
    "seller_suggester",
]
