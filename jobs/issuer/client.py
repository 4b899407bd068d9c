"""The card issuer's balance API (contract in spec/interfaces.md): timeouts, retries, Retry-After, a breaker.

A request is retried after a 429 (waiting what Retry-After says), a 5xx or a network error, with exponential
backoff and jitter so that replicas do not retry in step. Consecutive failures open the circuit breaker: while it is
open calls fail at once, and after a cool-down one trial request decides whether it closes again. A 429 means the
issuer is up but busy, so it never opens the breaker.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import aiohttp

from jobs.issuer.cards import IssuerCard, parse_card
from jobs.settings import CardIssuerSettings

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class IssuerError(Exception):
    """The card issuer answered in a way retrying cannot fix (a 4xx, a malformed body)."""


class IssuerAuthError(IssuerError):
    """401 or 403: the API key is wrong; every later call would fail the same way."""


class IssuerUnavailable(IssuerError):
    """Retries ran out, or the issuer asked to wait longer than we are willing to (``retry_after``)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CircuitOpen(IssuerUnavailable):
    """The breaker is open: the issuer failed repeatedly, so calls fail fast until the cool-down ends."""


@dataclass(frozen=True, slots=True)
class BalancePage:
    cards: list[IssuerCard]
    next_cursor: str | None
    invalid: int = 0
    """Card objects on the page that did not match the contract (skipped, counted)."""


class CircuitBreaker:
    """Closed -> open after ``failures`` failures in a row -> half-open after ``cooldown_s`` -> one trial call."""

    def __init__(self, failures: int, cooldown_s: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.threshold = failures
        self.cooldown_s = cooldown_s
        self.monotonic = monotonic
        self.failures = 0
        self.opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.monotonic() - self.opened_at >= self.cooldown_s else "open"

    def check(self) -> None:
        """Raise `CircuitOpen` unless a call may go out now."""
        state = self.state
        if state == "closed":
            return
        if state == "half-open" and not self._trial_running:
            self._trial_running = True
            return
        assert self.opened_at is not None
        wait = max(0.0, self.cooldown_s - (self.monotonic() - self.opened_at))
        raise CircuitOpen(f"card issuer circuit open for another {wait:.0f} s", retry_after=wait)

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self._trial_running = False

    def failure(self) -> None:
        self.failures += 1
        if self._trial_running or self.failures >= self.threshold:
            if self.opened_at is None or self._trial_running:
                logger.warning("card issuer circuit opened after %d failures", self.failures)
            self.opened_at = self.monotonic()
        self._trial_running = False


class CardIssuerClient:
    """One client per process; it owns its HTTP session unless one is given."""

    def __init__(
        self,
        settings: CardIssuerSettings,
        session: aiohttp.ClientSession | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not settings.base_url:
            raise ValueError("KKINI_CARD_ISSUER__BASE_URL is not set")
        self.settings = settings
        self.base_url = settings.base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self.sleep = sleep
        self.jitter = jitter
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s, monotonic)

    async def balances(self, *, updated_since: datetime | None, cursor: str | None, limit: int) -> BalancePage:
        """One page of cards changed since ``updated_since`` (all cards when None), continuing at ``cursor``."""
        params: dict[str, str] = {"limit": str(limit)}
        if updated_since is not None:
            params["updated_since"] = updated_since.astimezone(UTC).isoformat()
        if cursor:
            params["cursor"] = cursor
        body = await self._get("/v1/cards/balances", params)
        if not isinstance(body, dict) or not isinstance(body.get("cards"), list):
            raise IssuerError("balances response without a cards list")
        next_cursor = body.get("next_cursor")
        if next_cursor is not None and not isinstance(next_cursor, str):
            raise IssuerError("next_cursor is neither a string nor null")
        cards: list[IssuerCard] = []
        invalid = 0
        for item in body["cards"]:
            try:
                cards.append(parse_card(item))
            except ValueError as problem:
                invalid += 1
                logger.warning("card issuer sent a malformed card: %s", problem)
        return BalancePage(cards, next_cursor or None, invalid)

    async def card(self, card_id: str) -> IssuerCard | None:
        """One card, or None when the issuer does not know it."""
        body = await self._get(f"/v1/cards/{quote(card_id, safe='')}", {}, missing_ok=True)
        if body is None:
            return None
        try:
            return parse_card(body)
        except ValueError as problem:
            raise IssuerError(f"malformed card: {problem}") from None

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def _get(self, path: str, params: dict[str, str], *, missing_ok: bool = False) -> Any:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        url = self.base_url + path
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            self.breaker.check()
            wait: float
            try:
                async with self._http().get(url, params=params, headers=headers, timeout=timeout) as response:
                    if response.status == 200:
                        try:
                            body = await response.json(content_type=None)
                        except ValueError:
                            self.breaker.failure()
                            raise IssuerError(f"GET {path}: the body is not JSON") from None
                        self.breaker.success()
                        return body
                    if response.status == 404 and missing_ok:
                        self.breaker.success()
                        return None
                    if response.status in (401, 403):
                        self.breaker.success()
                        raise IssuerAuthError(f"GET {path}: {response.status}, check KKINI_CARD_ISSUER__API_KEY")
                    if response.status == 429:
                        wait = _retry_after(response.headers.get("Retry-After")) or self._backoff(attempt)
                        if wait > self.settings.max_retry_after_s:
                            raise IssuerUnavailable(f"GET {path}: 429, retry after {wait:.0f} s", retry_after=wait)
                        problem = "429 Too Many Requests"
                    elif response.status >= 500:
                        self.breaker.failure()
                        retry_after = _retry_after(response.headers.get("Retry-After"))
                        wait = min(retry_after or self._backoff(attempt), self.settings.max_retry_after_s)
                        problem = f"{response.status}"
                    else:
                        self.breaker.success()
                        raise IssuerError(f"GET {path}: unexpected status {response.status}")
            except (aiohttp.ClientError, TimeoutError) as error:
                self.breaker.failure()
                wait = self._backoff(attempt)
                problem = f"{type(error).__name__}: {error}"
            if attempt + 1 >= attempts:
                raise IssuerUnavailable(f"GET {path}: {problem} after {attempts} attempts")
            logger.info("card issuer GET %s: %s; retrying in %.2f s", path, problem, wait)
            await self.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: half the step fixed, half random."""
        step = min(self.settings.backoff_max_s, self.settings.backoff_base_s * 2**attempt)
        return step / 2 + self.jitter() * step / 2


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
