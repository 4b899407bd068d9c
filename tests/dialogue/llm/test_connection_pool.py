"""The OpenAI and Anthropic clients keep ``KKINI_ROUTER__KEEPALIVE_CONNECTIONS`` connections alive between bursts.

The SDKs on their own keep 100, so a replica making more model calls than that at once reconnects for the rest of
every burst (and, loaded, runs into the connect timeout). Each fake here counts the client connections it has seen;
a barrier holds every request of a burst until all of them are in flight, so the burst really needs that many
connections at once without any timing assumption.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from pydantic import SecretStr

from dialogue.llm.factory import build_provider
from dialogue.llm.types import ChatRequest, Provider, UserMessage
from dialogue.settings import AnthropicSettings, OpenAISettings, RouterSettings
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.llm_script import LLMFake
from tests.fakes.openai_api import FakeOpenAI

BURST = 6
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ConnectionCounting:
    """Mixed into a vendor fake: remembers each client connection (its port) and holds requests in bursts."""

    peers: set[object]
    barrier: asyncio.Barrier

    def count_connections(self, app: web.Application) -> None:
        self.peers = set()
        self.barrier = asyncio.Barrier(BURST)

        @web.middleware
        async def hold(request: web.Request, handler: Handler) -> web.StreamResponse:
            assert request.transport is not None
            self.peers.add(request.transport.get_extra_info("peername"))
            await self.barrier.wait()
            return await handler(request)

        app.middlewares.append(hold)


class CountingOpenAI(ConnectionCounting, FakeOpenAI):
    def routes(self, app: web.Application) -> None:
        super().routes(app)
        self.count_connections(app)


class CountingAnthropic(ConnectionCounting, FakeAnthropic):
    def routes(self, app: web.Application) -> None:
        super().routes(app)
        self.count_connections(app)


@pytest.fixture(params=["openai", "anthropic"])
async def counting_fake(request: pytest.FixtureRequest) -> AsyncIterator[CountingOpenAI | CountingAnthropic]:
    fake = CountingOpenAI() if request.param == "openai" else CountingAnthropic()
    async with fake:
        yield fake


def provider_for(fake: LLMFake, keepalive: int) -> Provider:
    """The provider as the app builds it, from settings."""
    key = SecretStr(fake.api_key)
    name, section = (
        ("openai", OpenAISettings(api_key=key, base_url=fake.base_url, model="gpt-test"))
        if isinstance(fake, FakeOpenAI)
        else ("anthropic", AnthropicSettings(api_key=key, base_url=fake.base_url, model="claude-test"))
    )
    provider = build_provider(name, section, RouterSettings(keepalive_connections=keepalive))
    assert provider is not None
    return provider


async def burst(provider: Provider) -> None:
    async def one(number: int) -> None:
        request = ChatRequest("너는 끼니야.", (UserMessage(f"안녕 ({number})"),), max_tokens=50)
        async for _ in provider.stream(request):
            pass

    async with asyncio.timeout(20):
        await asyncio.gather(*(one(number) for number in range(BURST)))


@pytest.mark.parametrize(("keepalive", "reconnects"), [(BURST, 0), (2, BURST - 2)])
async def test_the_next_burst_reuses_as_many_connections_as_configured(
    counting_fake: CountingOpenAI | CountingAnthropic, keepalive: int, reconnects: int
) -> None:
    provider = provider_for(counting_fake, keepalive)
    try:
        await burst(provider)
        assert len(counting_fake.peers) == BURST  # the barrier made every request of the burst need its own
        await burst(provider)
        assert len(counting_fake.peers) == BURST + reconnects
    finally:
        await provider.aclose()
