"""Daily spending per provider, kept in the key-value store so every replica sees the same total.

Cost is tokens times the configured prices. The day is Asia/Seoul's, like everything else a user sees; a day's
counter expires two days later. Amounts are stored as integer micro-dollars (the store's counters are integers),
rounded up so that many small requests never add up to less than they cost.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from dialogue.llm.types import Usage
from storage.hours import local_time
from storage.kv import KeyValueStore
from storage.models import utcnow

logger = logging.getLogger(__name__)

MICRO = 1_000_000
KEY_TTL_S = 2 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Pricing:
    input_usd_per_mtok: float = 0.0
    output_usd_per_mtok: float = 0.0
    daily_cap_usd: float | None = None

    def cost(self, usage: Usage) -> float:
        return (usage.input_tokens * self.input_usd_per_mtok + usage.output_tokens * self.output_usd_per_mtok) / 1e6


class SpendLedger:
    def __init__(
        self,
        kv: KeyValueStore,
        pricing: Mapping[str, Pricing],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.kv = kv
        self.pricing = dict(pricing)
        self.clock = clock
        self._warned: set[str] = set()

    def _key(self, provider: str) -> str:
        return f"llm:spend:{provider}:{local_time(self.clock()).date().isoformat()}"

    async def spent_today(self, provider: str) -> float:
        value = await self.kv.get(self._key(provider))
        return int(value) / MICRO if value else 0.0

    async def over_cap(self, provider: str) -> bool:
        """Whether today's spending reached the provider's cap (logged once per provider and day)."""
        cap = self.pricing.get(provider, Pricing()).daily_cap_usd
        if cap is None:
            return False
        spent = await self.spent_today(provider)
        if spent < cap:
            return False
        marker = self._key(provider)
        if marker not in self._warned:
            self._warned.add(marker)
            logger.warning("%s reached its daily cap (%.4f of %.4f USD); traffic moves on", provider, spent, cap)
        return True

    async def add(self, provider: str, usage: Usage) -> float:
        """Count ``usage`` against today's total; returns its cost in USD."""
        cost = self.pricing.get(provider, Pricing()).cost(usage)
        micros = math.ceil(cost * MICRO)
        if micros > 0:
            await self.kv.incr(self._key(provider), micros, ttl=KEY_TTL_S)
        return cost
