"""A local fake of OpenAI Chat Completions: ``AsyncOpenAI(base_url=f"{fake.url}/v1")``.

``POST /v1/chat/completions`` answers scripted `ModelTurn`s whole or as SSE ``data:`` chunks ending in
``data: [DONE]``: text deltas, tool calls in fragments keyed by ``index`` (the first fragment carries id and name,
the rest pieces of the arguments), the finish chunk, and a usage chunk with empty ``choices`` when
``stream_options.include_usage`` asks for it. Like the real API it refuses a wrong key (401 ``invalid_api_key``), a
model id it does not serve (404 ``model_not_found``: unknown, or retired such as ``gpt-4-0314``), a ``temperature``
other than 1 for a reasoning model and ``reasoning_effort`` for one that does not reason (400, ``unsupported_value``
and ``unsupported_parameter``), ``tool_choice`` without tools, a request over the context limit (400
``context_length_exceeded``) and tool messages that answer no call. A reasoning model spends ``max_completion_tokens``
on its reasoning first (`ModelTurn.reasoning_tokens`); refusals stream as ``delta.refusal``; an in-stream error is a
``data: {"error": ...}`` line.
"""

from __future__ import annotations

import re
import time
from typing import Any

from aiohttp import web

from tests.fakes.llm_script import FakeToolCall, LLMFake, ModelTurn, exhausted

API_KEY = "sk-test-openai"
METHOD = "chat.completions"
MODELS = frozenset({"gpt-5.4-mini", "gpt-5.4", "gpt-5.5", "gpt-4.1-mini", "gpt-test", "gpt-bench"})
"""Served ids: current ones, and the test stand-ins (which do not reason)."""
RETIRED = frozenset({"gpt-4-0314", "gpt-4-32k", "o1-mini", "gpt-3.5-turbo-0613", "chatgpt-4o-latest"})
"""Ids past their announced shutdown date (openai/types/shared/chat_model.py of the locked SDK)."""
REASONING = re.compile(r"^(gpt-5|o\d)")
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def error_body(message: str, kind: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _unauthorised() -> web.Response:
    return web.json_response(
        error_body("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"), status=401
    )


class FakeOpenAI(LLMFake):
    models = MODELS

    def __init__(
        self, api_key: str = API_KEY, *, max_context_chars: int | None = None, models: frozenset[str] | None = None
    ) -> None:
        super().__init__(api_key, max_context_chars=max_context_chars, models=models)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._completions)

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        authorised = request.headers.get("Authorization") == f"Bearer {self.api_key}"
        body, refusal = await self.receive(request, METHOD, authorised, _unauthorised)
        if refusal is not None:
            return refusal
        model = str(body.get("model"))
        turn = self.next_turn()
        if REASONING.match(model):
            turn = exhausted(turn, body.get("max_completion_tokens"))
        calls = [(call, call.call_id(self.key_prefix)) for call in turn.tool_calls]
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return await self.sse(request, turn, [*self._chunks(turn, model, calls, include_usage), (None, "[DONE]")])
        await self.pause(turn.first_delay_s)
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None if turn.refusal else turn.text or None,
            "refusal": turn.refusal or None,
        }
        if calls:
            message["tool_calls"] = [
                {"id": cid, "type": "function", "function": {"name": c.name, "arguments": c.arguments_text()}}
                for c, cid in calls
            ]
        return web.json_response(
            {
                **_head(model, "chat.completion"),
                "choices": [{"index": 0, "message": message, "finish_reason": _finish(turn), "logprobs": None}],
                "usage": _usage(turn),
            }
        )

    def check(self, body: dict[str, Any]) -> web.Response | None:
        model = str(body.get("model") or "")
        if self.unknown_model(model):
            text = f"The model `{model}` does not exist or you do not have access to it."
            return web.json_response(error_body(text, "invalid_request_error", "model_not_found"), status=404)
        messages = body.get("messages") or []
        if not messages:
            text = "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array."
            return _bad(text, "empty_array", "messages")
        reasoning = bool(REASONING.match(model))
        temperature = body.get("temperature")
        if reasoning and temperature is not None and temperature != 1:
            text = (
                f"Unsupported value: 'temperature' does not support {temperature} with this model. Only the default "
                "(1) value is supported."
            )
            return _bad(text, "unsupported_value", "temperature")
        if not reasoning and "reasoning_effort" in body:
            return _bad(
                "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
                "unsupported_parameter",
                "reasoning_effort",
            )
        if reasoning and "max_tokens" in body:
            text = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
            return _bad(text, "unsupported_parameter", "max_tokens")
        tools = body.get("tools") or []
        if "tool_choice" in body and not tools:
            text = "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."
            return _bad(text, None, "tool_choice")
        if body.get("tool_choice") not in (None, "none", "auto", "required") and not isinstance(
            body.get("tool_choice"), dict
        ):
            return _bad(f"Invalid value: '{body.get('tool_choice')}'.", "invalid_value", "tool_choice")
        if len(tools) > 128:
            return _bad("Invalid 'tools': array too long. Expected at most 128.", "array_above_max_length", "tools")
        for index, tool in enumerate(tools):
            name = str((tool.get("function") or {}).get("name") or "")
            if tool.get("type") != "function" or not TOOL_NAME.match(name):
                text = f"Invalid 'tools[{index}].function.name': string does not match pattern '^[a-zA-Z0-9_-]+$'."
                return _bad(text, "invalid_value", f"tools[{index}].function.name")
        if self.max_context_chars is not None:
            size = sum(len(str(m.get("content") or "")) for m in messages)
            if size > self.max_context_chars:
                text = (
                    f"This model's maximum context length is {self.max_context_chars} tokens. However, your "
                    f"messages resulted in {size} tokens. Please reduce the length of the messages."
                )
                return web.json_response(
                    error_body(text, "invalid_request_error", "context_length_exceeded", "messages"), status=400
                )
        asked: set[str] = set()
        for message in messages:
            if message.get("role") == "assistant":
                asked.update(call["id"] for call in message.get("tool_calls") or [])
            if message.get("role") == "tool" and message.get("tool_call_id") not in asked:
                text = "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
                return web.json_response(error_body(text, "invalid_request_error", None, "messages"), status=400)
        return None

    def _chunks(
        self, turn: ModelTurn, model: str, calls: list[tuple[FakeToolCall, str]], include_usage: bool
    ) -> list[tuple[str | None, Any]]:
        head = _head(model, "chat.completion.chunk")

        def chunk(delta: dict[str, Any], finish: str | None = None, text: bool = False) -> tuple[None, dict[str, Any]]:
            data: dict[str, Any] = {
                **head,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            }
            if text:
                data["_text"] = True
            return None, data

        out: list[tuple[str | None, Any]] = [chunk({"role": "assistant", "content": "", "refusal": None})]
        key = "refusal" if turn.refusal else "content"
        pieces = ModelTurn(text=turn.refusal, pieces=turn.pieces).text_pieces() if turn.refusal else turn.text_pieces()
        out += [chunk({key: piece}, text=True) for piece in pieces]
        if turn.stream_error is not None:
            kept = out[: 1 + turn.error_after]
            message = "The server is overloaded." if turn.stream_error == "overloaded" else "The server had an error."
            return [*kept, (None, error_body(message, "server_error"))]
        for index, (call, call_id) in enumerate(calls):
            first = {
                "index": index,
                "id": call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
            out.append(chunk({"tool_calls": [first]}))
            arguments = call.arguments_text()
            step = max(1, len(arguments) // 3)
            for start in range(0, len(arguments), step):
                fragment = {"index": index, "function": {"arguments": arguments[start : start + step]}}
                out.append(chunk({"tool_calls": [fragment]}))
        out.append(chunk({}, _finish(turn)))
        if include_usage:
            out.append((None, {**head, "choices": [], "usage": _usage(turn)}))
        return out


def _head(model: str, kind: str) -> dict[str, Any]:
    return {"id": f"chatcmpl-{time.monotonic_ns()}", "object": kind, "created": int(time.time()), "model": model}


def _bad(message: str, code: str | None, param: str | None) -> web.Response:
    return web.json_response(error_body(message, "invalid_request_error", code, param), status=400)


def _finish(turn: ModelTurn) -> str:
    if turn.tool_calls:
        return "tool_calls"
    return "length" if turn.finish == "length" else "stop"


def _usage(turn: ModelTurn) -> dict[str, Any]:
    return {
        "prompt_tokens": turn.input_tokens,
        "completion_tokens": turn.output_tokens,
        "total_tokens": turn.input_tokens + turn.output_tokens,
        "completion_tokens_details": {"reasoning_tokens": turn.reasoning_tokens},
    }
