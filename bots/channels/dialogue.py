"""The dialogue engine as the channels reach it, and the state of each assistant.

`kkini serve` listens at once and builds the engine in the background: every installed assistant is built (its
FAQ collection opened, or built from a configured file) before the engine serves, so ``/readyz`` turns ready only
when each installed assistant answers. Until then a channel says, politely, to come back in a moment. An assistant
whose data is not installed (the SmartStore FAQ of ``seller``) is not offered, and a message sent to it is told
so plainly, never "try again later".
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from dialogue.messages import IncomingMessage, ReplyEvent

ASSISTANTS = ("meal", "seller")


class Engine(Protocol):
    def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]: ...


class AssistantState(StrEnum):
    LOADING = "loading"
    READY = "ready"
    NOT_INSTALLED = "not_installed"
    """Its data is not on this server (the seller FAQ before `kkini knowledge ingest`); it is not offered."""
    FAILED = "failed"
    """It could not be built (a broken file, another embedding than the collection's); ``errors`` says why."""


SETTLED = frozenset({AssistantState.READY, AssistantState.NOT_INSTALLED})


@dataclass(slots=True)
class DialogueSlot:
    """The engine now serving and the state of every assistant; all start out loading."""

    engine: Engine | None = None
    states: dict[str, AssistantState] = field(default_factory=lambda: dict.fromkeys(ASSISTANTS, AssistantState.LOADING))
    errors: dict[str, str] = field(default_factory=dict)
    _loaded: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @classmethod
    def ready(cls, engine: Engine, assistants: Iterable[str] = ASSISTANTS) -> DialogueSlot:
        """A slot serving ``engine`` for ``assistants``; the others are not installed."""
        slot = cls()
        slot.serve(engine, tuple(assistants))
        return slot

    def serve(self, engine: Engine, assistants: tuple[str, ...]) -> None:
        """``engine`` answers ``assistants``; any other assistant still loading is not installed."""
        self.engine = engine
        for name in self.states:
            if name in assistants:
                self.states[name] = AssistantState.READY
            elif self.states[name] is AssistantState.LOADING:
                self.states[name] = AssistantState.NOT_INSTALLED
        self._update()

    def mark(self, assistant: str, state: AssistantState, error: str | None = None) -> None:
        self.states[assistant] = state
        if error is not None:
            self.errors[assistant] = error
        self._update()

    def _update(self) -> None:
        if AssistantState.LOADING in self.states.values():
            self._loaded.clear()
        else:
            self._loaded.set()

    async def wait_loaded(self) -> None:
        """Until no assistant is loading any more (each answers, is not installed, or failed)."""
        await self._loaded.wait()

    def state(self, assistant: str) -> AssistantState:
        return self.states.get(assistant, AssistantState.NOT_INSTALLED)

    def engine_for(self, assistant: str) -> Engine | None:
        return self.engine if self.state(assistant) is AssistantState.READY else None

    @property
    def settled(self) -> bool:
        """Every assistant either answers or is not installed: the server is ready."""
        return all(state in SETTLED for state in self.states.values())

    def status(self) -> dict[str, object]:
        return {
            "ok": self.settled,
            "assistants": {name: state.value for name, state in self.states.items()},
            **({"errors": dict(self.errors)} if self.errors else {}),
        }
