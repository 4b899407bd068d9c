"""An empty variable: unset (the default applies), except where the setting says "empty means none"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from bots.settings import Settings, SettingsError, empty_means_none_fields, env_name, load_settings

# Every setting whose empty value means None; the default of each is something else.
EMPTY_MEANS_NONE = {
    "KKINI_NOTIFY__QUIET_HOURS": "22:00-07:00",
    "KKINI_OPENAI__DAILY_CAP_USD": "1.5",
    "KKINI_ANTHROPIC__DAILY_CAP_USD": "1.5",
    "KKINI_GEMINI__DAILY_CAP_USD": "1.5",
    "KKINI_OPENAI__REASONING_EFFORT": "medium",
    "KKINI_GEMINI__THINKING_LEVEL": "high",
}


# "unset turns Telegram off", "empty means none", "unset: no cap"; not "when the database is empty".
MEANING_OF_EMPTY = re.compile(r"\b(empty|unset)( value)?(:| means| turns| leaves| is)")


def _value(settings: Settings, name: str) -> Any:
    value: Any = settings
    for part in name.removeprefix("KKINI_").lower().split("__"):
        value = getattr(value, part)
    return value


def _default(name: str) -> Any:
    return _value(Settings(_env_file=None), name)


@pytest.fixture(autouse=True)
def _empty_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def test_the_marked_settings_are_exactly_these() -> None:
    assert {env_name(location) for location in empty_means_none_fields(Settings)} == set(EMPTY_MEANS_NONE)


@pytest.mark.parametrize("name", sorted(EMPTY_MEANS_NONE))
def test_empty_in_the_environment_means_none(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert _default(name) is not None
    monkeypatch.setenv(name, "")
    assert _value(load_settings(), name) is None


@pytest.mark.parametrize("name", sorted(EMPTY_MEANS_NONE))
def test_empty_in_dotenv_means_none(tmp_path: Path, name: str) -> None:
    (tmp_path / ".env").write_text(f"{name}=\n", encoding="utf-8")
    assert _value(load_settings(), name) is None


@pytest.mark.parametrize("name", sorted(EMPTY_MEANS_NONE))
def test_empty_in_the_environment_beats_a_value_in_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    (tmp_path / ".env").write_text(f"{name}={EMPTY_MEANS_NONE[name]}\n", encoding="utf-8")
    assert _value(load_settings(), name) is not None
    monkeypatch.setenv(name, "")
    assert _value(load_settings(), name) is None


@pytest.mark.parametrize("name", sorted(EMPTY_MEANS_NONE))
def test_a_value_in_the_environment_beats_empty_in_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    (tmp_path / ".env").write_text(f"{name}=\n", encoding="utf-8")
    monkeypatch.setenv(name, EMPTY_MEANS_NONE[name])
    assert str(_value(load_settings(), name)) == EMPTY_MEANS_NONE[name]


def test_empty_quiet_hours_hold_no_push(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKINI_NOTIFY__QUIET_HOURS", "")
    assert load_settings().notify.quiet_window() is None


@pytest.mark.parametrize(
    "name",
    [
        "KKINI_LOG_LEVEL",
        "KKINI_NOTIFY__LOW_BALANCE_WON",
        "KKINI_ROUTER__ORDER",
        "KKINI_REDIS__KEY_PREFIX",
        "KKINI_JOBS__COUPON_REMINDERS_AT",
        "KKINI_TELEGRAM__TOKEN",
        "KKINI_ROUTER__TEMPERATURE",
    ],
)
@pytest.mark.parametrize("where", ["environment", ".env"])
def test_an_ordinary_empty_value_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, where: str
) -> None:
    if where == "environment":
        monkeypatch.setenv(name, "")
    else:
        (tmp_path / ".env").write_text(f"{name}=\n", encoding="utf-8")
    assert _value(load_settings(), name) == _default(name)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("KKINI_NOTIFY__QUIET_HOURS", "9pm-8am", "expected HH:MM-HH:MM"),
        ("KKINI_OPENAI__DAILY_CAP_USD", "five", "valid number"),
        ("KKINI_GEMINI__DAILY_CAP_USD", "-1", "greater than or equal to 0"),
    ],
)
@pytest.mark.parametrize("where", ["environment", ".env"])
def test_an_invalid_value_of_a_marked_setting_still_stops(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, expected: str, where: str
) -> None:
    if where == "environment":
        monkeypatch.setenv(name, value)
    else:
        (tmp_path / ".env").write_text(f"{name}={value}\n", encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert name in message and expected in message and repr(value) in message


def _every_field(model: type[BaseModel], within: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            found += _every_field(field.annotation, (*within, name))
        else:
            found.append(((*within, name), field))
    return found


def test_descriptions_and_markers_agree() -> None:
    """A setting that gives empty (or unset) a meaning other than its default is marked, and says so plainly."""
    marked = set(empty_means_none_fields(Settings))
    for location, field in _every_field(Settings):
        description = field.description or ""
        if location in marked:
            assert "empty means" in description, env_name(location)
            assert TypeAdapter(field.annotation).validate_python(None) is None, env_name(location)
        elif field.get_default() is not None:
            assert not MEANING_OF_EMPTY.search(description), (
                f"{env_name(location)} documents an empty or unset meaning but is not marked empty_means_none"
            )
