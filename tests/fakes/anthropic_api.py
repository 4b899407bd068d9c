"""A local fake of the Anthropic Messages API: ``AsyncAnthropic(base_url=fake.url)``.

``POST /v1/messages`` answers scripted `ModelTurn`s whole or as named SSE events: ``message_start``, per block
``content_block_start`` / ``content_block_delta`` (``text_delta``; ``input_json_delta`` with ``partial_json`` pieces
for tool_use) / ``content_block_stop``, a ``ping``, ``message_delta`` (stop_reason, output usage), ``message_stop``.
Like the real API it checks the key (``x-api-key``, or ``Authorization: Bearer`` as this SDK sends it; 401
``authentication_error``), refuses a model id it does not serve (404 ``not_found_error`` "model: ..."), a missing
``max_tokens``, a conversation that does not start with a user turn or does not alternate, tool_use or tool_result
blocks in a request that declares no tools, ``tool_choice`` without tools, a prompt over the context limit (400
"prompt is too long") and a tool_result that answers no tool_use of the turn before. A scripted refusal ends with
stop_reason ``refusal``; an in-stream error is an ``event: error``.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.fakes.llm_script import FakeToolCall, LLMFake, ModelTurn

API_KEY = "sk-ant-test"
METHOD = "messages"
MODELS = frozenset(
    {"claude-haiku-4-5", "claude-haiku-4-5-20251001", "claude-sonnet-4-6", "claude-haiku-5-5", "claude-test"}
    | {"claude-bench"}
)
"""Served ids: current ones (anthropic/types/model.py, none in DEPRECATED_MODELS), and the test stand-ins."""
RETIRED = frozenset({"claude-3-5-haiku-20241022", "claude-3-7-sonnet-latest", "claude-2.1", "claude-sonnet-4-0"})
"""Ids past their end of life (DEPRECATED_MODELS in anthropic/resources/messages/messages.py of the locked SDK)."""


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def _unauthorised() -> web.Response:
    return web.json_response(error_body("authentication_error", "invalid x-api-key"), status=401)


class FakeAnthropic(LLMFake):
    key_prefix = "toolu_"
    models = MODELS

    def __init__(
        self, api_key: str = API_KEY, *, max_context_chars: int | None = None, models: frozenset[str] | None = None
    ) -> None:
        super().__init__(api_key, max_context_chars=max_context_chars, models=models)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/messages", self._messages)

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        key = request.headers.get("x-api-key") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        body, refusal = await self.receive(request, METHOD, key == self.api_key, _unauthorised)
        if refusal is not None:
            return refusal
        turn = self.next_turn()
        model = str(body.get("model"))
        calls = [(call, call.call_id(self.key_prefix)) for call in turn.tool_calls]
        if body.get("stream"):
            return await self.sse(request, turn, _events(turn, model, calls))
        blocks: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
        blocks += [{"type": "tool_use", "id": cid, "name": c.name, "input": c.arguments} for c, cid in calls]
        await self.pause(turn.first_delay_s)
        return web.json_response(
            {
                **_message(model, turn),
                "content": blocks,
                "stop_reason": _stop(turn),
                "usage": {"input_tokens": turn.input_tokens, "output_tokens": turn.output_tokens},
            }
        )

    def check(self, body: dict[str, Any]) -> web.Response | None:
        model = str(body.get("model") or "")
        if self.unknown_model(model):
            return web.json_response(error_body("not_found_error", f"model: {model}"), status=404)
        if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
            return _invalid("max_tokens: Field required")
        messages = body.get("messages") or []
        if not messages or messages[0].get("role") != "user":
            return _invalid('messages: the first message must use the "user" role')
        for index in range(1, len(messages)):
            if messages[index].get("role") == messages[index - 1].get("role"):
                return _invalid(f'messages.{index}: roles must alternate between "user" and "assistant"')
        kinds = {
            block.get("type")
            for message in messages
            if isinstance(message.get("content"), list)
            for block in message["content"]
        }
        tools = body.get("tools") or []
        if kinds & {"tool_use", "tool_result"} and not tools:
            return _invalid("Requests which include `tool_use` or `tool_result` blocks must define tools.")
        choice = body.get("tool_choice")
        if choice is not None and (not tools or choice.get("type") not in ("auto", "any", "tool", "none")):
            return _invalid("tool_choice: tool_choice may only be specified while providing tools.")
        if self.max_context_chars is not None:
            size = len(str(body.get("system") or "")) + sum(len(_text_of(m)) for m in messages)
            if size > self.max_context_chars:
                message = f"prompt is too long: {size} tokens > {self.max_context_chars} maximum"
                return web.json_response(error_body("invalid_request_error", message), status=400)
        previous: set[str] = set()
        for index, message in enumerate(messages):
            content = message.get("content")
            blocks = content if isinstance(content, list) else []
            results = [b["tool_use_id"] for b in blocks if b.get("type") == "tool_result"]
            missing = [result for result in results if result not in previous]
            if missing:
                text = (
                    f"messages.{index}.content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
                    f"{missing[0]}. Each `tool_result` block must have a corresponding `tool_use` block in the "
                    "previous message."
                )
                return web.json_response(error_body("invalid_request_error", text), status=400)
            previous = {b["id"] for b in blocks if b.get("type") == "tool_use"}
        return None


def _invalid(message: str) -> web.Response:
    return web.json_response(error_body("invalid_request_error", message), status=400)


def _text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(str(block.get("text") or block.get("content") or "") for block in content or [])


def _message(model: str, turn: ModelTurn) -> dict[str, Any]:
    return {
        "id": f"msg_{time.monotonic_ns()}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "stop_sequence": None,
    }


def _stop(turn: ModelTurn) -> str:
    if turn.refusal:
        return "refusal"
    if turn.tool_calls:
        return "tool_use"
    return "max_tokens" if turn.finish == "length" else "end_turn"


def _events(turn: ModelTurn, model: str, calls: list[tuple[FakeToolCall, str]]) -> list[tuple[str | None, Any]]:
    start = {
        **_message(model, turn),
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": turn.input_tokens, "output_tokens": 1},
    }
    out: list[tuple[str | None, Any]] = [("message_start", {"type": "message_start", "message": start})]
    index = 0
    if turn.refusal:
        turn = ModelTurn(text=turn.refusal, pieces=turn.pieces, input_tokens=turn.input_tokens, refusal=turn.refusal)
    if turn.stream_error is not None and not turn.text:
        return [
            *out,
            ("error", error_body("overloaded_error" if turn.stream_error == "overloaded" else "api_error", "x")),
        ]
    if turn.text:
        out.append(("content_block_start", _block_start(index, {"type": "text", "text": ""})))
        out.append(("ping", {"type": "ping"}))
        for number, piece in enumerate(turn.text_pieces()):
            if turn.stream_error is not None and number >= turn.error_after:
                break
            delta = {"type": "text_delta", "text": piece}
            out.append(
                ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta, "_text": True})
            )
        if turn.stream_error is not None:
            kind = "overloaded_error" if turn.stream_error == "overloaded" else "api_error"
            return [*out, ("error", error_body(kind, "Overloaded" if kind == "overloaded_error" else "Internal"))]
        out.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1
    for call, call_id in calls:
        head = {"type": "tool_use", "id": call_id, "name": call.name, "input": {}}
        out.append(("content_block_start", _block_start(index, head)))
        arguments = call.arguments_text()
        step = max(1, len(arguments) // 3)
        for begin in range(0, len(arguments), step):
            delta = {"type": "input_json_delta", "partial_json": arguments[begin : begin + step]}
            out.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}))
        out.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1
    out.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": _stop(turn), "stop_sequence": None},
                "usage": {"output_tokens": turn.output_tokens},
            },
        )
    )
    out.append(("message_stop", {"type": "message_stop"}))
    return out


def _block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}
