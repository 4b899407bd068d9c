"""The real SmartStore and meal-card entries and the two gates, built once for the session (training takes ~1 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.corpus import load_faq, meal_faq
from knowledge.gate import ScopeGate, Suggester, meal_gate, meal_suggester, seller_gate, seller_suggester
from knowledge.types import FaqEntry

FAQ_RELATIVE = Path("data/smartstore_faq/final_result.pkl")


@pytest.fixture(scope="session")
def seller_entries(shared_dir: Path) -> list[FaqEntry]:
    return load_faq(shared_dir / FAQ_RELATIVE, "seller")


@pytest.fixture(scope="session")
def meal_entries() -> list[FaqEntry]:
    return meal_faq()


@pytest.fixture(scope="session")
def seller(seller_entries: list[FaqEntry]) -> ScopeGate:
    return seller_gate(seller_entries)


@pytest.fixture(scope="session")
def meal(meal_entries: list[FaqEntry]) -> ScopeGate:
    return meal_gate(meal_entries)


@pytest.fixture(scope="session")
def seller_suggestions(seller_entries: list[FaqEntry]) -> Suggester:
    return seller_suggester(seller_entries)


@pytest.fixture(scope="session")
def meal_suggestions(meal_entries: list[FaqEntry]) -> Suggester:
    return meal_suggester(meal_entries)
