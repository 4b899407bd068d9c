"""What the jobs need from a channel to push one message; the bots package implements it for each channel.

Jobs import only storage and this protocol, so the scheduler never knows Telegram, Kakao or Slack by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Push:
    """One message to one channel identity, with the outbox key that makes sending it twice impossible."""

    channel: str
    """A ``storage.models.Channel`` value: telegram, kakao or slack."""
    external_id: str
    """The identity's id on that channel: a Telegram chat id, a Kakao bot user key, a Slack user id."""
    text: str
    idempotency_key: str
    buttons: tuple[tuple[str, str], ...] = ()
    """Quick replies as (label, payload) pairs; a channel that cannot show them drops them."""


class DeliveryError(Exception):
    """A push that did not go out. ``permanent`` means retrying cannot help (blocked bot, unknown chat)."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Notifier(Protocol):
    channel: str

    async def send(self, push: Push) -> str | None:
        """Send one push; returns the platform's message id when it gives one, raises ``DeliveryError`` otherwise."""
        ...
