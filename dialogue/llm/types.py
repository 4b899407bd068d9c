"""The provider protocol: one request shape in, one stream of events out, whatever the vendor.

A `ChatRequest` carries the system prompt, the conversation (user and assistant texts, the assistant's tool calls and
the tools' results), the tools as JSON schema, and sampling limits. A provider turns it into its wire format and
yields `TextChunk`s as tokens arrive, each `ToolCall` once it is complete (fragments are joined inside the provider),
`Usage` when the vendor reports it, and one `Finish` last. `Started` comes once, with the first event on the wire.
A `Finish` of ``refusal`` means the model declined; its text (if any) is the refusal, passed on as the answer.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A complete call the model asked for. ``extra`` keeps what a vendor needs back on the next request (a Gemini
    thought signature); other vendors ignore it."""

    id: str
    name: str
    arguments: str
    """The arguments as the model wrote them: a JSON text, validated only by the tool registry."""
    extra: dict[str, Any] = field(default_factory=dict)
    provider: str = ""
    """Which provider wrote the call; ``extra`` is only sent back to that one."""


@dataclass(frozen=True, slots=True)
class UserMessage:
    text: str
    role: Literal["user"] = "user"


@dataclass(frozen=True, slots=True)
class AssistantMessage:
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    role: Literal["assistant"] = "assistant"


@dataclass(frozen=True, slots=True)
class ToolResultMessage:
    call_id: str
    name: str
    content: str
    """JSON text of the result (or of the error) the model reads."""
    is_error: bool = False
    role: Literal["tool"] = "tool"


Message = UserMessage | AssistantMessage | ToolResultMessage


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool as every provider sees it: a name, what it is for, and a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    system: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    temperature: float | None = None
    """None leaves the model's default; providers leave it out for reasoning models, which accept no other value."""
    max_tokens: int = 1024
    tool_choice: Literal["auto", "none"] = "auto"
    """``none`` keeps the tools declared (a history with tool calls needs them) but lets the model call none: the
    last round of a turn must answer in words."""


@dataclass(frozen=True, slots=True)
class TextChunk:
    text: str


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True, slots=True)
class Finish:
    reason: str
    """stop, tool_calls, length, or the vendor's own word for anything else."""


@dataclass(frozen=True, slots=True)
class Started:
    """The vendor's first streamed event arrived (a role chunk, ``message_start``): the request is being worked on,
    even when a reasoning model says nothing else for a while. It stops the router's first-token timer."""


ProviderEvent = Started | TextChunk | ToolCall | Usage | Finish


class Provider(Protocol):
    """One vendor's chat API behind the common request and event shapes.

    ``stream`` sends one request and yields its events; it does not retry (the router does) and raises
    `dialogue.llm.errors.ProviderError` subclasses for every failure, so the router never sees a vendor's exception.
    Nothing may touch the network before the first ``stream`` call.
    """

    name: str
    model: str

    def stream(self, request: ChatRequest) -> AsyncGenerator[ProviderEvent, None]: ...

    async def aclose(self) -> None: ...
