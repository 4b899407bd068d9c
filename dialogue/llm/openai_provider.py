"""OpenAI Chat Completions, streamed: text deltas as they come, tool calls joined from their fragments by index.

Reasoning models (gpt-5 and the o-series) take ``reasoning_effort`` and refuse any ``temperature`` but the default;
other models take ``temperature`` and refuse ``reasoning_effort``, so each request sends only what its model takes.
A reasoning model spends ``max_completion_tokens`` on reasoning too, so it gets ``reasoning_tokens`` on top of the
answer's ``max_tokens``. A refusal (``delta.refusal``) is passed on as text and finishes as ``refusal``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Literal

import openai

from dialogue.llm.errors import FailureKind, ProviderError, kind_for_status, parse_retry_after, provider_failures, short
from dialogue.llm.http import pool_limits
from dialogue.llm.types import (
    AssistantMessage,
    ChatRequest,
    Finish,
    ProviderEvent,
    Started,
    TextChunk,
    ToolCall,
    ToolResultMessage,
    Usage,
    UserMessage,
)

_FINISH = {"stop": "stop", "tool_calls": "tool_calls", "function_call": "tool_calls", "length": "length"}
_REASONING = re.compile(r"^(gpt-5|o\d)")
"""Model families that reason before answering (gpt-5, gpt-5.4-mini, o3, o4-mini, ...)."""
Effort = Literal["none", "minimal", "low", "medium", "high"]


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING.match(model))


@dataclass(slots=True)
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class OpenAIProvider:
    """``AsyncOpenAI`` against ``base_url`` with the SDK's retries off: the router decides what to retry."""

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        model: str,
        connect_timeout_s: float,
        read_timeout_s: float,
        keepalive_connections: int,
        reasoning_effort: Effort | None = None,
        reasoning_tokens: int = 0,
    ) -> None:
        self.model = model
        self.reasoning = is_reasoning_model(model)
        self.reasoning_effort = reasoning_effort
        self.reasoning_tokens = reasoning_tokens
        self.client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            max_retries=0,
            timeout=openai.Timeout(read_timeout_s, connect=connect_timeout_s),
            http_client=openai.DefaultAsyncHttpxClient(limits=pool_limits(keepalive_connections)),
        )

    async def aclose(self) -> None:
        await self.client.close()

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ProviderEvent, None]:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages(request),
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_completion_tokens": request.max_tokens + (self.reasoning_tokens if self.reasoning else 0),
        }
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in request.tools
            ]
            params["tool_choice"] = request.tool_choice
        if self.reasoning:
            if self.reasoning_effort is not None:
                params["reasoning_effort"] = self.reasoning_effort
        elif request.temperature is not None:
            params["temperature"] = request.temperature
        calls: dict[int, _PartialCall] = {}
        finish: str | None = None
        refused = False
        with provider_failures(self.name, _failure):
            stream = await self.client.chat.completions.create(**params)
            async with stream:
                started = False
                async for chunk in stream:
                    if not started:
                        started = True
                        yield Started()
                    if chunk.usage is not None:
                        yield Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices:
                        delta = choice.delta
                        if delta.refusal:
                            refused = True
                            yield TextChunk(delta.refusal)
                        if delta.content:
                            yield TextChunk(delta.content)
                        for fragment in delta.tool_calls or ():
                            partial = calls.setdefault(fragment.index, _PartialCall())
                            partial.id = fragment.id or partial.id
                            if fragment.function is not None:
                                partial.name = fragment.function.name or partial.name
                                partial.arguments.append(fragment.function.arguments or "")
                        if choice.finish_reason:
                            finish = _FINISH.get(choice.finish_reason, choice.finish_reason)
        if finish is None:
            raise ProviderError(self.name, FailureKind.CONNECTION, "the stream ended before a finish reason")
        for index in sorted(calls):
            partial = calls[index]
            yield ToolCall(partial.id, partial.name, "".join(partial.arguments) or "{}", provider=self.name)
        yield Finish("refusal" if refused and finish == "stop" else finish)

    @staticmethod
    def messages(request: ChatRequest) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"role": "system", "content": request.system}]
        for message in request.messages:
            if isinstance(message, UserMessage):
                out.append({"role": "user", "content": message.text})
            elif isinstance(message, AssistantMessage):
                item: dict[str, Any] = {"role": "assistant", "content": message.text or None}
                if message.tool_calls:
                    item["tool_calls"] = [
                        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                        for c in message.tool_calls
                    ]
                out.append(item)
            elif isinstance(message, ToolResultMessage):
                out.append({"role": "tool", "tool_call_id": message.call_id, "content": message.content})
        return out


def _failure(error: Exception) -> ProviderError | None:
    """What an OpenAI SDK exception says went wrong; None for one the SDK did not raise."""
    if isinstance(error, openai.APIStatusError):
        return _status_error(error)
    if isinstance(error, openai.APITimeoutError):
        return ProviderError("openai", FailureKind.TIMEOUT, short(error))
    if isinstance(error, openai.APIConnectionError):
        return ProviderError("openai", FailureKind.CONNECTION, short(error))
    if isinstance(error, openai.APIError):  # an error object inside the stream
        return ProviderError("openai", FailureKind.SERVER, short(error.message))
    return None


def _status_error(error: openai.APIStatusError) -> ProviderError:
    status = error.status_code
    code = getattr(error, "code", None)
    message = error.message
    kind = kind_for_status(status)
    if code == "context_length_exceeded" or "maximum context length" in message:
        kind = FailureKind.CONTEXT_LENGTH
    elif code == "model_not_found" or (status == 404 and "model" in message.lower()):
        kind = FailureKind.MODEL
    elif code == "insufficient_quota":
        kind = FailureKind.BILLING
    retry_after = parse_retry_after(error.response.headers.get("retry-after"))
    return ProviderError("openai", kind, short(message), status=status, retry_after=retry_after)
