"""The web chat: ``POST /api/chat`` (one JSON reply), ``POST /api/chat/stream`` (server-sent events) and the page at
``/`` that uses the stream.

``GET /api/assistants`` lists the assistants with their state, so the page offers only those that answer and says
how to install the others. Body: ``{"text", "assistant"?: "meal" | "seller", "payload"?, "id"?}``; who sends it is the signed session cookie
(`bots.channels.web_session`), issued on first contact; a ``user`` field is ignored. ``id``, when the client sends one,
identifies the message: a resend of the same id is refused (409) instead of answered twice. Stream events:
``token`` (text as it is written), ``cards``, ``quick_replies``, ``follow_ups`` (FAQ follow-up questions),
``sources`` (the FAQ entries the answer used: ``{"sources": [{"question", "score"}]}``), ``done`` (the whole text,
intent, turn id) and ``error``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from importlib.resources import files
from typing import Any

from aiohttp import web

from bots.channels.dialogue import AssistantState
from bots.channels.middleware import Turns
from bots.channels.replies import EMPTY_MESSAGE, Gathered
from bots.channels.web_session import WebSession, WebSessions
from bots.http.bodies import BodyRefused, read_bounded
from dialogue.messages import Button, Cards, Final, IncomingMessage, QuickReplies, ReplyEvent, Text, TextDelta
from storage.models import utcnow

CHANNEL = "web"
USER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_TEXT = 2000
ASSISTANTS = ("meal", "seller")
ASSISTANT_LABELS = {"meal": "급식카드 도우미", "seller": "판매자 FAQ"}
STATE_NOTES = {
    AssistantState.LOADING: "준비 중이에요. 잠시 후 쓸 수 있어요.",
    AssistantState.NOT_INSTALLED: (
        "아직 설치되지 않았어요. 운영자가 스마트 스토어 FAQ 파일로 "
        "`kkini knowledge ingest --collection seller 파일` 을 실행하고 끼니를 다시 시작하면 쓸 수 있어요."
    ),
    AssistantState.FAILED: "지금 쓸 수 없어요. 끼니를 운영하는 분께 알려 주세요.",
}
FAQ_PREFIX = "faq:"
DEDUP_TTL_S = 600.0


class BadRequest(ValueError):
    """The body is not a chat request; ``code`` is machine-readable, the message is for the user."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True, slots=True)
class ChatRequest:
    user: str
    """The session's user (`bots.channels.web_session`); a ``user`` in the body is not trusted and not read."""
    text: str
    assistant: str
    payload: str | None
    id: str | None
    origin: str | None = None
    """The sender's address (rate limits per source)."""

    @classmethod
    def parse(cls, body: object, user: str) -> ChatRequest:
        if not isinstance(body, dict):
            raise BadRequest("invalid_body", "요청은 JSON 객체여야 해요.")
        text, payload = body.get("text", ""), body.get("payload")
        assistant, message_id = body.get("assistant", "meal"), body.get("id")
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise BadRequest("invalid_text", f"text는 {MAX_TEXT}자 이하 문자열이어야 해요.")
        if assistant not in ASSISTANTS:
            raise BadRequest("invalid_assistant", "assistant는 meal 또는 seller 중 하나여야 해요.")
        if payload is not None and (not isinstance(payload, str) or len(payload) > 200):
            raise BadRequest("invalid_payload", "payload는 200자 이하 문자열이어야 해요.")
        if message_id is not None and (not isinstance(message_id, str) or not USER_ID.match(message_id)):
            raise BadRequest("invalid_id", "id는 64자 이하 문자열이어야 해요.")
        if not text.strip() and not payload:
            raise BadRequest("empty_text", EMPTY_MESSAGE)
        return cls(user, text, str(assistant), payload, message_id)

    def message(self) -> IncomingMessage:
        return IncomingMessage(
            CHANNEL,
            self.user,
            text=self.text,
            payload=self.payload,
            delivery_id=self.id,
            received_at=utcnow(),
            assistant=self.assistant,
            origin=self.origin,
        )


class WebChannel:
    """The `ChannelAdapter` for the web chat; the sender is the signed session, never the body."""

    channel = CHANNEL

    def __init__(self, turns: Turns, sessions: WebSessions) -> None:
        self.turns = turns
        self.sessions = sessions

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_get("/", self.page)
        router.add_get("/api/assistants", self.assistants)
        router.add_post("/api/chat", self.chat)
        router.add_post("/api/chat/stream", self.stream)

    async def page(self, request: web.Request) -> web.Response:
        html = files("bots.channels").joinpath("web/index.html").read_text(encoding="utf-8")
        response = web.Response(text=html, content_type="text/html", charset="utf-8")
        self.sessions.remember(request, response, self.sessions.of(request))
        return response

    async def assistants(self, _request: web.Request) -> web.Response:
        slot = self.turns.slot
        listed = []
        for name in ASSISTANTS:
            state = slot.state(name)
            entry: dict[str, str] = {"name": name, "label": ASSISTANT_LABELS[name], "state": state.value}
            if state in STATE_NOTES:
                entry["note"] = STATE_NOTES[state]
            listed.append(entry)
        return web.json_response({"assistants": listed})

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing held."""

    def parse(self, raw: bytes) -> ChatRequest:
        """The chat request in a body, from nobody yet (the route sets the session's user); `BadRequest`."""
        try:
            body = json.loads(raw)
        except ValueError:
            raise BadRequest("invalid_json", "요청 본문이 올바른 JSON이 아니에요.") from None
        return ChatRequest.parse(body, "")

    async def identity(self, request: ChatRequest) -> IncomingMessage:
        return request.message()

    async def render(self, gathered: Gathered) -> dict[str, Any]:
        """The JSON reply of ``/api/chat``: text, cards, quick replies apart from FAQ follow-ups, sources."""
        follow_ups, quick = _split_follow_ups(tuple(gathered.quick_replies))
        reply: dict[str, Any] = {
            "text": gathered.text,
            "cards": [card_json(card) for card in gathered.cards],
            "quick_replies": quick,
            "follow_ups": follow_ups,
        }
        final = gathered.final
        if final is not None:
            reply.update(intent=final.intent, turn_id=final.turn_id)
            if final.meta.sources:
                reply["sources"] = [asdict(source) for source in final.meta.sources]
        return reply

    async def send(self, request: ChatRequest, reply: dict[str, Any]) -> web.Response:
        return web.json_response({"user": request.user, **reply})

    async def _request(self, request: web.Request, session: WebSession) -> ChatRequest:
        try:
            raw = await read_bounded(request)
        except BodyRefused as refused:
            raise BadRequest(refused.code, str(refused), refused.status) from None
        chat = dataclasses.replace(self.parse(raw), user=session.user, origin=request.remote)
        if chat.id is not None and not await self.turns.first_delivery(CHANNEL, f"{chat.user}:{chat.id}", DEDUP_TTL_S):
            raise BadRequest("duplicate", "이미 받은 메시지예요.", status=409)
        return chat

    async def chat(self, request: web.Request) -> web.Response:
        session = self.sessions.of(request)
        try:
            chat = await self._request(request, session)
        except BadRequest as error:
            return _error_response(error)
        gathered = Gathered()
        async for event in self.turns.events(await self.identity(chat)):
            gathered.add(event)
        response = await self.send(chat, await self.render(gathered))
        self.sessions.remember(request, response, session)
        return response

    async def stream(self, request: web.Request) -> web.StreamResponse:
        session = self.sessions.of(request)
        try:
            chat = await self._request(request, session)
        except BadRequest as error:
            return _error_response(error)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
        )
        self.sessions.remember(request, response, session)
        await response.prepare(request)
        try:
            async for name, data in sse_events(self.turns.events(await self.identity(chat))):
                await response.write(sse(name, data))
        except ConnectionResetError:
            return response  # the page went away; the turn is stored all the same
        await response.write_eof()
        return response


async def sse_events(events: AsyncIterator[ReplyEvent]) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The engine's events as (SSE event name, JSON data); text streamed once, whether in parts or whole."""
    streamed = ""
    async for event in events:
        if isinstance(event, TextDelta):
            streamed += event.text
            yield "token", {"text": event.text}
        elif isinstance(event, Text):
            # Parts already streamed are not sent again; ``done`` carries the whole text in any case.
            rest = event.text[len(streamed) :] if event.text.startswith(streamed) else ""
            if rest:
                yield "token", {"text": rest}
            streamed = ""
        elif isinstance(event, Cards):
            yield "cards", {"cards": [card_json(card) for card in event.cards]}
        elif isinstance(event, QuickReplies):
            follow_ups, quick = _split_follow_ups(event.buttons)
            if quick:
                yield "quick_replies", {"buttons": quick}
            if follow_ups:
                yield "follow_ups", {"buttons": follow_ups}
        elif isinstance(event, Final):
            if event.meta.sources:
                shown = [{"question": source.question, "score": source.score} for source in event.meta.sources]
                yield "sources", {"sources": shown}
            yield "done", {"text": event.text, "intent": event.intent, "turn_id": event.turn_id}


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def card_json(card: Any) -> dict[str, Any]:
    return asdict(card)


def _split_follow_ups(buttons: tuple[Button, ...]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    follow_ups = [asdict(button) for button in buttons if button.payload.startswith(FAQ_PREFIX)]
    quick = [asdict(button) for button in buttons if not button.payload.startswith(FAQ_PREFIX)]
    return follow_ups, quick


def _error_response(error: BadRequest) -> web.Response:
    return web.json_response({"error": {"code": error.code, "message": str(error)}}, status=error.status)
