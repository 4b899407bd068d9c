"""The router: one model answer from the first provider that can give it.

For each request the router tries the providers in order (``KKINI_ROUTER__ORDER``, the caller's preferred provider
first), skipping those whose circuit breaker is open or whose daily spending cap is reached. A provider is retried on
429, 5xx, timeouts and cut connections with jittered backoff; a Retry-After is honoured when it is short and
otherwise pauses that provider while the next one answers. A context-length refusal trims the oldest history and asks
again. All of that happens only BEFORE the first token: once text has reached the user, another model must not carry
on in a voice the user did not start with, so a failure then raises `AnswerInterrupted` and the caller ends the reply
honestly. When no provider answers, `NoProviderAnswered` tells the caller to use the offline path.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from dialogue.llm.breaker import CircuitBreaker
from dialogue.llm.cache import CachedAnswer, ResponseCache
from dialogue.llm.errors import HEALTH, OPERATOR, FailureKind, ProviderError
from dialogue.llm.spend import SpendLedger
from dialogue.llm.types import ChatRequest, Finish, Provider, TextChunk, ToolCall, Usage, UserMessage
from dialogue.settings import RouterSettings

logger = logging.getLogger(__name__)

MAX_TRIMS = 8
"""Context-length refusals one request may answer by trimming before the provider is given up."""
_OPERATOR_HINTS = {
    FailureKind.AUTH: ("the API key", "API_KEY"),
    FailureKind.MODEL: ("the model id", "MODEL"),
    FailureKind.BILLING: ("the account's billing", "API_KEY (and the account's credit)"),
}


@dataclass(frozen=True, slots=True)
class Attempt:
    provider: str
    outcome: str
    """ok, cached, skipped:breaker, skipped:cap, or the failure kind."""
    detail: str = ""
    ms: float = 0.0


@dataclass(slots=True)
class RoundResult:
    """One model answer: what it said, which tools it wants, and what it cost."""

    provider: str
    model: str
    text: str
    tool_calls: tuple[ToolCall, ...]
    finish: str
    usage: Usage
    cost_usd: float
    cached: bool = False
    first_token_ms: float | None = None
    request: ChatRequest | None = None
    """The request as finally answered (shorter than the one given when history was trimmed)."""
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RoundDone:
    result: RoundResult


RouterEvent = TextChunk | RoundDone


class NoProviderAnswered(Exception):
    """Every provider failed or was skipped before the first token; the offline path should answer."""

    def __init__(self, attempts: Sequence[Attempt]) -> None:
        summary = ", ".join(f"{a.provider}: {a.outcome}" for a in attempts) or "no provider configured"
        super().__init__(f"no provider answered ({summary})")
        self.attempts = list(attempts)


class AnswerInterrupted(Exception):
    """The provider failed after text had reached the user; the reply must end here, honestly."""

    def __init__(self, provider: str, error: ProviderError, text: str) -> None:
        super().__init__(f"{provider} failed after the first token: {error}")
        self.provider = provider
        self.error = error
        self.text = text


class Router:
    def __init__(
        self,
        providers: Sequence[Provider],
        settings: RouterSettings,
        *,
        ledger: SpendLedger,
        cache: ResponseCache,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.providers = list(providers)
        self.settings = settings
        self.ledger = ledger
        self.cache = cache
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.breakers = {
            p.name: CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s, clock) for p in providers
        }

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.providers]

    async def aclose(self) -> None:
        for provider in self.providers:
            await provider.aclose()

    def _ordered(self, prefer: str | None) -> list[Provider]:
        first = [p for p in self.providers if p.name == prefer]
        return first + [p for p in self.providers if p.name != prefer]

    async def stream(self, request: ChatRequest, *, prefer: str | None = None) -> AsyncIterator[RouterEvent]:
        """Text chunks as they arrive, then `RoundDone`; raises `NoProviderAnswered` or `AnswerInterrupted`."""
        cached = await self.cache.get(request)
        if cached is not None:
            yield TextChunk(cached.text)
            result = RoundResult(cached.provider, cached.model, cached.text, (), "stop", Usage(0, 0), 0.0, cached=True)
            result.request = request
            result.attempts.append(Attempt(cached.provider, "cached"))
            yield RoundDone(result)
            return
        attempts: list[Attempt] = []
        for provider in self._ordered(prefer):
            breaker = self.breakers[provider.name]
            if await self.ledger.over_cap(provider.name):
                attempts.append(Attempt(provider.name, "skipped:cap"))
                continue
            if not breaker.allow():
                attempts.append(Attempt(provider.name, "skipped:breaker"))
                continue
            done = False
            async for event in self._provider_rounds(provider, request, attempts):
                done = done or isinstance(event, RoundDone)
                yield event
            if done:
                return
        raise NoProviderAnswered(attempts)

    async def _provider_rounds(
        self, provider: Provider, request: ChatRequest, attempts: list[Attempt]
    ) -> AsyncIterator[RouterEvent]:
        """Try one provider, retrying and trimming as allowed; returns quietly when it is time for the next one."""
        breaker = self.breakers[provider.name]
        retries = trims = 0
        while True:
            started = time.perf_counter()
            state = _AttemptState()
            try:
                async for chunk in self._attempt(provider, request, state):
                    yield chunk
                if state.finish == "length" and not state.text.strip() and not state.calls:
                    # A reasoning model that thought until max_tokens ran out: no answer, so the next one is asked.
                    raise ProviderError(
                        provider.name, FailureKind.EXHAUSTED, "the token budget ran out before any answer"
                    )
            except ProviderError as error:
                attempts.append(Attempt(provider.name, error.kind.value, error.message, _ms(started)))
                if state.committed:
                    breaker.failure()
                    logger.warning(
                        "%s failed after the first token (%s: %s); the reply ends here",
                        provider.name,
                        error.kind.value,
                        error.message,
                    )
                    raise AnswerInterrupted(provider.name, error, state.text) from error
                if error.kind is FailureKind.CONTEXT_LENGTH:
                    trimmed = trim_history(request)
                    if trimmed is not None and trims < MAX_TRIMS:
                        trims += 1
                        logger.info("%s: context too long, asking again without the oldest history", provider.name)
                        request = trimmed
                        continue
                if not self._record_failure(provider, error):
                    return
                delay = self._retry_delay(error, retries)
                if delay is None or not breaker.allow():
                    return
                retries += 1
                await self.sleep(delay)
                continue
            breaker.success()
            cost = await self.ledger.add(provider.name, state.usage)
            result = RoundResult(
                provider.name,
                provider.model,
                state.text,
                tuple(state.calls),
                state.finish,
                state.usage,
                cost,
                first_token_ms=state.first_token_ms,
                request=request,
            )
            attempts.append(Attempt(provider.name, "ok", "", _ms(started)))
            result.attempts = attempts
            if state.finish == "stop" and not state.calls:
                await self.cache.put(request, CachedAnswer(state.text, provider.name, provider.model))
            yield RoundDone(result)
            return

    def _record_failure(self, provider: Provider, error: ProviderError) -> bool:
        """Count the failure on the breaker and log it; False when this provider should not be tried again now."""
        breaker = self.breakers[provider.name]
        if error.kind not in HEALTH:
            breaker.release()
            logger.warning("%s refused the request (%s: %s)", provider.name, error.kind.value, error.message)
            return False
        if error.kind in OPERATOR:
            if breaker.failure(open_for=self.settings.auth_cooldown_s):
                what, setting = _OPERATOR_HINTS[error.kind]
                logger.error(
                    "%s refused %s (HTTP %s: %s); it stays off for %.0f s: check KKINI_%s__%s",
                    provider.name,
                    what,
                    error.status,
                    error.message,
                    self.settings.auth_cooldown_s,
                    provider.name.upper(),
                    setting,
                )
            return False
        long_wait = error.retry_after is not None and error.retry_after > self.settings.max_retry_wait_s
        opened = breaker.failure(open_for=error.retry_after if long_wait else None)
        if opened:
            logger.warning(
                "%s circuit opened after %s (%s); trying the next provider",
                provider.name,
                error.kind.value,
                error.message,
            )
        else:
            logger.info("%s failed: %s (%s)", provider.name, error.kind.value, error.message)
        return error.retryable and not long_wait

    def _retry_delay(self, error: ProviderError, retries: int) -> float | None:
        if retries >= self.settings.retries:
            return None
        if error.retry_after is not None:
            # The vendor's wait, plus a little jitter so that replicas told the same thing do not return together.
            return error.retry_after + self.rng.uniform(0, min(0.25, 0.1 * error.retry_after + 0.01))
        ceiling = min(self.settings.backoff_max_s, self.settings.backoff_base_s * 2**retries)
        return self.rng.uniform(ceiling / 2, ceiling)

    async def _attempt(
        self, provider: Provider, request: ChatRequest, state: _AttemptState
    ) -> AsyncIterator[TextChunk]:
        """One request to one provider under the first-token and total timeouts."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.settings.total_timeout_s
        first_deadline = started + self.settings.first_token_timeout_s
        events = provider.stream(request)
        try:
            while True:
                waiting_first = state.first_token_ms is None
                try:
                    async with asyncio.timeout_at(min(deadline, first_deadline) if waiting_first else deadline):
                        event = await anext(events)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    kind = FailureKind.FIRST_TOKEN if waiting_first else FailureKind.TIMEOUT
                    what = "no first token" if waiting_first else "the answer did not finish"
                    raise ProviderError(provider.name, kind, f"{what} within the timeout") from None
                if waiting_first:  # any event counts: a reasoning model may say nothing else for a while
                    state.first_token_ms = (loop.time() - started) * 1000
                if isinstance(event, TextChunk):
                    state.text += event.text
                    state.committed = True
                    yield event
                elif isinstance(event, ToolCall):
                    state.calls.append(event)
                elif isinstance(event, Usage):
                    state.usage = event
                elif isinstance(event, Finish):
                    state.finish = event.reason
        finally:
            await events.aclose()


@dataclass(slots=True)
class _AttemptState:
    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=lambda: Usage(0, 0))
    finish: str = "stop"
    first_token_ms: float | None = None
    committed: bool = False
    """Text has been passed on to the user: from here on no other provider may take over."""


def trim_history(request: ChatRequest) -> ChatRequest | None:
    """The request without its oldest exchange (up to the next user message), or None when only the current turn
    is left. The current turn (the last user message and the tool calls after it) is never cut."""
    messages = request.messages
    last_user = max((i for i, m in enumerate(messages) if isinstance(m, UserMessage)), default=0)
    if last_user == 0:
        return None
    cut = next((i for i in range(1, last_user + 1) if isinstance(messages[i], UserMessage)), last_user)
    return replace(request, messages=messages[cut:])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
