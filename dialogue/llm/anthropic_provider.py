"""Anthropic Messages, streamed: text deltas as they come; a tool_use block's ``input_json_delta`` fragments are
joined and parsed when the block stops."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

import anthropic

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

_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",  # the answer ran into the context window: cut short like max_tokens
    "refusal": "refusal",
    "pause_turn": "length",  # only server tools pause a turn; kkini declares none, so treat it as an unfinished one
}
_ERROR_KINDS = {
    "rate_limit_error": FailureKind.RATE_LIMIT,
    "overloaded_error": FailureKind.SERVER,
    "api_error": FailureKind.SERVER,
    "timeout_error": FailureKind.TIMEOUT,
    "authentication_error": FailureKind.AUTH,
    "permission_error": FailureKind.AUTH,
    "billing_error": FailureKind.BILLING,
    "request_too_large": FailureKind.CONTEXT_LENGTH,
}


class AnthropicProvider:
    """``AsyncAnthropic`` against ``base_url`` with the SDK's retries off: the router decides what to retry.

    The Messages API of this SDK generation takes no ``temperature``; the request's temperature is not sent. Tools
    stay declared on every round once the history holds tool_use blocks (the API refuses such a history without
    them); the last round says ``tool_choice: none`` instead. Thinking is left off (the model's default for Haiku), so
    the whole ``max_tokens`` is the answer's.
    """

    name = "anthropic"

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
        self.client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            max_retries=0,
            timeout=anthropic.Timeout(read_timeout_s, connect=connect_timeout_s),
            http_client=anthropic.DefaultAsyncHttpxClient(limits=pool_limits(keepalive_connections)),
        )

    async def aclose(self) -> None:
        await self.client.close()

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ProviderEvent, None]:
        params: dict[str, Any] = {
            "model": self.model,
            "system": request.system,
            "messages": self.messages(request),
            "max_tokens": request.max_tokens,
            "stream": True,
        }
        if request.tools:
            params["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters} for t in request.tools
            ]
            params["tool_choice"] = {"type": request.tool_choice}
        blocks: dict[int, tuple[str, str, list[str]]] = {}  # index -> (id, name, json fragments) of tool_use blocks
        input_tokens = output_tokens = 0
        finish: str | None = None
        with provider_failures(self.name, _failure):
            stream = await self.client.messages.create(**params)
            async with stream:
                started = False
                async for event in stream:
                    if not started:
                        started = True
                        yield Started()
                    if event.type == "message_start":
                        usage = event.message.usage
                        input_tokens = (
                            usage.input_tokens
                            + (usage.cache_creation_input_tokens or 0)
                            + (usage.cache_read_input_tokens or 0)
                        )
                        output_tokens = usage.output_tokens
                    elif event.type == "content_block_start":
                        block = event.content_block
                        if block.type == "tool_use":
                            blocks[event.index] = (block.id, block.name, [])
                        elif block.type == "text" and block.text:
                            yield TextChunk(block.text)
                    elif event.type == "content_block_delta":
                        delta = event.delta
                        if delta.type == "text_delta" and delta.text:
                            yield TextChunk(delta.text)
                        elif delta.type == "input_json_delta" and event.index in blocks:
                            blocks[event.index][2].append(delta.partial_json)
                    elif event.type == "content_block_stop" and event.index in blocks:
                        call_id, name, parts = blocks.pop(event.index)
                        yield ToolCall(call_id, name, "".join(parts) or "{}", provider=self.name)
                    elif event.type == "message_delta":
                        output_tokens = event.usage.output_tokens
                        if event.delta.stop_reason:
                            finish = _FINISH.get(event.delta.stop_reason, event.delta.stop_reason)
        if finish is None:
            raise ProviderError(self.name, FailureKind.CONNECTION, "the stream ended before message_delta")
        yield Usage(input_tokens, output_tokens)
        yield Finish(finish)

    @staticmethod
    def messages(request: ChatRequest) -> list[dict[str, Any]]:
        """Anthropic's turns: tool results travel in a user turn, right after the assistant turn that asked."""
        out: list[dict[str, Any]] = []

        def add(role: str, block: dict[str, Any]) -> None:
            if out and out[-1]["role"] == role:
                out[-1]["content"].append(block)
            else:
                out.append({"role": role, "content": [block]})

        for message in request.messages:
            if isinstance(message, UserMessage):
                add("user", {"type": "text", "text": message.text})
            elif isinstance(message, AssistantMessage):
                if message.text:
                    add("assistant", {"type": "text", "text": message.text})
                for call in message.tool_calls:
                    add("assistant", {"type": "tool_use", "id": call.id, "name": call.name, "input": _input(call)})
            elif isinstance(message, ToolResultMessage):
                block: dict[str, Any] = {
                    "type": "tool_result",
                    "tool_use_id": message.call_id,
                    "content": message.content,
                }
                if message.is_error:
                    block["is_error"] = True
                add("user", block)
        return out


def _input(call: ToolCall) -> dict[str, Any]:
    """tool_use.input must be an object; arguments the model garbled go back as the text it wrote."""
    try:
        value = json.loads(call.arguments)
    except ValueError:
        return {"_unparsed": call.arguments}
    return value if isinstance(value, dict) else {"_unparsed": call.arguments}


def _failure(error: Exception) -> ProviderError | None:
    """What an Anthropic SDK exception says went wrong; None for one the SDK did not raise."""
    if isinstance(error, anthropic.APIStatusError):
        return _status_error(error)
    if isinstance(error, anthropic.APITimeoutError):
        return ProviderError("anthropic", FailureKind.TIMEOUT, short(error))
    if isinstance(error, anthropic.APIConnectionError):
        return ProviderError("anthropic", FailureKind.CONNECTION, short(error))
    return None


def _status_error(error: anthropic.APIStatusError) -> ProviderError:
    body: dict[str, Any] = error.body if isinstance(error.body, dict) else {}
    found = body.get("error")
    detail: dict[str, Any] = found if isinstance(found, dict) else {}
    error_type = str(detail.get("type", ""))
    message = str(detail.get("message") or error.message)
    status = error.status_code
    # An error event inside an accepted stream (status 200) is typed only by its body.
    kind = _ERROR_KINDS.get(error_type, FailureKind.SERVER) if status == 200 else kind_for_status(status)
    if "prompt is too long" in message or status == 413:
        kind = FailureKind.CONTEXT_LENGTH
    elif error_type == "billing_error" or status == 402:
        kind = FailureKind.BILLING
    elif error_type == "not_found_error" and message.startswith("model:"):
        kind = FailureKind.MODEL
    retry_after = parse_retry_after(error.response.headers.get("retry-after"))
    return ProviderError("anthropic", kind, short(message), status=status, retry_after=retry_after)
