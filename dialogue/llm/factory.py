"""Providers and the router built from settings: a provider whose key is unset is off; building touches no network.

Each provider's SDK is imported only when its key is set: the three together take seconds to import, which every
start on the offline default (``kkini chat``, ``serve``, ``worker``) would otherwise pay for nothing."""

from __future__ import annotations

from collections.abc import Mapping

from dialogue.llm.cache import ResponseCache
from dialogue.llm.router import Router
from dialogue.llm.spend import Pricing, SpendLedger
from dialogue.llm.types import Provider
from dialogue.settings import AnthropicSettings, GeminiSettings, OpenAISettings, RouterSettings
from storage.kv import KeyValueStore

ProviderSettings = OpenAISettings | AnthropicSettings | GeminiSettings


def build_provider(name: str, section: ProviderSettings, router: RouterSettings) -> Provider | None:
    """The provider ``name`` from its settings section, or None when its key is unset."""
    if section.api_key is None or not section.api_key.get_secret_value():
        return None
    key = section.api_key.get_secret_value()
    if isinstance(section, OpenAISettings):
        from dialogue.llm.openai_provider import OpenAIProvider

        return OpenAIProvider(
            api_key=key,
            base_url=section.base_url,
            model=section.model,
            connect_timeout_s=router.connect_timeout_s,
            read_timeout_s=router.total_timeout_s,
            keepalive_connections=router.keepalive_connections,
            reasoning_effort=section.reasoning_effort,
            reasoning_tokens=router.reasoning_tokens,
        )
    if isinstance(section, AnthropicSettings):
        from dialogue.llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider(
            api_key=key,
            base_url=section.base_url,
            model=section.model,
            connect_timeout_s=router.connect_timeout_s,
            read_timeout_s=router.total_timeout_s,
            keepalive_connections=router.keepalive_connections,
        )
    from dialogue.llm.gemini_provider import GeminiProvider

    return GeminiProvider(
        api_key=key,
        base_url=section.base_url,
        model=section.model,
        read_timeout_s=router.total_timeout_s,
        thinking_level=section.thinking_level,
        reasoning_tokens=router.reasoning_tokens,
    )


def build_providers(sections: Mapping[str, ProviderSettings], router: RouterSettings) -> list[Provider]:
    """The configured providers in ``KKINI_ROUTER__ORDER`` (offline is the engine's own path, not a provider)."""
    providers = []
    for name in router.providers():
        section = sections.get(name)
        provider = build_provider(name, section, router) if section is not None else None
        if provider is not None:
            providers.append(provider)
    return providers


def build_router(sections: Mapping[str, ProviderSettings], router: RouterSettings, kv: KeyValueStore) -> Router:
    pricing = {
        name: Pricing(section.input_usd_per_mtok, section.output_usd_per_mtok, section.daily_cap_usd)
        for name, section in sections.items()
    }
    return Router(
        build_providers(sections, router),
        router,
        ledger=SpendLedger(kv, pricing),
        cache=ResponseCache(kv, router.cache_ttl_s),
    )
