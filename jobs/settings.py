"""Settings sections owned by the jobs package."""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, Field, SecretStr, field_validator

_QUIET_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class CardIssuerSettings(BaseModel):
    """``KKINI_CARD_ISSUER__*``: the card issuer's balance API; unset turns balance sync off."""

    base_url: str | None = Field(default=None, description="card-issuer API root; unset turns sync off")
    api_key: SecretStr | None = Field(default=None, description="bearer key of the card-issuer API")


class NotifySettings(BaseModel):
    """``KKINI_NOTIFY__*``: user notifications."""

    low_balance_won: int = Field(default=5000, ge=0, description="low-balance threshold in won")
    quiet_hours: str = Field(
        default="21:00-08:00",
        description="HH:MM-HH:MM in Asia/Seoul when pushes wait; empty means none",
    )

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_format(cls, value: str) -> str:
        value = value.strip()
        if value and not _QUIET_HOURS.match(value):
            raise ValueError("expected HH:MM-HH:MM (24-hour clock, e.g. 21:00-08:00) or an empty value")
        return value

    def quiet_window(self) -> tuple[time, time] | None:
        """The quiet window as (start, end) local times, or None when there is none."""
        match = _QUIET_HOURS.match(self.quiet_hours)
        if not match:
            return None
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        return time(h1, m1), time(h2, m2)
