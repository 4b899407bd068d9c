"""The collections the assistants answer from, opened with their scope gates and built when missing."""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge.corpus.files import load_faq
from knowledge.corpus.meal_faq import MEAL_COLLECTION, meal_faq
from knowledge.gate.assistants import meal_gate, seller_gate
from knowledge.index.registry import KnowledgeBase
from knowledge.retrieval.hybrid import Gate, HybridSearcher

logger = logging.getLogger(__name__)

SELLER_COLLECTION = "seller"


def gate_for(collection: str, searcher: HybridSearcher) -> Gate | None:
    """The scope gate of the assistant named like the collection (seller, meal); None for any other collection."""
    if collection == SELLER_COLLECTION:
        return seller_gate([item.entry for item in searcher.entries]).decide
    if collection == MEAL_COLLECTION:
        return meal_gate([item.entry for item in searcher.entries]).decide
    return None


def open_gated(kb: KnowledgeBase, collection: str) -> HybridSearcher:
    searcher = kb.open(collection)
    searcher.gate = gate_for(collection, searcher)
    return searcher


def ensure_meal(kb: KnowledgeBase) -> None:
    """Bring the meal collection up to kkini's own FAQ (incremental: unchanged entries cost nothing)."""
    report = kb.ingest(MEAL_COLLECTION, meal_faq())
    logger.info("meal FAQ collection: %s", report)


def ensure_seller(kb: KnowledgeBase, source: Path) -> None:
    """Build the seller collection from the SmartStore FAQ file when it is missing (about 20 s, once)."""
    if SELLER_COLLECTION in kb.collections():
        return
    if not source.is_file():
        raise FileNotFoundError(
            f"the seller FAQ is not built and {source} is missing; set KKINI_KNOWLEDGE__SELLER_FAQ_PATH or run "
            f"kkini knowledge ingest --collection {SELLER_COLLECTION} PATH"
        )
    report = kb.ingest(SELLER_COLLECTION, load_faq(source, SELLER_COLLECTION))
    logger.info("seller FAQ collection built: %s", report)
