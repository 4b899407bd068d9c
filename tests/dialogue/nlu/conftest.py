"""One trained understander for the whole NLU test session (kiwi and training take a few seconds)."""

from __future__ import annotations

import pytest

from dialogue.nlu.understander import OfflineNLU


@pytest.fixture(scope="session")
def nlu() -> OfflineNLU:
    return OfflineNLU()
