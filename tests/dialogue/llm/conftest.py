"""Fakes of the three vendor APIs on loopback ports, the real SDK providers pointed at them, and a router with
timeouts short enough for tests and a sleep that records instead of waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest
from pydantic import SecretStr

from dialogue.llm.anthropic_provider import AnthropicProvider
from dialogue.llm.cache import ResponseCache
from dialogue.llm.gemini_provider import GeminiProvider
from dialogue.llm.openai_provider import OpenAIProvider
from dialogue.llm.router import Router, RouterEvent
from dialogue.llm.spend import Pricing, SpendLedger
from dialogue.llm.types import ChatRequest, Provider, ProviderEvent
from dialogue.settings import AnthropicSettings, GeminiSettings, OpenAISettings, RouterSettings
from storage.kv import InProcessStore
from tests.fakes import anthropic_api, gemini_api, openai_api
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.clock import FakeClock
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.llm_script import LLMFake
from tests.fakes.openai_api import FakeOpenAI

FAST = RouterSettings(
    order="openai,anthropic,gemini",
    retries=2,
    backoff_base_s=0.01,
    backoff_max_s=0.02,
    max_retry_wait_s=5.0,
    connect_timeout_s=5.0,
    first_token_timeout_s=1.5,  # long enough for a loaded CI machine; the stalled fakes wait 30 s
    total_timeout_s=20.0,
    breaker_failures=3,
    breaker_cooldown_s=30.0,
    cache_ttl_s=60.0,
)


class Recorder:
    """Stands in for asyncio.sleep: remembers each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def openai_fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
async def anthropic_fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
async def gemini_fake() -> AsyncIterator[FakeGemini]:
    async with FakeGemini() as fake:
        yield fake


def openai_provider(fake: FakeOpenAI, key: str = openai_api.API_KEY) -> OpenAIProvider:
    return OpenAIProvider(
        api_key=key,
        base_url=fake.base_url,
        model="gpt-test",
        connect_timeout_s=5.0,
        read_timeout_s=30.0,
        keepalive_connections=16,
    )


def anthropic_provider(fake: FakeAnthropic, key: str = anthropic_api.API_KEY) -> AnthropicProvider:
    return AnthropicProvider(
        api_key=key,
        base_url=fake.base_url,
        model="claude-test",
        connect_timeout_s=5.0,
        read_timeout_s=30.0,
        keepalive_connections=16,
    )


def gemini_provider(fake: FakeGemini, key: str = gemini_api.API_KEY) -> GeminiProvider:
    return GeminiProvider(api_key=key, base_url=fake.base_url, model="gemini-test", read_timeout_s=30.0)


VENDORS: dict[str, tuple[type[LLMFake], Callable[..., Provider]]] = {
    "openai": (FakeOpenAI, openai_provider),
    "anthropic": (FakeAnthropic, anthropic_provider),
    "gemini": (FakeGemini, gemini_provider),
}


@pytest.fixture(params=list(VENDORS))
async def vendor(request: pytest.FixtureRequest) -> AsyncIterator[tuple[LLMFake, Provider]]:
    """Each vendor in turn: its fake and the real-SDK provider pointed at it."""
    fake_type, make = VENDORS[request.param]
    async with fake_type() as fake:
        provider = make(fake)
        try:
            yield fake, provider
        finally:
            await provider.aclose()


def provider_sections(fakes: dict[str, LLMFake], **pricing: Any) -> dict[str, Any]:
    """Settings sections that point each provider at its fake (for the engine and the CLI)."""
    sections: dict[str, Any] = {}
    for name, fake in fakes.items():
        base = fake.base_url
        if name == "openai":
            sections[name] = OpenAISettings(api_key=SecretStr(fake.api_key), base_url=base, model="gpt-test", **pricing)
        elif name == "anthropic":
            sections[name] = AnthropicSettings(
                api_key=SecretStr(fake.api_key), base_url=base, model="claude-test", **pricing
            )
        else:
            sections[name] = GeminiSettings(
                api_key=SecretStr(fake.api_key), base_url=base, model="gemini-test", **pricing
            )
    return sections


@pytest.fixture
def kv() -> InProcessStore:
    return InProcessStore("llm-test:")


@pytest.fixture
def sleeps() -> Recorder:
    return Recorder()


def make_router(
    providers: Sequence[Provider],
    kv: InProcessStore,
    *,
    settings: RouterSettings = FAST,
    pricing: dict[str, Pricing] | None = None,
    sleep: Recorder | None = None,
    clock: FakeClock | None = None,
) -> Router:
    return Router(
        providers,
        settings,
        ledger=SpendLedger(kv, pricing or {}),
        cache=ResponseCache(kv, settings.cache_ttl_s),
        sleep=sleep or Recorder(),
        **({"clock": clock} if clock is not None else {}),
    )


async def events_of(provider: Provider, request: ChatRequest) -> list[ProviderEvent]:
    return [event async for event in provider.stream(request)]


async def route(router: Router, request: ChatRequest, prefer: str | None = None) -> list[RouterEvent]:
    return [event async for event in router.stream(request, prefer=prefer)]
