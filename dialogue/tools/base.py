"""What a tool is. The JSON schema a provider sees comes from ``arguments``; the user, card and shop a tool acts
for come from the turn's context, never from the model's arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from dialogue.turn import Reply, TurnContext


@dataclass(slots=True)
class ToolResult:
    data: dict[str, Any]
    """What the model reads back: JSON-able facts (names, prices in won, hours), no prose to repeat blindly."""
    reply: Reply | None = None
    """What the offline path shows for the same call (text, cards, quick replies), when the tool has a view."""
    error: str | None = None
    """Set when the call could not be done (bad arguments, nothing found); the model may try again."""
    invalid: bool = False
    """The call itself was wrong (unknown tool, arguments that do not fit): the model should correct it."""
    sources: tuple[str, ...] = ()
    """FAQ entry ids the call found, best first."""


class Tool(Protocol):
    name: str
    description: str

    @property
    def arguments(self) -> type[BaseModel]:
        """The pydantic model of the arguments (a class attribute in a tool; read-only here so that a tool may name
        its own subclass)."""
        ...

    async def run(self, ctx: TurnContext, args: Any) -> ToolResult:
        """Do the work for the user in ``ctx``; ``args`` is an instance of ``arguments``, already validated (typed
        as Any here so that each tool may annotate its own arguments model)."""
        ...
