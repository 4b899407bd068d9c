"""Job tests run against real SQLite and PostgreSQL (the storage tests' ``db`` fixture) and a real key-value store."""

from __future__ import annotations

import pytest

from storage.kv import InProcessStore
from tests.fakes.clock import FakeClock
from tests.jobs.support import EVENING
from tests.storage.conftest import db, sqlite_db

__all__ = ["db", "sqlite_db"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(EVENING)


@pytest.fixture
def kv() -> InProcessStore:
    return InProcessStore("test:")
