"""What can go wrong with a provider, in one vocabulary, so the router decides without knowing any vendor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum


class FailureKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    """429: wait (Retry-After when given) or move on."""
    SERVER = "server"
    """5xx or an overloaded vendor."""
    CONNECTION = "connection"
    """Could not connect, or the connection broke (a stream cut short)."""
    TIMEOUT = "timeout"
    """Connecting or reading took longer than allowed."""
    FIRST_TOKEN = "first_token"
    """The request was accepted but nothing came within the first-token timeout."""
    AUTH = "auth"
    """The key was refused (401/403, Gemini's API_KEY_INVALID): nothing will work until an operator fixes it."""
    MODEL = "model"
    """The model id is unknown or retired (OpenAI ``model_not_found``, a 404 for the model): nothing will work until
    an operator changes ``KKINI_<PROVIDER>__MODEL``."""
    BILLING = "billing"
    """The account cannot pay (Anthropic ``billing_error``, OpenAI ``insufficient_quota``): off until an operator acts."""
    EXHAUSTED = "exhausted"
    """The model spent its whole token budget (on reasoning) and gave no answer: the next provider is asked."""
    CONTEXT_LENGTH = "context_length"
    """The request is longer than the model's context: trim the history and ask again."""
    BAD_REQUEST = "bad_request"
    """Any other refusal of the request itself; retrying the same request cannot help."""


RETRYABLE = frozenset({FailureKind.RATE_LIMIT, FailureKind.SERVER, FailureKind.CONNECTION, FailureKind.TIMEOUT})
"""Kinds worth the same provider again after a pause. A first token that never came is not: waiting again would
double the user's wait, so the router moves on instead."""
HEALTH = frozenset(
    {
        FailureKind.RATE_LIMIT,
        FailureKind.SERVER,
        FailureKind.CONNECTION,
        FailureKind.TIMEOUT,
        FailureKind.FIRST_TOKEN,
        FailureKind.AUTH,
        FailureKind.MODEL,
        FailureKind.BILLING,
    }
)
"""Kinds that say something about the provider's health and count towards its circuit breaker."""
OPERATOR = frozenset({FailureKind.AUTH, FailureKind.MODEL, FailureKind.BILLING})
"""Kinds only an operator can fix: the breaker opens at once, for ``auth_cooldown_s``, with one error log line."""


class ProviderError(Exception):
    """A provider call failed. ``retry_after`` is the vendor's own wait hint in seconds, when it gave one."""

    def __init__(
        self,
        provider: str,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider}: {kind.value}: {message}")
        self.provider = provider
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


def kind_for_status(status: int) -> FailureKind:
    """The kind of an HTTP error status that carries no more specific hint."""
    if status in (401, 403):
        return FailureKind.AUTH
    if status == 429:
        return FailureKind.RATE_LIMIT
    if status == 408:
        return FailureKind.TIMEOUT
    if status >= 500:
        return FailureKind.SERVER
    return FailureKind.BAD_REQUEST


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds only; an HTTP date is rare from these APIs)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def short(text: object, limit: int = 200) -> str:
    """A vendor's error message cut to one log-friendly line."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def transport_kind(error: BaseException) -> FailureKind | None:
    """The kind of a transport-level exception raised while a body streams (the SDKs wrap only the first request).

    httpx/httpx2 (OpenAI, Anthropic, google-genai) and aiohttp (google-genai) are recognised by their class names, so
    no vendor's transport library is imported here; None means the exception is not a transport failure (a bug).
    """
    if isinstance(error, TimeoutError):
        return FailureKind.TIMEOUT
    names = [cls.__name__ for cls in type(error).__mro__]
    if any(name.endswith(("TimeoutException", "TimeoutError")) for name in names):
        return FailureKind.TIMEOUT
    transport = ("TransportError", "NetworkError", "ProtocolError", "ClientError", "StreamError")
    if any(name.endswith(transport) for name in names) or isinstance(error, ConnectionError):
        return FailureKind.CONNECTION
    return None


@contextmanager
def provider_failures(provider: str, vendor: Callable[[Exception], ProviderError | None]) -> Iterator[None]:
    """Raise what goes wrong in the block as a `ProviderError`: first what ``vendor`` makes of its SDK's own
    exceptions, then a transport failure while a body streams (`transport_kind`). Anything else is a bug and goes up
    unchanged."""
    try:
        yield
    except Exception as error:
        failure = vendor(error)
        if failure is None:
            kind = transport_kind(error)
            if kind is None:
                raise
            failure = ProviderError(provider, kind, short(error) or type(error).__name__)
        raise failure from error
