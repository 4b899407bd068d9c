"""The real SmartStore entries, loaded once for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.corpus import load_faq
from knowledge.types import FaqEntry


@pytest.fixture(scope="session")
def smartstore(shared_dir: Path) -> list[FaqEntry]:
    return load_faq(shared_dir / "data/smartstore_faq/final_result.pkl", "seller")
