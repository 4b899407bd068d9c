"""A local fake of the Telegram Bot API for python-telegram-bot: ``Bot(token, base_url=f"{fake.url}/bot")``.

Requests go to ``/bot{token}/{method}`` as form fields whose values are JSON-encoded (PTB's encoding) or as JSON.
Answers are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code", "description", "parameters"?}`` like
the real API: an unknown token is 401, a blocked chat 403, an unknown chat or a too-long text 400, and `fail` injects
any answer (``fail_retry_after`` a 429 with ``parameters.retry_after``). ``getUpdates`` serves `deliver`ed updates to
a polling bot with the real offset semantics. Helpers build the updates Telegram would post to a webhook.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from typing import Any

from aiohttp import web

from tests.fakes.server import FakeServer, request_params

TOKEN = "123456:TEST-telegram-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "끼니", "username": "kkini_test_bot"}
MAX_TEXT = 4096
_counter = itertools.count(1)


def _decode(value: Any) -> Any:
    """PTB sends every non-string parameter JSON-encoded in a form field."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram(FakeServer):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.blocked: set[int] = set()
        self.missing: set[int] = set()
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {}
        self._message_ids = itertools.count(100)
        self._update_arrived = asyncio.Event()

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` takes: the token and method are appended to it."""
        return f"{self.url}/bot"

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    def fail_retry_after(self, method: str, seconds: int, times: int = 1) -> None:
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {seconds}",
            "parameters": {"retry_after": seconds},
        }
        self.fail(method, 429, body, times=times)

    def deliver(self, *updates: dict[str, Any]) -> None:
        """Queue updates for ``getUpdates`` (polling)."""
        self.updates.extend(updates)
        self._update_arrived.set()

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of the messages sent (not drafts), in order."""
        return [
            str(call.params.get("text", ""))
            for call in self.calls_to("sendMessage")
            if chat_id is None or call.params.get("chat_id") == chat_id
        ]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {key: _decode(value) for key, value in (await request_params(request)).items()}
        await self.record(method, params, request)
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        failure = self.failure_for(method)
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int):
            if chat_id in self.blocked:
                return _error(403, "Forbidden: bot was blocked by the user")
            if chat_id in self.missing:
                return _error(400, "Bad Request: chat not found")
        refused = _markup_error(params.get("reply_markup"))
        if refused is not None:
            return _error(400, refused)
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            return _error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = params
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        if offset:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), 1.0)
        if not self.updates and timeout:
            self._update_arrived.clear()
            try:
                await asyncio.wait_for(self._update_arrived.wait(), timeout)
            except TimeoutError:
                pass
        return self.updates[: int(params.get("limit") or 100)]

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text") or "")
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            return _error(400, "Bad Request: message is too long")
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": BOT_USER,
            "text": text,
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_sendMessageDraft(self, params: dict[str, Any]) -> Any:
        if int(params["chat_id"]) < 0:
            return _error(400, "Bad Request: drafts can be sent only to private chats")
        if not params.get("draft_id"):
            return _error(400, "Bad Request: draft_id must be non-zero")
        if len(str(params.get("text") or "")) > MAX_TEXT:
            return _error(400, "Bad Request: message is too long")
        return True

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        text = str(params.get("text") or "")
        if len(text) > MAX_TEXT:
            return _error(400, "Bad Request: message is too long")
        if text == message["text"] and params.get("reply_markup") == message.get("reply_markup"):
            return _error(400, "Bad Request: message is not modified")
        message["text"] = text
        message["edit_date"] = int(time.time())
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message


def _markup_error(markup: Any) -> str | None:
    """Telegram's refusal of an inline keyboard: each button needs a text and callback_data of 1-64 bytes."""
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not str(button.get("text") or "").strip():
                return "Bad Request: text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "사용자"}
    return {"id": chat_id, "type": "supergroup", "title": "끼니 모임"}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "사용자", "language_code": "ko"}


def message_update(
    text: str, *, chat_id: int = 1001, user_id: int | None = None, update_id: int | None = None
) -> dict[str, Any]:
    """An ``Update`` with a text message, as Telegram posts it to a webhook; commands get their entity."""
    message: dict[str, Any] = {
        "message_id": next(_counter),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(user_id if user_id is not None else abs(chat_id)),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id if update_id is not None else next(_counter), "message": message}


def callback_update(
    data: str, *, chat_id: int = 1001, user_id: int | None = None, message_id: int = 1, update_id: int | None = None
) -> dict[str, Any]:
    """An ``Update`` with a pressed inline button (a callback query) on a message the bot sent."""
    user = _user(user_id if user_id is not None else abs(chat_id))
    return {
        "update_id": update_id if update_id is not None else next(_counter),
        "callback_query": {
            "id": str(next(_counter)),
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": _chat(chat_id),
                "from": BOT_USER,
                "text": "이전 답변",
            },
        },
    }
