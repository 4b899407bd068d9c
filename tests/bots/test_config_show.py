"""``kkini config show`` hides the password of every URL setting, not only the SecretStr fields."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bots.cli import main


def test_url_passwords_are_shown_as_stars(tmp_path: Path) -> None:
    env = {
        "KKINI_DATA_DIR": str(tmp_path),
        "KKINI_DATABASE__URL": "postgresql+asyncpg://kkini:db-Pa55word@db.internal:5432/kkini",
        "KKINI_REDIS__URL": "redis://:redis-Pa55word@cache.internal:6379/0",
        "KKINI_KNOWLEDGE__CHROMA_URL": "https://admin:chroma-Pa55word@chroma.internal:8000",
        "KKINI_CARD_ISSUER__BASE_URL": "https://partner:issuer-Pa55word@issuer.example/v1",
    }
    result = CliRunner().invoke(main, ["config", "show"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Pa55word" not in result.output
    shown = json.loads(result.stdout)
    assert shown["database"]["url"] == "postgresql+asyncpg://kkini:***@db.internal:5432/kkini"
    assert shown["redis"]["url"] == "redis://:***@cache.internal:6379/0"
    assert shown["knowledge"]["chroma_url"] == "https://admin:***@chroma.internal:8000"
    assert shown["card_issuer"]["base_url"] == "https://partner:***@issuer.example/v1"


def test_urls_without_a_password_are_shown_as_set(tmp_path: Path) -> None:
    env = {"KKINI_DATA_DIR": str(tmp_path), "KKINI_KNOWLEDGE__CHROMA_URL": "http://chroma@127.0.0.1:8000"}
    shown = json.loads(CliRunner().invoke(main, ["config", "show"], env=env, catch_exceptions=False).stdout)
    assert shown["knowledge"]["chroma_url"] == "http://chroma@127.0.0.1:8000"
    assert shown["openai"]["base_url"] == "https://api.openai.com/v1"
