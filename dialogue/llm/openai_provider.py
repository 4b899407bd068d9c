"""OpenAI Chat Completions, streamed: text deltas as they come, tool calls joined from their fragments by index."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import openai

from dialogue.llm.errors import FailureKind, ProviderError, kind_for_status, parse_retry_after, provider_failures, short
from dialogue.llm.http import pool_limits
from dialogue.llm.types import (
    AssistantMessage,
    ChatRequest,
    Finish,
    ProviderEvent,
    TextChunk,
    ToolCall,
    ToolResultMessage,
    Usage,
    UserMessage,
)

_FINISH = {"stop": "stop", "tool_calls": "tool_calls", "function_call": "tool_calls", "length": "length"}


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
    ) -> None:
        self.model = model
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
            "max_completion_tokens": request.max_tokens,
        }
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in request.tools
            ]
        if request.temperature is not None:
            params["temperature"] = request.temperature
        calls: dict[int, _PartialCall] = {}
        finish: str | None = None
        with provider_failures(self.name, _failure):
            stream = await self.client.chat.completions.create(**params)
            async with stream:
                async for chunk in stream:
                    if chunk.usage is not None:
                        yield Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices:
                        delta = choice.delta
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
        yield Finish(finish)

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
    retry_after = parse_retry_after(error.response.headers.get("retry-after"))
    return ProviderError("openai", kind, short(message), status=status, retry_after=retry_after)
