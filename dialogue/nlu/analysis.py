"""One pass over a message that everything else reads: folded text, entities, morphemes and cues.

``Analyzer`` owns the one kiwi instance of an NLU (loading it takes about a second; tokenising is a fraction of a
millisecond) and the food dictionary, and turns raw text into an ``Analysis``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiwipiepy import Kiwi

from dialogue.nlu.cues import cues_of
from dialogue.nlu.entities import EntityExtractor, Extraction
from dialogue.nlu.normalize import for_matching

# Morpheme tags that carry meaning for intents; particles and punctuation add little beyond the n-grams.
_CONTENT_TAGS = ("NN", "NP", "NR", "VV", "VA", "VX", "MA", "MM", "XR", "IC", "EF", "SL", "SN")


@dataclass(frozen=True, slots=True)
class Analysis:
    """What is known about one message before the intent is decided."""

    text: str
    """The matching form (normalize.for_matching)."""
    extraction: Extraction
    morphemes: tuple[str, ...]
    """"form/TAG" of the content morphemes of the delexicalised text."""
    cues: frozenset[str]


class Analyzer:
    """Builds an ``Analysis`` for a message; construct once per NLU, it loads kiwi."""

    def __init__(self, kiwi: Kiwi | None = None, extractor: EntityExtractor | None = None) -> None:
        self.kiwi = kiwi if kiwi is not None else Kiwi()
        self.extractor = extractor or EntityExtractor()
        # kiwi loads part of its model on the first call; pay for it here rather than in the first user's reply.
        self.kiwi.tokenize("밥 먹자")

    def analyze(self, raw: str) -> Analysis:
        """Fold, tokenise and extract; pure apart from kiwi's internal caches."""
        text = for_matching(raw)
        tokens = self.kiwi.tokenize(text) if text else []
        nouns = [(t.form, t.start) for t in tokens if t.tag.startswith("NN")]
        extraction = self.extractor.extract(text, nouns)
        delex = extraction.delexicalised
        if delex != text:
            tokens = self.kiwi.tokenize(delex) if delex else []
        morphemes = tuple(f"{t.form}/{t.tag}" for t in tokens if t.tag.startswith(_CONTENT_TAGS) or t.tag == "SW")
        return Analysis(text=text, extraction=extraction, morphemes=morphemes, cues=cues_of(text))
