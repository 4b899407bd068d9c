"""The path of one message, after the guard, the user and the session, and the intent reading: read top to bottom.

1. **A pressed button** whose payload an assistant routes (``Assistant.buttons``: onboarding answers, a shop picked,
   an FAQ entry or "자세히 보기") is answered by its handler, on the offline path always.
2. **The question kkini asked** (``Assistant.pending``: an onboarding question answered in words).
3. The message's slots are merged into the conversation's (budget, food, place ...).
4. **The interceptors** (``Assistant.interceptors``), first match wins: notices on/off, questions about the order
   under way, cart edits and cart commands with the cart open, FAQ follow-ups.
5. **The model with its tools** when one is configured for the assistant and the message was typed, else **the
   intent's handler** (``Assistant.handlers``, then ``Assistant.fallback``), unless the reading is unsure between
   two different answers: then a short question with a button for each (``Assistant.asks_when_unsure``).
6. Whichever step answered, a reply that is not streamed gets its last touches (``handlers.context.finished``): a
   word first on a message read in part, and never the previous reply word for word.
7. A new user's first onboarding question follows the reply (``Assistant.onboarding``), unless the assistant holds
   it back for this turn (``Assistant.holds_onboarding``: an order in progress, before or after the turn).

Steps 1-4 run on the offline and the model path alike, so a configured model never does less: "알림 꺼줘" turns
notices off and "콜라 사이다로" changes the cart's drink whichever path would have answered. Each assistant's table
(which handler answers what) is written in ``dialogue.assistants``; nothing else decides which handler answers.
An interceptor answers the messages it recognises and returns None for the rest; it never half-handles one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from dialogue.handlers.clarify import ask_which_one
from dialogue.handlers.context import finished
from dialogue.handlers.onboarding import with_first_question
from dialogue.messages import IncomingMessage, TextDelta
from dialogue.slots import merge_slots
from dialogue.turn import Handler, Reply, TurnContext


class Interceptor(Protocol):
    async def intercept(self, ctx: TurnContext) -> Reply | None:
        """The reply when this message is this interceptor's to answer, else None (and nothing changed)."""
        ...


class ModelStep(Protocol):
    """The model path of step 5 (``dialogue.llm.turns``)."""

    def serves(self, assistant: str) -> bool: ...

    def answer(self, ctx: TurnContext, assistant: Assistant, offline: Handler) -> AsyncIterator[TextDelta | Reply]:
        """Text deltas while the model writes, then the whole reply; ``offline`` answers when no model can."""
        ...


@dataclass(frozen=True, slots=True)
class ForIntents:
    """``inner``, asked only for messages read as one of ``intents``."""

    inner: Interceptor
    intents: frozenset[str]

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        if ctx.understanding.intent not in self.intents:
            return None
        return await self.inner.intercept(ctx)


@dataclass(frozen=True, slots=True)
class Always:
    """``handler`` answers every message it is asked about (behind ``ForIntents``): for intents whose answer is the
    backend's state, such as the cart, which a model could only word less exactly."""

    handler: Handler

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        return await self.handler.handle(ctx)


@dataclass(frozen=True, slots=True)
class Interceptors:
    """An assistant's interceptors, asked in order; the first reply wins."""

    chain: Sequence[Interceptor] = ()

    async def first_reply(self, ctx: TurnContext) -> Reply | None:
        for interceptor in self.chain:
            reply = await interceptor.intercept(ctx)
            if reply is not None:
                return reply
        return None


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    """Payloads starting with ``prefix`` (a pressed button) go to ``handler``."""

    prefix: str
    handler: Handler


NO_INTERCEPTORS = Interceptors()


@dataclass(frozen=True, slots=True)
class Assistant:
    """One assistant's routing table (written in ``dialogue.assistants``): what answers each step of ``route``.

    ``understands`` runs the intent and entity reading; an assistant without it (``seller``, FAQ only) sends every
    message to ``fallback``. ``onboarding`` asks a new user's first questions after the first reply; while
    ``holds_onboarding`` says so (before the turn or after it), the question waits for a later turn, so that it
    never breaks into an order the child is placing.
    """

    name: str
    handlers: Mapping[str, Handler]
    fallback: Handler
    buttons: Sequence[ButtonRoute] = ()
    pending: Interceptor | None = None
    interceptors: Interceptors = NO_INTERCEPTORS
    understands: bool = True
    onboarding: bool = True
    holds_onboarding: Callable[[TurnContext], bool] | None = None
    asks_when_unsure: bool = False
    """Offline, an unsure reading between two different answers is asked about first (``dialogue.handlers.clarify``);
    a model, when one answers, reads the message itself."""


def button_route(assistant: Assistant, message: IncomingMessage) -> Handler | None:
    """The handler of a pressed button this assistant routes (step 1), or None."""
    payload = message.payload
    if not payload:
        return None
    return next((route.handler for route in assistant.buttons if payload.startswith(route.prefix)), None)


def reads_intent(assistant: Assistant, message: IncomingMessage) -> bool:
    """Whether the message's intent is read: not for an assistant without intents, nor for a routed button."""
    return assistant.understands and button_route(assistant, message) is None


def handler_for(assistant: Assistant, intent: str) -> Handler:
    """Step 5 offline: the intent's handler, else the assistant's fallback."""
    return assistant.handlers.get(intent, assistant.fallback)


async def route(
    ctx: TurnContext, assistant: Assistant, model: ModelStep | None = None
) -> AsyncIterator[TextDelta | Reply]:
    """Steps 1-7 for one message: text deltas when a model streams, then the whole reply (last)."""
    pressed = button_route(assistant, ctx.message)
    if pressed is not None:
        yield await pressed.handle(ctx)
        return
    held = _holds_onboarding(assistant, ctx)  # before the turn: an order under way
    reply = await assistant.pending.intercept(ctx) if assistant.pending is not None else None
    if reply is not None:
        yield reply
        return
    if assistant.understands:
        ctx.session.slots = merge_slots(ctx.session.slots, ctx.understanding, ctx.text)
    reply = await assistant.interceptors.first_reply(ctx)
    handler = handler_for(assistant, ctx.understanding.intent)
    if reply is None and model is not None and not ctx.message.payload and model.serves(assistant.name):
        async for item in model.answer(ctx, assistant, handler):
            if isinstance(item, TextDelta):
                yield item
            else:
                reply = item
        assert reply is not None
    elif reply is None:
        asked = ask_which_one(ctx) if assistant.asks_when_unsure else None
        reply = asked or await handler.handle(ctx)
    if not reply.streamed:
        reply = finished(ctx, reply)  # whichever step answered: a word on a long message, never the same words twice
    held = held or _holds_onboarding(assistant, ctx)  # or after it: an order just begun
    if assistant.onboarding and not held:
        asked = with_first_question(ctx, reply)
        if reply.streamed and len(asked.text) > len(reply.text):
            yield TextDelta(asked.text[len(reply.text) :])
        reply = asked
    yield reply


def _holds_onboarding(assistant: Assistant, ctx: TurnContext) -> bool:
    return assistant.holds_onboarding is not None and assistant.holds_onboarding(ctx)


__all__ = [
    "NO_INTERCEPTORS",
    "Always",
    "Assistant",
    "ButtonRoute",
    "ForIntents",
    "Interceptor",
    "Interceptors",
    "ModelStep",
    "button_route",
    "handler_for",
    "reads_intent",
    "route",
]
