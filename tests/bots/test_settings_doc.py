"""README's configuration table is generated from the settings model and must be current."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.settings_doc import env_example, settings_rows, settings_table
from tests.conftest import REPO_ROOT


def test_readme_configuration_table_is_current() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, "run `uv run python -m bots.settings_doc` to regenerate the table"


def test_env_example_is_current_and_lists_every_setting() -> None:
    text = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    assert text == env_example(), "run `uv run python -m bots.settings_doc` to regenerate .env.example"
    for name, _, _ in settings_rows():
        assert f"# {name}=" in text


def test_env_example_lines_are_accepted_by_the_settings_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uncommenting every line of .env.example gives the defaults back: the file never lies about them."""
    from bots.settings import Settings

    lines = [line[2:] for line in env_example().splitlines() if line.startswith("# KKINI_")]
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert Settings().model_dump() == Settings(_env_file=None).model_dump()


def test_every_setting_of_the_interface_contract_is_in_the_table() -> None:
    names = {name for name, _, _ in settings_rows()}
    contract = {
        "KKINI_DATA_DIR",
        "KKINI_DATABASE__URL",
        "KKINI_REDIS__URL",
        "KKINI_TELEGRAM__TOKEN",
        "KKINI_TELEGRAM__WEBHOOK_SECRET",
        "KKINI_TELEGRAM__API_BASE_URL",
        "KKINI_SLACK__BOT_TOKEN",
        "KKINI_SLACK__SIGNING_SECRET",
        "KKINI_SLACK__API_BASE_URL",
        "KKINI_KAKAO__SKILL_KEY",
        "KKINI_KAKAO__BOT_ID",
        "KKINI_KAKAO__REST_API_KEY",
        "KKINI_KAKAO__EVENT_API_BASE_URL",
        "KKINI_OPENAI__API_KEY",
        "KKINI_OPENAI__BASE_URL",
        "KKINI_OPENAI__MODEL",
        "KKINI_ANTHROPIC__API_KEY",
        "KKINI_ANTHROPIC__BASE_URL",
        "KKINI_ANTHROPIC__MODEL",
        "KKINI_GEMINI__API_KEY",
        "KKINI_GEMINI__BASE_URL",
        "KKINI_GEMINI__MODEL",
        "KKINI_ROUTER__ORDER",
        "KKINI_CARD_ISSUER__BASE_URL",
        "KKINI_CARD_ISSUER__API_KEY",
        "KKINI_NOTIFY__LOW_BALANCE_WON",
        "KKINI_NOTIFY__QUIET_HOURS",
    }
    assert contract <= names
