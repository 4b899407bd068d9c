"""A local fake of the Gemini API (generativelanguage v1 and v1beta) for google-genai:
``genai.Client(api_key=..., http_options=HttpOptions(base_url=fake.url))``.

``POST /{v1|v1beta}/models/{model}:generateContent`` and ``:streamGenerateContent?alt=sse`` answer scripted `ModelTurn`s
as ``GenerateContentResponse`` JSON (camelCase, SSE ``data:`` lines when streamed): text parts, then each function
call whole in one part with its ``id``; the first call of a turn carries a ``thoughtSignature`` (the scripted one, or
one made up here), as Gemini 3 hands them out. ``finishReason`` and ``usageMetadata`` come on the last chunk.

Like the real Gemini 3 API: a wrong ``x-goog-api-key`` is 400 ``API_KEY_INVALID``; a model id it does not serve
(unknown, or shut down such as ``gemini-2.5-flash``) is 404 NOT_FOUND; a model step whose first function call comes
back without its signature (or Google's documented sentinel for calls another model wrote) is 400 INVALID_ARGUMENT
"Function call is missing a thought_signature"; a ``thinkingLevel`` for a model that has none, or an unknown
function-calling mode, is 400; a request over the context limit is 400 "The input token count ... exceeds the maximum
number of tokens allowed". Thinking counts towards ``maxOutputTokens`` (`ModelTurn.reasoning_tokens`); a refusal is
finishReason ``SAFETY`` with no content.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from aiohttp import web

from tests.fakes.llm_script import LLMFake, ModelTurn, exhausted
from tests.fakes.server import request_params

API_KEY = "gemini-test-key"
METHOD = "generateContent"
MODELS = frozenset(
    {"gemini-3.1-flash-lite", "gemini-3.5-flash", "gemini-3.8-flash", "gemini-flash-latest", "gemini-test"}
    | {"gemini-bench"}
)
"""Served ids: current ones (google/genai/_gaos/types/interactions/model.py of the locked SDK), and test stand-ins."""
RETIRED = frozenset({"gemini-2.5-flash", "gemini-2.0-flash-001", "gemini-1.5-flash"})
SENTINEL = base64.b64encode(b"skip_thought_signature_validator").decode()
"""Google's documented signature for a function call no Gemini model wrote, as it travels (base64 bytes)."""
NO_THINKING = ("gemini-2.0", "gemini-1.5")
MODES = {"MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"}


def error_body(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return {"error": error}


def rate_limited(retry_delay_s: int) -> dict[str, Any]:
    """A 429 body as Gemini sends it: the wait is in a RetryInfo detail, not in a header."""
    detail = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_delay_s}s"}
    return error_body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", [detail])


def _unauthorised() -> web.Response:
    detail = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
    message = "API key not valid. Please pass a valid API key."
    return web.json_response(error_body(400, "INVALID_ARGUMENT", message, [detail]), status=400)


class FakeGemini(LLMFake):
    key_prefix = "gemcall-"
    models = MODELS

    def __init__(
        self, api_key: str = API_KEY, *, max_context_chars: int | None = None, models: frozenset[str] | None = None
    ) -> None:
        super().__init__(api_key, max_context_chars=max_context_chars, models=models)
        self.current_model = ""
        self.signatures: dict[str, str] = {}
        """Function-call id -> the base64 thought signature handed out with it."""

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/{version:v1|v1beta}/models/{target}", self._generate)

    async def _generate(self, request: web.Request) -> web.StreamResponse:
        model, _, action = request.match_info["target"].partition(":")
        if action not in ("generateContent", "streamGenerateContent"):
            return web.json_response(error_body(404, "NOT_FOUND", f"unknown method {action}"), status=404)
        authorised = request.headers.get("x-goog-api-key") == self.api_key
        if self.unknown_model(model):
            await self.record(METHOD, await request_params(request), request)
            message = (
                f"models/{model} is not found for API version {request.match_info['version']}, or is not supported "
                "for generateContent. Call ListModels to see the list of available models and their supported methods."
            )
            return web.json_response(error_body(404, "NOT_FOUND", message), status=404)
        self.current_model = model
        body, refusal = await self.receive(request, METHOD, authorised, _unauthorised)
        if refusal is not None:
            return refusal
        config = body.get("generationConfig") or {}
        turn = exhausted(self.next_turn(), config.get("maxOutputTokens"))
        calls: list[dict[str, Any]] = []
        for number, call in enumerate(turn.tool_calls):
            call_id = call.call_id(self.key_prefix)
            part: dict[str, Any] = {"functionCall": {"id": call_id, "name": call.name, "args": call.arguments}}
            if number == 0:
                signature = call.thought_signature or f"sig-{call_id}".encode()
                part["thoughtSignature"] = self.signatures[call_id] = base64.b64encode(signature).decode()
            calls.append(part)
        if action == "streamGenerateContent":
            return await self.sse(request, turn, _chunks(turn, model, calls))
        await self.pause(turn.first_delay_s)
        parts = ([{"text": turn.text}] if turn.text else []) + calls
        return web.json_response(_response(model, parts, turn, final=True))

    def check(self, body: dict[str, Any]) -> web.Response | None:
        contents = body.get("contents") or []
        if not contents:
            return web.json_response(error_body(400, "INVALID_ARGUMENT", "* contents: must not be empty"), status=400)
        thinking = (body.get("generationConfig") or {}).get("thinkingConfig") or {}
        # Proto JSON takes either spelling of a field; google-genai sends this one in snake case.
        level = thinking.get("thinkingLevel") or thinking.get("thinking_level")
        if level and self.current_model.startswith(NO_THINKING):
            message = "Thinking level is not supported for this model."
            return web.json_response(error_body(400, "INVALID_ARGUMENT", message), status=400)
        mode = ((body.get("toolConfig") or {}).get("functionCallingConfig") or {}).get("mode")
        if mode is not None and mode not in MODES:
            message = f"Invalid value at 'tool_config.function_calling_config.mode', \"{mode}\""
            return web.json_response(error_body(400, "INVALID_ARGUMENT", message), status=400)
        if self.max_context_chars is not None:
            system = "".join(p.get("text", "") for p in (body.get("systemInstruction") or {}).get("parts", []))
            size = len(system) + sum(len(str(p.get("text") or p)) for c in contents for p in c.get("parts", []))
            if size > self.max_context_chars:
                message = (
                    f"The input token count ({size}) exceeds the maximum number of tokens allowed "
                    f"({self.max_context_chars})."
                )
                return web.json_response(error_body(400, "INVALID_ARGUMENT", message), status=400)
        asked: set[str] = set()
        for index, content in enumerate(contents):
            first_call = True
            for position, part in enumerate(content.get("parts", [])):
                call = part.get("functionCall")
                if call is not None and content.get("role") == "model":
                    asked.add(str(call.get("id")))
                    # Gemini 3 checks the first function call of each step: its own signature, or the sentinel.
                    expected = self.signatures.get(str(call.get("id")))
                    given = part.get("thoughtSignature")
                    if expected is not None:
                        valid = given == expected
                    else:
                        valid = given == SENTINEL if first_call else given in (None, SENTINEL)
                    first_call = False
                    if not valid:
                        message = (
                            "Function call is missing a thought_signature in functionCall parts. This is required "
                            f"for tools to work correctly. Additional data, function call `{call.get('name')}` , "
                            f"position {index}.{position}."
                        )
                        return web.json_response(error_body(400, "INVALID_ARGUMENT", message), status=400)
                answer = part.get("functionResponse")
                if answer is not None and answer.get("id") is not None and answer["id"] not in asked:
                    message = f"functionResponse id {answer['id']} does not match any functionCall."
                    return web.json_response(error_body(400, "INVALID_ARGUMENT", message), status=400)
        return None


def _usage(turn: ModelTurn) -> dict[str, int]:
    usage = {
        "promptTokenCount": turn.input_tokens,
        "candidatesTokenCount": turn.output_tokens - turn.reasoning_tokens,
        "totalTokenCount": turn.input_tokens + turn.output_tokens,
    }
    if turn.reasoning_tokens:
        usage["thoughtsTokenCount"] = turn.reasoning_tokens
    return usage


def _finish(turn: ModelTurn) -> str:
    if turn.refusal:
        return "SAFETY"
    return {"length": "MAX_TOKENS", "continuation": "CONTINUATION"}.get(turn.finish, "STOP")


def _response(model: str, parts: list[dict[str, Any]], turn: ModelTurn, *, final: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if final:
        candidate["finishReason"] = _finish(turn)
        if turn.finish == "continuation":  # the answer goes on in a request that sends this token back
            candidate["continuationToken"] = base64.b64encode(b"continue-here").decode()
    return {
        "candidates": [candidate],
        "usageMetadata": _usage(turn) if final else {"promptTokenCount": turn.input_tokens},
        "modelVersion": model,
        "responseId": f"resp-{time.monotonic_ns()}",
    }


def _chunks(turn: ModelTurn, model: str, calls: list[dict[str, Any]]) -> list[tuple[str | None, Any]]:
    pieces = turn.text_pieces()
    out: list[tuple[str | None, Any]] = []
    for number, piece in enumerate(pieces, start=1):
        final = number == len(pieces) and not calls
        out.append((None, {**_response(model, [{"text": piece}], turn, final=final), "_text": True}))
    if calls or not pieces:
        out.append((None, _response(model, calls, turn, final=True)))
    return out
