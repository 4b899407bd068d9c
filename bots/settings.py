"""The application's settings: one section per package, read once from the environment and ``.env``.

Every external base URL is a setting so that tests point the real clients at local fakes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from dialogue.settings import AnthropicSettings, GeminiSettings, OpenAISettings, RouterSettings
from jobs.settings import CardIssuerSettings, JobsSettings, NotifySettings
from knowledge.settings import KnowledgeSettings
from storage.settings import DatabaseSettings, RedisSettings, SampleDataSettings, SecuritySettings

ENV_PREFIX = "KKINI_"
ENV_NESTED_DELIMITER = "__"

EMPTY_MEANS_NONE = "empty_means_none"
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""The ``json_schema_extra`` key of a field whose empty variable is a value, None, rather than unset.

An empty variable counts as unset, so the default applies. A field whose description gives the empty value a meaning
of its own ("empty means none": no quiet hours, no spending cap) carries ``json_schema_extra={"empty_means_none":
True}`` (the sections spell the key out: they do not import this package); for it an empty variable sets None, and,
like any value, outranks the sources below its own (an empty variable in the environment beats a value in .env).
"""


class ServerSettings(BaseModel):
    """``KKINI_SERVER__*``: the HTTP server of ``kkini serve``."""

    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int = Field(default=8080, ge=1, le=65535, description="port to listen on")


class TelegramSettings(BaseModel):
    """``KKINI_TELEGRAM__*``."""

    token: SecretStr | None = Field(default=None, description="bot token from BotFather; unset turns Telegram off")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="secret expected in X-Telegram-Bot-Api-Secret-Token: 1-256 characters of A-Z, a-z, 0-9, _ and -",
    )
    api_base_url: str = Field(
        default="https://api.telegram.org", description="Bot API root; requests go to {root}/bot{token}/{method}"
    )
    dedup_ttl_s: float = Field(
        default=90_000, gt=0, description="how long an update_id is remembered; Telegram redelivers for up to 24 h"
    )
    draft_interval_s: float = Field(
        default=0.3, ge=0, description="least time between two sendMessageDraft calls of one streamed answer"
    )
    edit_interval_s: float = Field(
        default=1.0, ge=0, description="least time between two edits of a streamed answer in a group chat"
    )

    @property
    def enabled(self) -> bool:
        return self.token is not None

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_characters(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram's setWebhook takes a secret_token of 1-256 characters of A-Z, a-z, 0-9, _ and - only."""
        if value is not None and value.get_secret_value() and not TELEGRAM_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "Telegram accepts a webhook secret of 1 to 256 characters, each one of A-Z, a-z, 0-9, _ and - "
                "(no spaces or other symbols); choose one such as the output of `openssl rand -hex 32`"
            )
        return value


class SlackSettings(BaseModel):
    """``KKINI_SLACK__*``."""

    bot_token: SecretStr | None = Field(default=None, description="bot token (xoxb-...); unset turns Slack off")
    signing_secret: SecretStr | None = Field(default=None, description="signing secret of the Slack app")
    app_token: SecretStr | None = Field(
        default=None,
        description="app-level token (xapp-..., scope connections:write) for Socket Mode in development "
        "(kkini serve --slack-socket)",
    )
    api_base_url: str = Field(
        default="https://slack.com/api/", description="Web API root; requests go to {root}{method}"
    )
    dedup_ttl_s: float = Field(
        default=3_600, gt=0, description="how long an event_id is remembered; Slack retries within minutes"
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
    event_name: str = Field(
        default="kkini_notice",
        description="event name of the Event block a push triggers (its text is {{#event.text}})",
    )
    callback_budget_s: float = Field(
        default=3.5, gt=0, lt=5, description="seconds to answer a skill request before replying useCallback"
    )
    dedup_ttl_s: float = Field(default=600, gt=0, description="how long a skill request's identity is remembered")

    @property
    def enabled(self) -> bool:
        return self.skill_key is not None


class WebSettings(BaseModel):
    """``KKINI_WEB__*``: the web chat's sessions."""

    secret: SecretStr | None = Field(
        default=None,
        description="key that signs the web chat's session cookies; unset means a key generated once in the data dir "
        "(give every replica the same one)",
    )


class ChannelsSettings(BaseModel):
    """``KKINI_CHANNELS__*``: what every channel shares: rate limits, body size, link codes, the web chat."""

    rate_limit_count: int = Field(default=20, ge=1, description="messages one user may send per rate-limit window")
    rate_limit_window_s: float = Field(default=60, gt=0, description="length of the per-user rate-limit window")
    max_body_bytes: int = Field(default=262_144, ge=1024, description="largest request body a webhook accepts")
    link_code_ttl_s: float = Field(default=600, gt=0, description="how long a /link code stays valid")
    web_enabled: bool = Field(default=True, description="serve the web chat page and /api/chat")
    turn_timeout_s: float = Field(default=55, gt=0, description="longest one turn may take before the user is told")
    lease_s: float = Field(
        default=5.0,
        ge=0.2,
        le=60,
        description="lease of a delivery taken from the durable inbox and of a conversation's turn lock, renewed "
        "while the turn runs: how soon another worker takes over from a process that died",
    )


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
    log_format: str = Field(
        default="auto",
        pattern=r"^(auto|json|text)$",
        description="json (one object per line, with the turn id), text, or auto: text on a terminal, json otherwise",
    )
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    sample: SampleDataSettings = SampleDataSettings()
    security: SecuritySettings = SecuritySettings()
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()
    kakao: KakaoSettings = KakaoSettings()
    channels: ChannelsSettings = ChannelsSettings()
    web: WebSettings = WebSettings()
    openai: OpenAISettings = OpenAISettings()
    anthropic: AnthropicSettings = AnthropicSettings()
    gemini: GeminiSettings = GeminiSettings()
    router: RouterSettings = RouterSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    card_issuer: CardIssuerSettings = CardIssuerSettings()
    notify: NotifySettings = NotifySettings()
    jobs: JobsSettings = JobsSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The usual order (arguments, environment, .env, secret files), each source of variables preceded by the
        empty values it holds for the fields marked EMPTY_MEANS_NONE, which it drops itself."""
        env_file = dotenv_settings.env_file if isinstance(dotenv_settings, DotEnvSettingsSource) else None
        env_empty = EnvSettingsSource(settings_cls, env_ignore_empty=False).env_vars
        dotenv_empty = DotEnvSettingsSource(settings_cls, env_file=env_file, env_ignore_empty=False).env_vars
        return (
            init_settings,
            EmptyMeansNoneSource(settings_cls, env_empty),
            env_settings,
            EmptyMeansNoneSource(settings_cls, dotenv_empty),
            dotenv_settings,
            file_secret_settings,
        )

    @property
    def database_url(self) -> str:
        return self.database.resolved_url(self.data_dir)


def empty_means_none_fields(model: type[BaseModel], within: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The location, such as ('notify', 'quiet_hours'), of every field of ``model`` marked EMPTY_MEANS_NONE."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from empty_means_none_fields(annotation, (*within, name))
        elif isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get(EMPTY_MEANS_NONE) is True:
            yield (*within, name)


class EmptyMeansNoneSource(PydanticBaseSettingsSource):
    """None for every field marked EMPTY_MEANS_NONE whose variable is present but empty in ``variables``.

    ``variables`` are the raw variables of one source (names lower-cased, empty values kept), e.g. the environment.
    """

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str | None]) -> None:
        super().__init__(settings_cls)
        self._variables = variables

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ looks up the marked fields, nested ones included

    def __call__(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for location in empty_means_none_fields(self.settings_cls):
            if self._variables.get(env_name(location).lower()) == "":
                section = data
                for part in location[:-1]:
                    section = section.setdefault(part, {})
                section[location[-1]] = None
        return data


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
