"""Settings sections owned by the jobs package."""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, Field, SecretStr, field_validator

_QUIET_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class CardIssuerSettings(BaseModel):
    """``KKINI_CARD_ISSUER__*``: the card issuer's balance API; unset turns balance sync off."""

    base_url: str | None = Field(default=None, description="card-issuer API root; unset turns sync off")
    api_key: SecretStr | None = Field(default=None, description="bearer key of the card-issuer API")
    timeout_s: float = Field(default=10.0, gt=0, le=120, description="seconds one card-issuer request may take")
    max_retries: int = Field(
        default=4, ge=0, le=10, description="retries of one request after a 429, a 5xx or a network error"
    )
    backoff_base_s: float = Field(
        default=0.5, gt=0, le=60, description="first retry waits up to this long; each retry doubles it (jittered)"
    )
    backoff_max_s: float = Field(default=30.0, gt=0, le=600, description="longest wait between two retries")
    max_retry_after_s: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="a Retry-After longer than this ends the run; the next run resumes from the saved cursor",
    )
    page_limit: int = Field(default=1000, ge=1, le=5000, description="cards asked for per page of balance sync")
    breaker_failures: int = Field(
        default=5, ge=1, le=100, description="failed requests in a row that open the circuit breaker"
    )
    breaker_cooldown_s: float = Field(
        default=60.0, gt=0, le=3600, description="seconds the open breaker fails fast before one trial request"
    )

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class NotifySettings(BaseModel):
    """``KKINI_NOTIFY__*``: user notifications."""

    low_balance_won: int = Field(default=5000, ge=0, description="low-balance threshold in won")
    quiet_hours: str | None = Field(
        default="21:00-08:00",
        description="HH:MM-HH:MM in Asia/Seoul when pushes wait; empty means none",
        json_schema_extra={"empty_means_none": True},
    )
    low_balance_repeat_hours: float = Field(
        default=24.0, gt=0, le=24 * 30, description="at most one low-balance notice per card within this many hours"
    )
    coupon_reminder_days: int = Field(
        default=3, ge=1, le=30, description="remind of an unused coupon this many days before it expires (once)"
    )
    max_attempts: int = Field(
        default=6, ge=1, le=50, description="delivery attempts of one notice before it goes to the dead letter"
    )
    retry_base_s: float = Field(
        default=30.0, gt=0, le=3600, description="first retry of a failed push waits this long; then doubles"
    )
    retry_max_s: float = Field(default=3600.0, gt=0, le=86400, description="longest wait between two push retries")
    lease_s: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="seconds a claimed notice stays with its worker before another may take it over",
    )
    batch_size: int = Field(default=50, ge=1, le=1000, description="notices claimed at once by a delivery run")
    telegram_per_second: int = Field(default=30, ge=1, le=1000, description="Telegram pushes per second, all workers")
    kakao_per_second: int = Field(default=20, ge=1, le=1000, description="Kakao Event API pushes per second")
    slack_per_second: int = Field(default=1, ge=1, le=1000, description="Slack DMs per second, all workers")

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_format(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if value and not _QUIET_HOURS.match(value):
            raise ValueError("expected HH:MM-HH:MM (24-hour clock, e.g. 21:00-08:00) or an empty value")
        return value or None

    def quiet_window(self) -> tuple[time, time] | None:
        """The quiet window as (start, end) local times, or None when there is none."""
        match = _QUIET_HOURS.match(self.quiet_hours or "")
        if not match:
            return None
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        return time(h1, m1), time(h2, m2)

    def per_second(self, channel: str) -> int:
        """The push rate limit of a channel (Telegram's 30 messages a second per bot by default)."""
        limits = {"telegram": self.telegram_per_second, "kakao": self.kakao_per_second}
        return limits.get(channel, self.slack_per_second)


class JobsSettings(BaseModel):
    """``KKINI_JOBS__*``: the scheduler inside ``kkini serve`` and ``kkini worker``, and data retention."""

    scheduler: bool = Field(
        default=True, description="run the scheduled jobs inside kkini serve (kkini worker always does)"
    )
    balance_sync_minutes: float = Field(default=5.0, gt=0, le=1440, description="minutes between balance syncs")
    notify_deliver_seconds: float = Field(
        default=10.0, gt=0, le=3600, description="seconds between outbox delivery runs"
    )
    deliver_budget_s: float = Field(
        default=50.0, gt=0, le=3600, description="longest one delivery run drains the outbox before it yields"
    )
    coupon_reminders_at: str = Field(default="17:00", description="HH:MM (Asia/Seoul) of the daily coupon reminders")
    popularity_at: str = Field(default="04:10", description="HH:MM (Asia/Seoul) of the daily popularity aggregate")
    retention_at: str = Field(default="04:40", description="HH:MM (Asia/Seoul) of the daily retention clean-up")
    lock_ttl_s: float = Field(
        default=120.0, gt=1, le=3600, description="seconds a job's lock lives without renewal (renewed while it runs)"
    )
    popularity_days: int = Field(default=30, ge=1, le=365, description="days of selections and orders in popularity")
    performance_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="days performance logs are kept (turn timings, recommendations shown, job runs, sent notices)",
    )
    conversation_days: int = Field(default=365, ge=1, le=3650, description="days conversation turns are kept")

    @field_validator("coupon_reminders_at", "popularity_at", "retention_at")
    @classmethod
    def _clock_format(cls, value: str) -> str:
        value = value.strip()
        if not _CLOCK.match(value):
            raise ValueError("expected HH:MM (24-hour clock, Asia/Seoul)")
        return value


def clock_time(value: str) -> time:
    """``"17:00"`` -> ``time(17, 0)``; the value was validated by the settings."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
