"""KnowledgeSettings and the chromadb client they choose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from knowledge.index import store
from knowledge.settings import KnowledgeSettings


def test_defaults_and_paths() -> None:
    settings = KnowledgeSettings()
    assert settings.chroma_url is None and settings.embedding == "e5"
    assert settings.openai_embedding_model == "text-embedding-3-small"
    assert settings.chroma_path(Path("var")) == Path("var/chroma")
    assert settings.state_dir(Path("var")) == Path("var/knowledge")
    assert all(field.description for field in KnowledgeSettings.model_fields.values())


def test_chroma_url_must_be_http() -> None:
    assert KnowledgeSettings(chroma_url="http://chroma:8000/").chroma_url == "http://chroma:8000"
    assert KnowledgeSettings(chroma_url="").chroma_url is None
    with pytest.raises(ValidationError, match="http"):
        KnowledgeSettings(chroma_url="chroma:8000")
    with pytest.raises(ValidationError):
        KnowledgeSettings.model_validate({"embedding": "bert"})


def test_connect_uses_a_folder_or_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def http_client(**kwargs: Any) -> str:
        calls.append(kwargs)
        return "http-client"

    monkeypatch.setattr(store.chromadb, "HttpClient", http_client)
    assert store.connect(KnowledgeSettings(chroma_url="https://chroma.internal"), tmp_path) == "http-client"
    assert calls[0]["host"] == "chroma.internal" and calls[0]["port"] == 443 and calls[0]["ssl"] is True
    assert calls[0]["settings"].anonymized_telemetry is False
    store.connect(KnowledgeSettings(chroma_url="http://127.0.0.1:8123"), tmp_path)
    assert (calls[1]["host"], calls[1]["port"], calls[1]["ssl"]) == ("127.0.0.1", 8123, False)
    local = store.connect(KnowledgeSettings(), tmp_path)
    assert (tmp_path / "chroma").is_dir()
    assert local.get_settings().anonymized_telemetry is False
