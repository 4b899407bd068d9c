"""What answers a message before its intent's handler or the model: the interceptors, in the order they are asked.

Every turn takes one path (``dialogue.engine.DialogueEngine.handle``): the guard, the user and the session, button
payloads (onboarding, a shop picked, an FAQ entry pressed), a pending onboarding question answered in words, then
**the interceptors below, first match wins**, then the intent's handler, or the model with its tools when one is
configured. The interceptors run on the offline and the model path alike, so a configured model never does less:
"알림 꺼줘" turns notices off and "콜라 사이다로" changes the cart's drink whichever path would have answered.

An interceptor answers the messages it recognises and returns None for the rest; it never half-handles one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dialogue.turn import Handler, Reply, TurnContext


class Interceptor(Protocol):
    async def intercept(self, ctx: TurnContext) -> Reply | None:
        """The reply when this message is this interceptor's to answer, else None (and nothing changed)."""
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


NO_INTERCEPTORS = Interceptors()

__all__ = ["NO_INTERCEPTORS", "Always", "ForIntents", "Interceptor", "Interceptors"]
