"""Settings sections owned by the dialogue package: language-model providers and the router."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

PROVIDER_NAMES = ("openai", "anthropic", "gemini", "offline")


class PricingFields(BaseModel):
    """What a provider's tokens cost and how much of it a day may spend; the router moves on once the cap is hit."""

    input_usd_per_mtok: float = Field(default=0.0, ge=0, description="price of a million input tokens in USD")
    output_usd_per_mtok: float = Field(default=0.0, ge=0, description="price of a million output tokens in USD")
    daily_cap_usd: float | None = Field(
        default=5.0,
        ge=0,
        description="most this provider may spend per day (Asia/Seoul) in USD; then traffic moves on; "
        "empty means no cap",
        json_schema_extra={"empty_means_none": True},
    )


class OpenAISettings(PricingFields):
    """``KKINI_OPENAI__*``."""

    api_key: SecretStr | None = Field(default=None, description="OpenAI API key; unset turns the provider off")
    base_url: str = Field(default="https://api.openai.com/v1", description="OpenAI API root")
    model: str = Field(default="gpt-5.4-mini", description="chat model")
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high"] | None = Field(
        default="low",
        description="reasoning effort sent to reasoning models (gpt-5 and o-series); empty means none is sent (the "
        "model's default)",
        json_schema_extra={"empty_means_none": True},
    )
    input_usd_per_mtok: float = Field(default=0.75, ge=0, description="price of a million input tokens in USD")
    output_usd_per_mtok: float = Field(default=4.50, ge=0, description="price of a million output tokens in USD")


class AnthropicSettings(PricingFields):
    """``KKINI_ANTHROPIC__*``."""

    api_key: SecretStr | None = Field(default=None, description="Anthropic API key; unset turns the provider off")
    base_url: str = Field(default="https://api.anthropic.com", description="Anthropic API root")
    model: str = Field(default="claude-haiku-4-5", description="chat model")
    input_usd_per_mtok: float = Field(default=1.0, ge=0, description="price of a million input tokens in USD")
    output_usd_per_mtok: float = Field(default=5.0, ge=0, description="price of a million output tokens in USD")


class GeminiSettings(PricingFields):
    """``KKINI_GEMINI__*``."""

    api_key: SecretStr | None = Field(default=None, description="Gemini API key; unset turns the provider off")
    base_url: str | None = Field(default=None, description="Gemini API root; unset means Google's default")
    model: str = Field(default="gemini-3.1-flash-lite", description="chat model")
    thinking_level: Literal["minimal", "low", "medium", "high"] | None = Field(
        default="low",
        description="thinking level sent to Gemini 3 models; empty means none is sent (the model's default; Gemini "
        "2.5 takes none)",
        json_schema_extra={"empty_means_none": True},
    )
    input_usd_per_mtok: float = Field(default=0.25, ge=0, description="price of a million input tokens in USD")
    output_usd_per_mtok: float = Field(default=1.50, ge=0, description="price of a million output tokens in USD")


class RouterSettings(BaseModel):
    """``KKINI_ROUTER__*``: which providers are tried, in order, and how hard."""

    order: str = Field(
        default="openai,anthropic,gemini,offline",
        description="providers tried in order, comma separated; offline is always last",
    )
    retries: int = Field(
        default=2, ge=0, le=5, description="retries of one provider on 429, 5xx, timeouts and cut connections"
    )
    backoff_base_s: float = Field(default=0.25, gt=0, description="first retry waits up to this (full jitter)")
    backoff_max_s: float = Field(default=2.0, gt=0, description="longest jittered wait between two retries")
    max_retry_wait_s: float = Field(
        default=5.0,
        ge=0,
        description="longest Retry-After honoured by waiting; a longer one pauses the provider and moves on",
    )
    connect_timeout_s: float = Field(default=3.0, gt=0, description="time allowed to connect to a provider")
    keepalive_connections: int = Field(
        default=256,
        ge=1,
        description=(
            "idle connections the OpenAI and Anthropic clients keep open between requests; size it for the model calls"
            " one replica makes at once (the SDKs keep 100, so a larger burst reconnects; Gemini's client keeps all)"
        ),
    )
    first_token_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="time allowed from sending a request to the first streamed event of any kind (text, tool call, "
        "or the stream's opening event of a model that reasons first)",
    )
    total_timeout_s: float = Field(default=60.0, gt=0, description="time allowed for one whole model answer")
    breaker_failures: int = Field(
        default=3, ge=1, description="failures in a row that open a provider's circuit breaker"
    )
    breaker_cooldown_s: float = Field(
        default=30.0, gt=0, description="how long an open breaker refuses requests before one probe"
    )
    auth_cooldown_s: float = Field(
        default=600.0, gt=0, description="how long a provider whose key was refused stays off before one probe"
    )
    cache_ttl_s: float = Field(
        default=3600.0, ge=0, description="how long identical requests are answered from the cache; 0 turns it off"
    )
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="sampling temperature; unset leaves each model's default"
    )
    max_tokens: int = Field(default=1024, ge=16, description="most tokens one model answer may have")
    reasoning_tokens: int = Field(
        default=2048,
        ge=0,
        description="tokens a reasoning model may spend thinking, on top of max_tokens, so that the answer has room",
    )
    max_tool_rounds: int = Field(
        default=5, ge=1, le=10, description="model calls one turn may make (each may call tools)"
    )
    max_invalid_tool_rounds: int = Field(
        default=3, ge=1, description="rounds of invalid tool arguments before the turn falls back to the offline path"
    )
    history_turns: int = Field(default=10, ge=0, description="earlier messages of the session the model sees")

    @field_validator("order")
    @classmethod
    def _known_providers(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in PROVIDER_NAMES]
        if unknown:
            raise ValueError(f"unknown provider {', '.join(unknown)}; expected names from {', '.join(PROVIDER_NAMES)}")
        return ",".join(names)

    def providers(self) -> list[str]:
        """The order to try, with ``offline`` moved to (or added at) the end."""
        names = [name for name in self.order.split(",") if name and name != "offline"]
        return [*names, "offline"]
