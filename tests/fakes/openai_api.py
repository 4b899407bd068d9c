"""A local fake of OpenAI Chat Completions: ``AsyncOpenAI(base_url=f"{fake.url}/v1")``.

``POST /v1/chat/completions`` answers scripted `ModelTurn`s whole or as SSE ``data:`` chunks ending in
``data: [DONE]``: text deltas, tool calls in fragments keyed by ``index`` (the first fragment carries id and name,
the rest pieces of the arguments), the finish chunk, and a usage chunk with empty ``choices`` when
``stream_options.include_usage`` asks for it. Like the real API it refuses a wrong key (401 ``invalid_api_key``), a
request over the context limit (400 ``context_length_exceeded``) and tool messages that answer no call.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.fakes.llm_script import FakeToolCall, LLMFake, ModelTurn

API_KEY = "sk-test-openai"
METHOD = "chat.completions"


def error_body(message: str, kind: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _unauthorised() -> web.Response:
    return web.json_response(
        error_body("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"), status=401
    )


class FakeOpenAI(LLMFake):
    def __init__(self, api_key: str = API_KEY, *, max_context_chars: int | None = None) -> None:
        super().__init__(api_key, max_context_chars=max_context_chars)

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
        turn = self.next_turn()
        model = str(body.get("model"))
        calls = [(call, call.call_id(self.key_prefix)) for call in turn.tool_calls]
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return await self.sse(request, turn, [*self._chunks(turn, model, calls, include_usage), (None, "[DONE]")])
        await self.pause(turn.first_delay_s)
        message: dict[str, Any] = {"role": "assistant", "content": turn.text or None, "refusal": None}
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
        messages = body.get("messages") or []
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
        out += [chunk({"content": piece}, text=True) for piece in turn.text_pieces()]
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


def _finish(turn: ModelTurn) -> str:
    if turn.tool_calls:
        return "tool_calls"
    return "length" if turn.finish == "length" else "stop"


def _usage(turn: ModelTurn) -> dict[str, int]:
    return {
        "prompt_tokens": turn.input_tokens,
        "completion_tokens": turn.output_tokens,
        "total_tokens": turn.input_tokens + turn.output_tokens,
    }
