"""What a handler gets (the turn's context) and what it gives back (a reply)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from dialogue.account import CardView
from dialogue.messages import Button, Card, IncomingMessage
from dialogue.nlu.types import Understanding
from dialogue.recommend.types import Recommendation
from dialogue.routing import NO_INTERCEPTORS, Interceptors
from dialogue.session import Session
from storage.models import User


@dataclass(slots=True)
class TurnContext:
    message: IncomingMessage
    text: str
    """The cleaned text of the message (or of the pressed button)."""
    now: datetime
    turn_id: str
    user: User
    session: Session
    understanding: Understanding
    card: CardView | None
    first_contact: bool = False

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id


@dataclass(slots=True)
class Reply:
    text: str
    cards: tuple[Card, ...] = ()
    quick_replies: tuple[Button, ...] = ()
    shown: tuple[Recommendation, ...] = ()
    """Recommendations shown, for the log and for "거기" in the next turn."""
    notes: dict[str, object] = field(default_factory=dict)


class Handler(Protocol):
    async def handle(self, ctx: TurnContext) -> Reply:
        """Answer one understood message. Facts (prices, balances, hours) come from storage, never invented."""
        ...


@dataclass(frozen=True, slots=True)
class Assistant:
    """What one assistant offers: its handlers by intent, and what answers the rest.

    ``understands`` runs the intent and entity reading; an assistant without it (``seller``, FAQ only) sends every
    message to ``fallback``. ``onboarding`` asks a new user's first questions. ``interceptors`` answer first, on the
    offline and the model path alike (``dialogue.routing``).
    """

    name: str
    handlers: Mapping[str, Handler]
    fallback: Handler
    understands: bool = True
    onboarding: bool = True
    interceptors: Interceptors = NO_INTERCEPTORS
