"""The application's settings: one section per package, read once from the environment and ``.env``.

Every external base URL is a setting so that tests point the real clients at local fakes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from dialogue.settings import AnthropicSettings, GeminiSettings, OpenAISettings, RouterSettings
from jobs.settings import CardIssuerSettings, NotifySettings
from knowledge.settings import KnowledgeSettings
from storage.settings import DatabaseSettings, RedisSettings, SampleDataSettings, SecuritySettings

ENV_PREFIX = "KKINI_"
ENV_NESTED_DELIMITER = "__"


class ServerSettings(BaseModel):
    """``KKINI_SERVER__*``: the HTTP server of ``kkini serve``."""

    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int = Field(default=8080, ge=1, le=65535, description="port to listen on")


class TelegramSettings(BaseModel):
    """``KKINI_TELEGRAM__*``."""

    token: SecretStr | None = Field(default=None, description="bot token from BotFather; unset turns Telegram off")
    webhook_secret: SecretStr | None = Field(
        default=None, description="secret expected in X-Telegram-Bot-Api-Secret-Token"
    )
    api_base_url: str = Field(
        default="https://api.telegram.org", description="Bot API root; requests go to {root}/bot{token}/{method}"
    )

    @property
    def enabled(self) -> bool:
        return self.token is not None


class SlackSettings(BaseModel):
    """``KKINI_SLACK__*``."""

    bot_token: SecretStr | None = Field(default=None, description="bot token (xoxb-...); unset turns Slack off")
    signing_secret: SecretStr | None = Field(default=None, description="signing secret of the Slack app")
    api_base_url: str = Field(
        default="https://slack.com/api/", description="Web API root; requests go to {root}{method}"
    )

    @property
    def enabled(self) -> bool:
        return self.bot_token is not None and self.signing_secret is not None


class KakaoSettings(BaseModel):
    """``KKINI_KAKAO__*``."""

    skill_key: SecretStr | None = Field(
        default=None, description="value required in the X-Kakao-Skill-Key header; unset turns Kakao off"
    )
    bot_id: str | None = Field(default=None, description="bot id for the Event API push")
    rest_api_key: SecretStr | None = Field(default=None, description="REST API key for the Event API push")
    event_api_base_url: str = Field(default="https://bot-api.kakao.com", description="Event API root")

    @property
    def enabled(self) -> bool:
        return self.skill_key is not None


class Settings(BaseSettings):
    """Everything kkini reads from its environment. Build it once, in the composition root."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED_DELIMITER,
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    data_dir: Path = Field(default=Path("./var"), description="where SQLite, chromadb and other local state live")
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$", description="log level")
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    sample: SampleDataSettings = SampleDataSettings()
    security: SecuritySettings = SecuritySettings()
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()
    kakao: KakaoSettings = KakaoSettings()
    openai: OpenAISettings = OpenAISettings()
    anthropic: AnthropicSettings = AnthropicSettings()
    gemini: GeminiSettings = GeminiSettings()
    router: RouterSettings = RouterSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    card_issuer: CardIssuerSettings = CardIssuerSettings()
    notify: NotifySettings = NotifySettings()

    @property
    def database_url(self) -> str:
        return self.database.resolved_url(self.data_dir)


class SettingsError(Exception):
    """Raised when a setting has an invalid value; the message names the variable and what it expects."""


def env_name(location: tuple[int | str, ...]) -> str:
    """The environment variable for a pydantic error location such as ('notify', 'quiet_hours')."""
    parts = [str(part) for part in location if not isinstance(part, int)]
    return ENV_PREFIX + ENV_NESTED_DELIMITER.join(parts).upper()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; an invalid value raises SettingsError naming each bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            message = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{env_name(problem['loc'])}: {message} (got {problem.get('input')!r})")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None


def masked(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data, secrets replaced by a mask."""

    def walk(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return "********" if value.get_secret_value() else ""
        if isinstance(value, BaseModel):
            return {name: walk(getattr(value, name)) for name in type(value).model_fields}
        if isinstance(value, Path):
            return str(value)
        return value

    result: dict[str, Any] = walk(settings)
    result["database"]["url"] = _mask_url_password(settings.database_url)
    if settings.redis.url:
        result["redis"]["url"] = _mask_url_password(settings.redis.url)
    return result


def _mask_url_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
