"""What the language-model fakes answer: scripted model turns, and the server behaviour every vendor fake shares.

A test queues `ModelTurn`s (text, tool calls, timing, a cut connection, an error inside the stream, a refusal, a
model that reasons for a while or until its budget runs out) on a fake; each request takes the next one, or
``default`` once the queue is empty. Each vendor's fake (openai_api, anthropic_api, gemini_api) renders a turn in its
own wire format, streamed as SSE or whole, and refuses what the vendor refuses: unknown or retired model ids (with
the vendor's own 404), parameters the model does not take, malformed conversations.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.server import FakeServer, request_params

_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class FakeToolCall:
    name: str
    arguments: dict[str, Any] | str
    """An object, or a raw text (to send arguments that are not valid JSON)."""
    id: str | None = None
    thought_signature: bytes | None = None
    """Gemini only: the signature the fake expects back with this call."""

    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False)

    def call_id(self, prefix: str) -> str:
        return self.id or f"{prefix}{next(_ids):06d}"


@dataclass(frozen=True, slots=True)
class ModelTurn:
    """One answer of the model."""

    text: str = ""
    tool_calls: tuple[FakeToolCall, ...] = ()
    input_tokens: int = 40
    output_tokens: int = 12
    pieces: int = 4
    """How many stream chunks the text is split into."""
    first_delay_s: float | tuple[float, float] = 0.0
    """Wait after the headers before the first chunk (a range draws uniformly); stop() ends any wait."""
    chunk_delay_s: float = 0.0
    cut_after: int | None = None
    """Drop the connection after this many text chunks (a stream cut short)."""
    finish: str = "stop"
    """stop, length, or (Gemini) continuation."""
    refusal: str = ""
    """The model declines, in these words (OpenAI ``delta.refusal``, Anthropic stop_reason ``refusal``, Gemini
    finishReason ``SAFETY`` with no text)."""
    reasoning_tokens: int = 0
    """Tokens the model thinks before answering. When the request's output budget is not larger, the budget runs
    out while thinking: no text, no tool calls, finish ``length`` (as a reasoning model does)."""
    reasoning_s: float = 0.0
    """Silence after the stream's opening event while the model thinks (reasoning models stream nothing else)."""
    stream_error: str | None = None
    """Send the vendor's in-stream error event of this kind (``overloaded`` or ``server``) after ``error_after`` text
    chunks, instead of the rest of the answer."""
    error_after: int = 0

    def text_pieces(self) -> list[str]:
        if not self.text:
            return []
        size = max(1, -(-len(self.text) // max(1, self.pieces)))
        return [self.text[i : i + size] for i in range(0, len(self.text), size)]


def exhausted(turn: ModelTurn, budget: object) -> ModelTurn:
    """The turn a reasoning model gives when ``budget`` output tokens do not cover its thinking: nothing said."""
    if turn.reasoning_tokens and isinstance(budget, int) and budget <= turn.reasoning_tokens:
        return ModelTurn(
            input_tokens=turn.input_tokens,
            output_tokens=budget,
            reasoning_tokens=budget,
            reasoning_s=turn.reasoning_s,
            first_delay_s=turn.first_delay_s,
            finish="length",
        )
    return turn


class LLMFake(FakeServer):
    """The behaviour the three vendor fakes share: a key, a script, a context limit, waits that stop() releases, and
    the catalogue of model ids the vendor serves (``models``); any other id is refused as the vendor refuses it."""

    key_prefix = "call_"
    models: frozenset[str] = frozenset()

    def __init__(
        self, api_key: str, *, max_context_chars: int | None = None, models: frozenset[str] | None = None
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.max_context_chars = max_context_chars
        if models is not None:
            self.models = models
        self.turns: deque[ModelTurn] = deque()
        self.default = ModelTurn(text="네, 알겠어요.")
        self._released = asyncio.Event()

    @property
    def base_url(self) -> str:
        """What the SDK's base-URL setting points at."""
        return self.url

    async def receive(
        self, request: web.Request, method: str, authorised: bool, unauthorised: Callable[[], web.Response]
    ) -> tuple[dict[str, Any], web.Response | None]:
        """Record the request as a call of ``method`` and return its body with what the vendor answers instead of a
        turn, checked in the vendor's order: a wrong key, an injected failure, a request `check` refuses."""
        body = await request_params(request)
        await self.record(method, body, request)
        if not authorised:
            return body, unauthorised()
        failure = self.failure_for(method)
        if failure is not None:
            return body, web.json_response(failure.body, status=failure.status, headers=failure.headers)
        return body, self.check(body)

    def unknown_model(self, model: str) -> bool:
        return model not in self.models

    def check(self, body: dict[str, Any]) -> web.Response | None:
        """The vendor's refusal of a request it cannot take (over the context limit, a malformed conversation)."""
        return None

    def script(self, *turns: ModelTurn) -> None:
        self.turns.extend(turns)

    def next_turn(self) -> ModelTurn:
        return self.turns.popleft() if self.turns else self.default

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [call.params for call in self.calls]

    async def stop(self) -> None:
        self._released.set()
        await super().stop()

    async def pause(self, delay: float | tuple[float, float]) -> None:
        seconds = random.uniform(*delay) if isinstance(delay, tuple) else delay
        if seconds > 0:
            try:
                await asyncio.wait_for(self._released.wait(), seconds)
            except TimeoutError:
                pass

    async def sse(
        self, request: web.Request, turn: ModelTurn, events: list[tuple[str | None, Any]]
    ) -> web.StreamResponse:
        """Stream ``events`` (name, data: an object as JSON, a string as is) as SSE; ``turn`` decides the pauses and
        where the connection drops. Objects carrying ``"_text": True`` count as text chunks for ``cut_after``."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        await self.pause(turn.first_delay_s)
        texts = 0
        for index, (name, data) in enumerate(events):
            if index == 1 and turn.reasoning_s:
                await self.pause(turn.reasoning_s)
            is_text = isinstance(data, dict) and bool(data.pop("_text", False))
            if is_text and turn.cut_after is not None and texts >= turn.cut_after:
                assert request.transport is not None
                request.transport.abort()
                return response
            texts += is_text
            if index and turn.chunk_delay_s:
                await self.pause(turn.chunk_delay_s)
            head = f"event: {name}\n" if name else ""
            line = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
            try:
                await response.write(f"{head}data: {line}\n\n".encode())
            except ConnectionError:  # the client gave up (a timeout under test): nothing more to send
                return response
        return response
