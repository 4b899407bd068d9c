"""Deciding the intent of one message: a linear model trained on kkini's examples, plus rules for close calls.

Features are character n-grams of the delexicalised text (foods, amounts, places and head-counts replaced by
placeholders, so the model learns "Ⓜ으로 뭐 먹지", not "5천원으로 뭐 먹지"), whole words, kiwi morphemes and their
pairs, jamo trigrams (so that a slip such as 베고파 for 배고파 keeps most of the evidence), entity signals and word
cues (cues.py). The rules cover what ../shared/spec/nlu.md settles explicitly:
hunger with urgency is emergency_food, "open now" alone is time_inquiry, a named food with a budget is food_request
or budget_inquiry.

Training takes a few seconds; given a ``cache_dir``, the fitted model is kept there as ``intent-<hash>.npz``, the
hash covering the examples, the options and the source of this package, so that any change retrains.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from dialogue.nlu.analysis import Analysis, Analyzer
from dialogue.nlu.classifier import LinearModel, TrainingOptions
from dialogue.nlu.cues import DOMAIN_CUES
from dialogue.nlu.training.augment import augmented
from dialogue.nlu.types import INTENTS
from knowledge.index.kept import kept

logger = logging.getLogger(__name__)

_SEARCH_INTENTS = frozenset({"food_request", "budget_inquiry", "location_inquiry", "time_inquiry", "group_dining"})


_JAMO_N = 3
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JONG = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def _jamo(text: str) -> str:
    """Syllables spelled out as jamo ("배고파" -> "ㅂㅐㄱㅗㅍㅏ"), so that a slip in one jamo keeps most n-grams."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_CHO[code // 588])
            out.append(chr(0x314F + (code % 588) // 28))
            if code % 28:
                out.append(_JONG[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def features(analysis: Analysis) -> list[str]:
    """The feature names the intent model reads for one analysed message."""
    extraction = analysis.extraction
    text = extraction.delexicalised
    compact = "<" + text.replace(" ", "") + ">"
    out = ["BIAS"]
    for n in (2, 3, 4):
        out.extend("C:" + compact[i : i + n] for i in range(len(compact) - n + 1))
    jamo = _jamo(compact)
    out.extend("J:" + jamo[i : i + _JAMO_N] for i in range(len(jamo) - _JAMO_N + 1))
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
    """The chosen intent, its confidence in [0, 1], every intent's probability and whether a rule decided.

    ``margin`` is the calibrated probability of the model's first choice minus that of its second, and
    ``runner_up`` that second choice: a small margin means two intents are close.
    """

    intent: str
    confidence: float
    probabilities: dict[str, float]
    by_rule: bool = False
    margin: float = 1.0
    runner_up: str | None = None


_FITTED: dict[str, LinearModel] = {}
"""Models fitted or read in this process, by fingerprint: a fitted model is only read from, so a second
understander of the same examples (another assistant, an engine built again) shares it instead of training anew."""


class IntentModel:
    """Trains on (text, intent) examples at construction (or loads them from ``cache_dir``) and classifies."""

    def __init__(
        self,
        analyzer: Analyzer,
        examples: Iterable[tuple[str, str]],
        options: TrainingOptions | None = None,
        cache_dir: Path | None = None,
    ):
        started = time.perf_counter()
        options = options or TrainingOptions()
        given = list(examples)
        unknown = {intent for _, intent in given} - set(INTENTS)
        if unknown:
            raise ValueError(f"examples name unknown intents: {sorted(unknown)}")
        chosen = options

        def train() -> LinearModel:
            pairs = augmented(given, chosen.augment) if chosen.augment else given
            samples = [features(analyzer.analyze(text)) for text, _ in pairs]
            return LinearModel.train(samples, [intent for _, intent in pairs], chosen)

        key = _fingerprint(given, options)
        fitted = _FITTED.get(key)
        if cache_dir is None:
            self.model = fitted or train()
        elif fitted is not None:  # still kept in this folder, for the next process
            self.model = kept(
                cache_dir, "intent", key, load=lambda _: fitted, build=lambda: fitted, what="intent model"
            )
        else:
            self.model = kept(cache_dir, "intent", key, load=LinearModel.load, build=train, what="intent model")
        _FITTED[key] = self.model
        self.training_seconds = time.perf_counter() - started
        logger.debug("intent model: %d examples in %.2f s", len(given), self.training_seconds)

    def classify(self, analysis: Analysis) -> IntentGuess:
        """The intent of one message on its own (no context)."""
        probabilities = self.model.predict(features(analysis))
        first, second = sorted(probabilities, key=lambda name: probabilities[name], reverse=True)[:2]
        margin = round(probabilities[first] - probabilities[second], 4)
        ruled = decide_by_rule(analysis, probabilities)
        if ruled == "out_of_scope":
            # Nothing in the message is about kkini and the model was unsure: as sure as the model was unsure.
            confidence = max(probabilities[ruled], 1.0 - probabilities[first])
            return IntentGuess(ruled, confidence, probabilities, True, margin, first)
        if ruled is not None:
            other = second if ruled == first else first
            return IntentGuess(ruled, max(probabilities[ruled], 0.9), probabilities, True, margin, other)
        return IntentGuess(first, probabilities[first], probabilities, False, margin, second)


def _fingerprint(pairs: Sequence[tuple[str, str]], options: TrainingOptions) -> str:
    digest = hashlib.sha256(json.dumps([pairs, asdict(options)], ensure_ascii=False).encode("utf-8"))
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode("utf-8"))
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


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
    if best in _SEARCH_INTENTS and {"faq_card", "how"} <= cues and "find" not in cues and not ordering - {"faq_card"}:
        # "급식카드로 치킨 시켜도 돼?" asks whether the card allows it, not where to eat.
        return "faq"
    searched = "location" in signals or "location_near" in signals or has_food
    if best == "faq" and searched and "find" in cues and "faq_seller" not in cues:
        # "급식카드 되는 식당 근처에 있어?" looks for places; a FAQ asks how the card works.
        return _top(
            probabilities, ("food_request", "location_inquiry", "time_inquiry", "coupon_inquiry", "group_dining")
        )
    if best not in {"general_chat", "out_of_scope"} and probabilities[best] < 0.6 and not in_domain(analysis):
        return "out_of_scope"
    return None
