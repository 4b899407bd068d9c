"""Gemini through google-genai, streamed. A function call arrives whole (with its id and, on thinking models, a thought
signature); both go back with the call on the next request, or Gemini refuses the conversation. A call another
provider made carries Google's documented sentinel signature instead (Gemini 3 refuses a call without one).

The SDK's automatic continuation is off (it would send the request again behind the router's back); a response that
stops with ``CONTINUATION`` is an unfinished one (``length``). Gemini 3 models get ``thinking_level`` and, since
thinking counts towards ``max_output_tokens``, ``reasoning_tokens`` on top of the answer's ``max_tokens``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncGenerator
from typing import Any

from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from dialogue.llm.errors import FailureKind, ProviderError, kind_for_status, parse_retry_after, provider_failures, short
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

SIGNATURE = "thought_signature"
"""``ToolCall.extra`` key of the base64 thought signature (base64 so that the call stays JSON, e.g. in the cache)."""
SYNTHETIC_ID = "synthetic_id"
"""Set when Gemini gave the call no id and one was made up here; such an id is not sent back."""
FOREIGN_SIGNATURE = b"skip_thought_signature_validator"
"""Google's documented thought signature for a function call Gemini did not write (one replayed from another
provider): it tells Gemini 3 to skip the signature check for that step."""
_DELAY = re.compile(r"^(\d+(?:\.\d+)?)s$")
_FINISH = {"max_tokens": "length", "continuation": "length", "safety": "refusal", "prohibited_content": "refusal"}


class GeminiProvider:
    """``genai.Client`` with ``HttpOptions(base_url=...)``. Retries are off through ``HttpRetryOptions(attempts=1)``:
    without retry options the SDK quietly retries a failed aiohttp connection once after 1-10 s."""

    name = "gemini"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str,
        read_timeout_s: float,
        thinking_level: str | None = None,
        reasoning_tokens: int = 0,
    ) -> None:
        self.model = model
        self.thinking = model.removeprefix("models/").startswith(("gemini-3", "gemini-4"))
        self.thinking_level = thinking_level
        self.reasoning_tokens = reasoning_tokens
        self.client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(
                base_url=base_url,
                timeout=int(read_timeout_s * 1000),
                retry_options=types.HttpRetryOptions(attempts=1),
            ),
        )

    async def aclose(self) -> None:
        await self.client.aio.aclose()

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ProviderEvent, None]:
        thinking = (
            types.ThinkingConfig(thinking_level=types.ThinkingLevel(self.thinking_level.upper()))
            if self.thinking and self.thinking_level
            else None
        )
        mode = types.FunctionCallingConfigMode.NONE if request.tool_choice == "none" else None
        config = types.GenerateContentConfig(
            system_instruction=request.system,
            max_output_tokens=request.max_tokens + (self.reasoning_tokens if self.thinking else 0),
            temperature=request.temperature,
            thinking_config=thinking,
            automatic_continuation=False,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
            tool_config=types.ToolConfig(function_calling_config=types.FunctionCallingConfig(mode=mode))
            if request.tools and mode is not None
            else None,
            tools=[
                types.Tool(
                    function_declarations=[
                        types.FunctionDeclaration(
                            name=t.name, description=t.description, parameters_json_schema=t.parameters
                        )
                        for t in request.tools
                    ]
                )
            ]
            if request.tools
            else None,
        )
        calls = 0
        finish: str | None = None
        usage: Usage | None = None
        with provider_failures(self.name, _failure):
            stream = await self.client.aio.models.generate_content_stream(
                model=self.model, contents=self.contents(request), config=config
            )
            started = False
            async for chunk in stream:
                if not started:
                    started = True
                    yield Started()
                if chunk.usage_metadata is not None:
                    meta = chunk.usage_metadata
                    usage = Usage(
                        meta.prompt_token_count or 0,
                        (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0),
                    )
                for candidate in chunk.candidates or ():
                    for part in candidate.content.parts or () if candidate.content else ():
                        if part.function_call is not None:
                            calls += 1
                            yield self._call(part, calls)
                        elif part.text and not part.thought:
                            yield TextChunk(part.text)
                    if candidate.finish_reason is not None:
                        finish = str(candidate.finish_reason.value).lower()
        if finish is None:
            raise ProviderError(self.name, FailureKind.CONNECTION, "the stream ended before a finish reason")
        if usage is not None:
            yield usage
        yield Finish("tool_calls" if calls and finish == "stop" else _FINISH.get(finish, finish))

    def _call(self, part: types.Part, number: int) -> ToolCall:
        call = part.function_call
        assert call is not None
        extra: dict[str, Any] = {}
        if part.thought_signature:
            extra[SIGNATURE] = base64.b64encode(part.thought_signature).decode("ascii")
        call_id = call.id
        if not call_id:
            call_id = f"gemini-call-{number}"
            extra[SYNTHETIC_ID] = True
        arguments = json.dumps(call.args or {}, ensure_ascii=False)
        return ToolCall(call_id, call.name or "", arguments, extra, provider=self.name)

    def contents(self, request: ChatRequest) -> list[types.Content]:
        out: list[types.Content] = []
        sent_ids: dict[str, str | None] = {}  # call id -> the id Gemini saw with that call

        def add(role: str, part: types.Part) -> None:
            if out and out[-1].role == role and out[-1].parts is not None:
                out[-1].parts.append(part)
            else:
                out.append(types.Content(role=role, parts=[part]))

        for message in request.messages:
            if isinstance(message, UserMessage):
                add("user", types.Part(text=message.text))
            elif isinstance(message, AssistantMessage):
                if message.text:
                    add("model", types.Part(text=message.text))
                for number, call in enumerate(message.tool_calls):
                    part = self._call_part(call, first=number == 0)
                    sent_ids[call.id] = part.function_call.id if part.function_call else None
                    add("model", part)
            elif isinstance(message, ToolResultMessage):
                add("user", _response_part(message, sent_ids.get(message.call_id)))
        return out

    def _call_part(self, call: ToolCall, *, first: bool) -> types.Part:
        """The call as Gemini sees it again. Gemini 3 checks the signature of the first call of each step; a step
        another provider wrote gets the sentinel there (later calls of a step carry none, as Gemini sends them)."""
        mine = call.provider == self.name
        signature = call.extra.get(SIGNATURE) if mine else None
        raw = base64.b64decode(signature) if signature else (FOREIGN_SIGNATURE if not mine and first else None)
        return types.Part(
            function_call=types.FunctionCall(
                id=None if (not mine or call.extra.get(SYNTHETIC_ID)) else call.id,
                name=call.name,
                args=_arguments(call.arguments),
            ),
            thought_signature=raw,
        )


def _response_part(message: ToolResultMessage, call_id: str | None) -> types.Part:
    try:
        content: Any = json.loads(message.content)
    except ValueError:
        content = message.content
    key = "error" if message.is_error else "output"
    return types.Part(
        function_response=types.FunctionResponse(
            id=call_id,
            name=message.name,
            response={key: content},
        )
    )


def _arguments(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {"_unparsed": text}
    return value if isinstance(value, dict) else {"_unparsed": text}


def _failure(error: Exception) -> ProviderError | None:
    """What a google-genai exception says went wrong; None for one the SDK did not raise."""
    return _api_error(error) if isinstance(error, genai_errors.APIError) else None


def _api_error(error: genai_errors.APIError) -> ProviderError:
    status = int(error.code or 0)
    message = str(error.message or error)
    details = json.dumps(error.details, ensure_ascii=False) if error.details is not None else ""
    kind = kind_for_status(status) if status else FailureKind.SERVER
    if "API_KEY_INVALID" in details or "API key not valid" in message:
        kind = FailureKind.AUTH
    elif status == 404 and "models/" in message:
        kind = FailureKind.MODEL
    elif status == 400 and ("exceeds the maximum number of tokens" in message or "input token count" in message):
        kind = FailureKind.CONTEXT_LENGTH
    headers = getattr(error.response, "headers", None)
    retry_after = parse_retry_after(headers.get("retry-after") if headers is not None else None)
    if retry_after is None:
        retry_after = _retry_delay(error.details)
    return ProviderError("gemini", kind, short(message), status=status or None, retry_after=retry_after)


def _retry_delay(details: Any) -> float | None:
    """Google's RetryInfo detail (``"retryDelay": "7s"``), which Gemini sends on 429 instead of a header."""
    body = details.get("error", details) if isinstance(details, dict) else {}
    for item in body.get("details", []) if isinstance(body, dict) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            match = _DELAY.match(str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None
