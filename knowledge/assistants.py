"""The collections the assistants answer from, opened with their scope gates and built when missing.

The meal assistant answers from kkini's own meal-card FAQ, which ships with kkini and is brought up to date at every
start. The seller assistant answers from the SmartStore seller FAQ, which is not kkini's to ship: it is installed
once with ``kkini knowledge ingest --collection seller PATH`` (or built at start-up from
``KKINI_KNOWLEDGE__SELLER_FAQ_PATH``), and until then the seller assistant is not offered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from knowledge.corpus.files import load_faq
from knowledge.corpus.meal_faq import MEAL_COLLECTION, meal_faq
from knowledge.gate.assistants import calibration_for, meal_gate, seller_gate
from knowledge.index.embeddings import EmbeddingMismatch
from knowledge.index.folder_lock import KnowledgeBusy
from knowledge.index.registry import KnowledgeBase
from knowledge.retrieval.hybrid import Gate, HybridSearcher

logger = logging.getLogger(__name__)

SELLER_COLLECTION = "seller"
SELLER_INSTALL = f"kkini knowledge ingest --collection {SELLER_COLLECTION} PATH"
"""The command that installs the seller FAQ (PATH: the SmartStore FAQ file, e.g. final_result.pkl)."""

Progress = Callable[[str], None]


class SellerNotInstalled(LookupError):
    """The seller collection has not been built, and no file to build it from is configured."""

    def __init__(self) -> None:
        super().__init__(f"the seller FAQ is not installed; run: {SELLER_INSTALL}")


def gate_for(collection: str, searcher: HybridSearcher, kept_in: Path | None = None) -> Gate | None:
    """The scope gate of the assistant named like the collection (seller, meal); None for any other collection.
    ``kept_in``: a folder that keeps the trained gate for the next start (the knowledge state folder)."""
    embedder = searcher.embedder.name if searcher.embedder is not None else ""
    entries = [item.entry for item in searcher.entries]
    if collection == SELLER_COLLECTION:
        return seller_gate(entries, calibration=calibration_for("seller", embedder), kept_in=kept_in).decide
    if collection == MEAL_COLLECTION:
        return meal_gate(entries, calibration=calibration_for("meal", embedder), kept_in=kept_in).decide
    return None


def open_gated(kb: KnowledgeBase, collection: str) -> HybridSearcher:
    searcher = kb.open(collection)
    searcher.gate = gate_for(collection, searcher, kb.settings.state_dir(kb.data_dir))
    return searcher


def ensure_meal(kb: KnowledgeBase, progress: Progress | None = None) -> None:
    """Bring the meal collection up to kkini's own FAQ (incremental: unchanged entries cost nothing; rebuilt when it
    was built with another embedding than the settings give).

    While another kkini process has the folder open, a collection that exists is used as stored (it is only ever
    behind after an upgrade of kkini, until the next start on its own).
    """
    try:
        try:
            report = kb.ingest(MEAL_COLLECTION, meal_faq(), progress=progress)
        except EmbeddingMismatch as error:
            # kkini ships this FAQ and it is small: follow the embedding setting (after an upgrade that changed the
            # default, or a changed setting) instead of refusing to start.
            logger.warning("meal FAQ: %s; rebuilding it", error)
            report = kb.ingest(MEAL_COLLECTION, meal_faq(), rebuild=True, progress=progress)
    except KnowledgeBusy:
        if MEAL_COLLECTION not in kb.collections():
            raise
        logger.warning("meal FAQ: another kkini process has the knowledge folder open; using the stored collection")
        return
    logger.info("meal FAQ collection: %s", report)


def seller_installed(kb: KnowledgeBase, source: Path | None) -> bool:
    """Whether the seller assistant can be offered: its collection exists, or a file to build it from is set."""
    return SELLER_COLLECTION in kb.collections() or source is not None


def ensure_seller(kb: KnowledgeBase, source: Path | None, progress: Progress | None = None) -> None:
    """Build the seller collection from ``source`` when it is missing (minutes with e5, once); `SellerNotInstalled`
    when it is missing and there is no source, FileNotFoundError when the source is not a file."""
    if SELLER_COLLECTION in kb.collections():
        return
    if source is None:
        raise SellerNotInstalled()
    if not source.is_file():
        raise FileNotFoundError(f"KKINI_KNOWLEDGE__SELLER_FAQ_PATH: {source} is not a file")
    report = kb.ingest(SELLER_COLLECTION, load_faq(source, SELLER_COLLECTION), progress=progress)
    logger.info("seller FAQ collection built: %s", report)
