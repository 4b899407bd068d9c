"""Settings sections owned by the dialogue package: language-model providers and the router."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, field_validator

PROVIDER_NAMES = ("openai", "anthropic", "gemini", "offline")


class OpenAISettings(BaseModel):
    """``KKINI_OPENAI__*``."""

    api_key: SecretStr | None = Field(default=None, description="OpenAI API key; unset turns the provider off")
    base_url: str = Field(default="https://api.openai.com/v1", description="OpenAI API root")
    model: str = Field(default="gpt-5-mini", description="chat model")


class AnthropicSettings(BaseModel):
    """``KKINI_ANTHROPIC__*``."""

    api_key: SecretStr | None = Field(default=None, description="Anthropic API key; unset turns the provider off")
    base_url: str = Field(default="https://api.anthropic.com", description="Anthropic API root")
    model: str = Field(default="claude-haiku-4-5", description="chat model")


class GeminiSettings(BaseModel):
    """``KKINI_GEMINI__*``."""

    api_key: SecretStr | None = Field(default=None, description="Gemini API key; unset turns the provider off")
    base_url: str | None = Field(default=None, description="Gemini API root; unset means Google's default")
    model: str = Field(default="gemini-2.5-flash", description="chat model")


class RouterSettings(BaseModel):
    """``KKINI_ROUTER__*``: which providers are tried, in order."""

    order: str = Field(
        default="openai,anthropic,gemini,offline",
        description="providers tried in order, comma separated; offline is always last",
    )

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
