"""What a handler gets (the turn's context) and what it gives back (a reply)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from dialogue.account import CardView
from dialogue.messages import Button, Card, IncomingMessage, Source
from dialogue.nlu.types import Understanding
from dialogue.recommend.types import Recommendation
from dialogue.session import Session
from storage.models import User

if TYPE_CHECKING:
    from dialogue.llm.responder import ModelAnswer


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
    sources: tuple[Source, ...] = ()
    """The FAQ entries the answer used, best first (the web stream's ``sources`` event)."""
    stream: bool = False
    """Sent word by word on channels that stream (an FAQ answer), as a model's text would be."""
    streamed: bool = False
    """A model already streamed the text as it wrote it."""
    in_scope: bool = True
    """False for a refusal: the question is not for this assistant."""
    model: ModelAnswer | None = None
    """What the model path did this turn (providers tried, tokens, cost), when it ran."""


class Handler(Protocol):
    async def handle(self, ctx: TurnContext) -> Reply:
        """Answer one understood message. Facts (prices, balances, hours) come from storage, never invented."""
        ...
