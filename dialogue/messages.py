"""The one message model: what comes in from any channel and the reply events the engine yields.

Adapters turn a channel's payload into an `IncomingMessage` and render `ReplyEvent`s; the engine never sees a
channel's raw payload and never knows which channel it talks to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    channel: str
    """telegram, kakao, slack, web, console."""
    user: str
    """The user's id on that channel (a Telegram user id, a Kakao user key, a console name)."""
    text: str = ""
    """What the user typed; empty when they pressed a button."""
    payload: str | None = None
    """The data of a pressed button (a quick reply or card button), when there was one."""
    conversation: str | None = None
    """The chat or thread on the channel, when it differs from the user."""
    delivery_id: str | None = None
    """The channel's id of this delivery, for de-duplication."""
    received_at: datetime | None = None
    assistant: str = "meal"
    """Which assistant the endpoint is bound to: meal or seller."""
    origin: str | None = None
    """Where the message came from as the channel saw it (the web chat's client address), for limits that a new
    identity per message must not escape."""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    """What the user sees (Korean, short)."""
    payload: str
    """What comes back in `IncomingMessage.payload` (or as text) when pressed."""


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    description: str
    price: int | None = None
    """Won, when the card is about one thing to buy."""
    buttons: tuple[Button, ...] = ()
    ref: str | None = None
    """What the card is about, e.g. ``shop:12`` or ``item:345``."""


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A part of a text still being written (streaming); the full text follows as `Text`."""

    text: str


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Cards:
    cards: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class QuickReplies:
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """An FAQ entry an answer used (the web stream's ``sources`` event)."""

    id: str
    question: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class ModelMeta:
    """What the model path did in a turn, for metrics: every provider tried with its outcome, tokens and cost."""

    provider: str
    attempts: tuple[tuple[str, str], ...] = ()
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    cached: bool = False


@dataclass(frozen=True, slots=True)
class FinalMeta:
    """What a turn understood and cost, beside its text."""

    confidence: float = 0.0
    entities: Mapping[str, Any] = field(default_factory=dict)
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    """Milliseconds per stage of the engine (guard, session, nlu, handler, session_save, store, total ...)."""
    provider: str = "offline"
    """Who wrote the reply: a provider, ``cache`` for a cached model answer, or ``offline``."""
    model: ModelMeta | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Final:
    """The last event of a turn: the whole reply as plain text, and what the turn understood."""

    text: str
    intent: str | None = None
    turn_id: str | None = None
    meta: FinalMeta = field(default_factory=FinalMeta)


ReplyEvent = TextDelta | Text | Cards | QuickReplies | Final
