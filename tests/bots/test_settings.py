"""Settings: the names of interfaces.md, .env support, masked secrets, start-up stopped by invalid values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.settings import Settings, SettingsError, env_name, load_settings, masked


def test_defaults_are_the_embedded_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.data_dir == Path("var")
    assert settings.database_url == "sqlite+aiosqlite:///var/kkini.db"
    assert settings.redis.url is None
    assert settings.telegram.api_base_url == "https://api.telegram.org"
    assert settings.slack.api_base_url == "https://slack.com/api/"
    assert settings.kakao.event_api_base_url == "https://bot-api.kakao.com"
    assert settings.openai.base_url == "https://api.openai.com/v1"
    assert settings.anthropic.base_url == "https://api.anthropic.com"
    assert settings.router.providers() == ["openai", "anthropic", "gemini", "offline"]
    assert settings.notify.low_balance_won == 5000
    assert settings.notify.quiet_hours == "21:00-08:00"
    assert not settings.telegram.enabled and not settings.slack.enabled and not settings.kakao.enabled


def test_nested_sections_read_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KKINI_DATA_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("KKINI_DATABASE__URL", "postgresql+asyncpg://kkini@db:5432/kkini")
    monkeypatch.setenv("KKINI_REDIS__URL", "redis://cache:6379/1")
    monkeypatch.setenv("KKINI_TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("KKINI_TELEGRAM__API_BASE_URL", "http://127.0.0.1:9999")
    monkeypatch.setenv("KKINI_ROUTER__ORDER", "offline, gemini")
    monkeypatch.setenv("KKINI_SLACK__BOT_TOKEN", "")
    monkeypatch.setenv("KKINI_NOTIFY__LOW_BALANCE_WON", "")
    settings = load_settings()
    assert settings.data_dir == tmp_path / "state"
    assert settings.database_url == "postgresql+asyncpg://kkini@db:5432/kkini"
    assert settings.redis.url == "redis://cache:6379/1"
    assert settings.telegram.enabled and settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == "123:abc"
    assert settings.telegram.api_base_url == "http://127.0.0.1:9999"
    assert settings.router.providers() == ["gemini", "offline"]
    # An empty value falls back to the default rather than turning a feature on with an empty key.
    assert settings.slack.bot_token is None
    assert settings.notify.low_balance_won == 5000


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("KKINI_NOTIFY__LOW_BALANCE_WON=3000\nKKINI_SLACK__BOT_TOKEN=xoxb-1\n")
    settings = load_settings()
    assert settings.notify.low_balance_won == 3000
    assert settings.slack.bot_token is not None and not settings.slack.enabled  # the signing secret is missing


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("KKINI_NOTIFY__QUIET_HOURS", "9pm-8am", "expected HH:MM-HH:MM"),
        ("KKINI_SERVER__PORT", "eighty", "valid integer"),
        ("KKINI_DATABASE__URL", "mysql://x", "sqlite+aiosqlite://"),
        ("KKINI_REDIS__URL", "http://cache", "redis://"),
        ("KKINI_ROUTER__ORDER", "openai,mistral", "unknown provider mistral"),
        ("KKINI_NOTIFY__LOW_BALANCE_WON", "-1", "greater than or equal to 0"),
        ("KKINI_LOG_LEVEL", "LOUD", "match pattern"),
    ],
)
def test_invalid_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert name in message
    assert expected in message
    assert repr(value) in message


def test_env_name_of_error_locations() -> None:
    assert env_name(("notify", "quiet_hours")) == "KKINI_NOTIFY__QUIET_HOURS"
    assert env_name(("data_dir",)) == "KKINI_DATA_DIR"


def test_masked_hides_secrets_and_url_passwords(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(
        openai={"api_key": "sk-secret"},
        telegram={"token": "123:tok", "webhook_secret": "whs"},
        database={"url": "postgresql+asyncpg://kkini:pw123@db/kkini"},
        redis={"url": "redis://:redispw@cache:6379/0"},
    )
    shown = masked(settings)
    text = repr(shown)
    for secret in ("sk-secret", "123:tok", "whs", "pw123", "redispw"):
        assert secret not in text
    assert shown["openai"]["api_key"] == "********"
    assert shown["anthropic"]["api_key"] is None
    assert shown["database"]["url"] == "postgresql+asyncpg://kkini:***@db/kkini"
