"""The dialogue engine as the channels reach it: filled in the background after the server starts listening.

`kkini serve` answers health checks at once; the meal assistant arrives within seconds and the seller assistant
once its FAQ collection is built (about 20 s on a fresh machine). Until then a channel tells the user, politely,
to come back in a moment, and ``/readyz`` says what is still loading.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from dialogue.messages import IncomingMessage, ReplyEvent


class Engine(Protocol):
    def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]: ...


@dataclass(slots=True)
class DialogueSlot:
    """The engine now serving and the assistants it has; ``loading`` names what is being built.

    An assistant listed in ``on_demand`` is built the first time someone asks for it (`engine_for` sets its event),
    so a server whose channels never use it never pays for it.
    """

    engine: Engine | None = None
    assistants: frozenset[str] = frozenset()
    loading: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    on_demand: dict[str, asyncio.Event] = field(default_factory=dict)

    @classmethod
    def ready(cls, engine: Engine, assistants: tuple[str, ...] = ("meal", "seller")) -> DialogueSlot:
        return cls(engine, frozenset(assistants))

    def serve(self, engine: Engine, assistants: tuple[str, ...]) -> None:
        self.engine = engine
        self.assistants = frozenset(assistants)
        self.loading.difference_update(assistants)

    def engine_for(self, assistant: str) -> Engine | None:
        if self.engine is not None and assistant in self.assistants:
            return self.engine
        wanted = self.on_demand.get(assistant)
        if wanted is not None and not wanted.is_set() and assistant not in self.failed:
            wanted.set()
            self.loading.add(assistant)
        return None

    def status(self) -> dict[str, object]:
        return {
            "ok": "meal" in self.assistants,
            "assistants": sorted(self.assistants),
            "loading": sorted(self.loading),
            **(
                {"on_demand": sorted(name for name, event in self.on_demand.items() if not event.is_set())}
                if self.on_demand
                else {}
            ),
            **({"failed": dict(self.failed)} if self.failed else {}),
        }
