"""README's configuration table is generated from the settings model and must be current."""

from __future__ import annotations

from bots.settings_doc import settings_rows, settings_table
from tests.conftest import REPO_ROOT


def test_readme_configuration_table_is_current() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, "run `uv run python -m bots.settings_doc` to regenerate the table"


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
