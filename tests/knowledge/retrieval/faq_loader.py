"""The shared SmartStore FAQ as ``FaqEntry`` objects, for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from knowledge.corpus.files import load_faq
from knowledge.types import FaqEntry

FAQ_RELATIVE = Path("data/smartstore_faq/final_result.pkl")


def load_shared_faq(shared_dir: Path, collection: str = "seller") -> list[FaqEntry]:
    """The 2,717 SmartStore FAQ entries of ``shared_dir``, cleaned by the corpus loader."""
    return load_faq(shared_dir / FAQ_RELATIVE, collection)
