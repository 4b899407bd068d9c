"""A per-provider circuit breaker: stop sending to a provider that keeps failing, and probe it once in a while."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Closed: requests pass and consecutive failures are counted. Open (after ``failures`` in a row, or at once for
    a refused key): requests are refused until ``cooldown_s`` has passed. Then half-open: exactly one probe passes;
    its success closes the breaker, its failure opens it again for another cooldown.
    """

    def __init__(self, failures: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = max(1, failures)
        self.cooldown_s = cooldown_s
        self.clock = clock
        self.state = BreakerState.CLOSED
        self.failures = 0
        self.open_until = 0.0
        self._probing = False

    def allow(self) -> bool:
        """Whether a request may go to the provider now (in half-open, only the one probe)."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN and self.clock() >= self.open_until:
            self.state = BreakerState.HALF_OPEN
            self._probing = False
        if self.state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def available(self) -> bool:
        """Like `allow` but without taking the probe: for reports such as ``kkini providers check``."""
        return self.state is BreakerState.CLOSED or (
            self.state is BreakerState.OPEN and self.clock() >= self.open_until
        )

    def success(self) -> None:
        self.state = BreakerState.CLOSED
        self.failures = 0
        self._probing = False

    def release(self) -> None:
        """The request that took the probe ended without saying anything about health (a bad request)."""
        self._probing = False

    def failure(self, *, open_for: float | None = None) -> bool:
        """Count a failure; ``open_for`` opens at once for that long. True when this call opened a closed breaker
        (a failed half-open probe reopens it quietly: the operator was told when it first opened)."""
        self.failures += 1
        was_closed = self.state is BreakerState.CLOSED
        if open_for is not None or self.state is BreakerState.HALF_OPEN or self.failures >= self.threshold:
            self.state = BreakerState.OPEN
            self.open_until = self.clock() + (self.cooldown_s if open_for is None else open_for)
            self._probing = False
            return was_closed
        return False
