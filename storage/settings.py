"""Settings sections owned by the storage package."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator


class DatabaseSettings(BaseModel):
    """``KKINI_DATABASE__*``: where relational data lives."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL (sqlite+aiosqlite:///..., postgresql+asyncpg://...); "
        "unset means a SQLite file in the data dir",
    )
    echo: bool = Field(default=False, description="log every SQL statement (debugging only)")
    pool_size: int = Field(default=10, ge=1, le=200, description="connections kept per process (PostgreSQL)")

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected a URL starting with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    def resolved_url(self, data_dir: Path) -> str:
        return self.url or f"sqlite+aiosqlite:///{data_dir / 'kkini.db'}"


class RedisSettings(BaseModel):
    """``KKINI_REDIS__*``: the key-value store; without a URL, the embedded SQLite store in the data dir."""

    url: str | None = Field(
        default=None,
        description="Redis URL; unset means the embedded SQLite store, kv.sqlite3 in the data dir, "
        "shared by every kkini process on the machine",
    )
    key_prefix: str = Field(default="kkini:", description="prefix of every key this deployment writes")
    max_connections: int = Field(
        default=50, ge=1, le=10_000, description="Redis connections one process keeps at most (a bounded pool)"
    )
    pool_timeout_s: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="how long a Redis command waits for a free pooled connection before it fails",
    )

    @field_validator("url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("expected a URL starting with redis://, rediss:// or unix://")
        return value

    def sqlite_path(self, data_dir: Path) -> Path:
        """The file of the embedded store, used when no Redis URL is set."""
        return data_dir / "kv.sqlite3"


class SampleDataSettings(BaseModel):
    """``KKINI_SAMPLE__*``: the sample data written on first start."""

    load_on_start: bool = Field(default=True, description="load the sample data when the database is empty")
    seed: int = Field(default=20251, description="random seed of the generated sample data")


class SecuritySettings(BaseModel):
    """``KKINI_SECURITY__*``: keys for hashing personal identifiers."""

    card_hash_key: SecretStr | None = Field(
        default=None,
        description="key of the keyed hash of card numbers; unset means a key generated once in the data dir",
    )
