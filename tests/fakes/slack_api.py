"""A local fake of the Slack Web API for slack_sdk's ``AsyncWebClient(base_url=fake.base_url)``, plus signing.

Requests go to ``/api/{method}`` with ``Authorization: Bearer {token}``, as JSON or form bodies. Answers follow the
real API: HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}`` (``invalid_auth``,
``channel_not_found``, ``user_not_found``, ``unknown_method``), and `fail_ratelimited` gives HTTP 429 with
``Retry-After``. Messages keep their text and blocks and are updated in place by ``chat.update``; chat streams
(``chat.startStream`` / ``appendStream`` / ``stopStream``) accumulate their markdown; ``views.open`` keeps each modal
in `FakeSlack.views` (``expired_trigger_id`` for a trigger in `expired_triggers`). `signed_headers` signs a
request body the way Slack signs deliveries to an app.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import FakeServer, request_params

TOKEN = "xoxb-test-slack-token"
SIGNING_SECRET = "test-signing-secret"
TEAM_ID = "T0KKINI"
BOT_USER_ID = "U0KKINIBOT"
_JSON_FIELDS = {"blocks", "attachments", "metadata", "chunks", "view"}
_event_ids = itertools.count(1)


@dataclass(slots=True)
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    streaming: bool = False
    updates: int = 0


class FakeSlack(FakeServer):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.messages: dict[tuple[str, str], Message] = {}
        self.unknown_users: set[str] = set()
        self.unknown_channels: set[str] = set()
        self.streaming_enabled = True
        self.channel_ids: dict[str, str] = {}
        self.views: list[dict[str, Any]] = []
        self.expired_triggers: set[str] = set()
        self._ts = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"{self.url}/api/"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._handle)

    def fail_ratelimited(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self.fail(
            method, 429, {"ok": False, "error": "ratelimited"}, headers={"Retry-After": str(retry_after)}, times=times
        )

    def fail_error(self, method: str, error: str, times: int = 1) -> None:
        """An ``ok: false`` answer (HTTP 200, as Slack answers most errors)."""
        self.fail(method, 200, {"ok": False, "error": error}, times=times)

    def in_channel(self, channel: str) -> list[Message]:
        channel = self.channel_ids.get(channel, channel)
        return [message for (chan, _), message in self.messages.items() if chan == channel]

    def _channel(self, name: object) -> str:
        """Slack accepts ``#name`` where a channel id is expected when posting, and answers with the id."""
        text = str(name)
        if text.startswith("#"):
            return self.channel_ids.setdefault(text, "C" + hashlib.sha256(text.encode()).hexdigest()[:8].upper())
        return text

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await request_params(request)
        for name in _JSON_FIELDS & params.keys():
            if isinstance(params[name], str):
                params[name] = json.loads(params[name])
        await self.record(method, params, request)
        failure = self.failure_for(method)
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _fail("invalid_auth")
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        channel = params.get("channel")
        if isinstance(channel, str) and channel in self.unknown_channels:
            return _fail("channel_not_found")
        if "blocks" in params and block_errors(params.get("blocks")):
            return web.json_response({"ok": False, "error": "invalid_blocks", "errors": block_errors(params["blocks"])})
        text = params.get("text")
        if isinstance(text, str) and len(text) > 40_000:
            return _fail("msg_too_long")
        result = handler(params)
        return result if isinstance(result, web.Response) else web.json_response({"ok": True, **result})

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _m_auth_test(self, params: dict[str, Any]) -> Any:
        return {
            "url": "https://kkini-test.slack.com/",
            "team": "kkini",
            "user": "kkini",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "B0KKINI",
            "is_enterprise_install": False,
        }

    def _m_conversations_open(self, params: dict[str, Any]) -> Any:
        users = str(params.get("users") or "")
        if not users or users in self.unknown_users:
            return _fail("user_not_found")
        return {"channel": {"id": "D" + users.lstrip("U")}}

    def _m_chat_postMessage(self, params: dict[str, Any]) -> Any:
        if not params.get("text") and not params.get("blocks"):
            return _fail("no_text")
        message = Message(
            self._channel(params["channel"]),
            self._next_ts(),
            str(params.get("text") or ""),
            list(params.get("blocks") or []),
            params.get("thread_ts"),
        )
        self.messages[(message.channel, message.ts)] = message
        return {"channel": message.channel, "ts": message.ts, "message": {"text": message.text, "ts": message.ts}}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> Any:
        return {"message_ts": self._next_ts()}

    def _m_chat_update(self, params: dict[str, Any]) -> Any:
        message = self.messages.get((str(params.get("channel")), str(params.get("ts"))))
        if message is None:
            return _fail("message_not_found")
        if message.streaming:  # a streaming message changes only through appendStream / stopStream
            return _fail("cant_update_message")
        if "text" in params:
            message.text = str(params["text"])
        if "blocks" in params:
            message.blocks = list(params["blocks"] or [])
        message.updates += 1
        return {"channel": message.channel, "ts": message.ts, "text": message.text}

    def _m_views_open(self, params: dict[str, Any]) -> Any:
        view, trigger = params.get("view"), str(params.get("trigger_id") or "")
        if not trigger or not isinstance(view, dict) or view.get("type") != "modal" or not view.get("title"):
            return _fail("invalid_arguments")
        if trigger in self.expired_triggers:
            return _fail("expired_trigger_id")
        opened = {"id": f"V{len(self.views) + 1:08d}", "state": {"values": {}}, "hash": "1.0", **view}
        self.views.append(opened)
        return {"view": opened}

    def _m_chat_startStream(self, params: dict[str, Any]) -> Any:
        if not self.streaming_enabled:
            return _fail("unknown_method")
        if not params.get("thread_ts"):
            return _fail("invalid_arguments")
        message = Message(
            str(params["channel"]), self._next_ts(), str(params.get("markdown_text") or ""), [], params["thread_ts"]
        )
        message.streaming = True
        self.messages[(message.channel, message.ts)] = message
        return {"channel": message.channel, "ts": message.ts}

    def _m_chat_appendStream(self, params: dict[str, Any]) -> Any:
        message = self.messages.get((str(params.get("channel")), str(params.get("ts"))))
        if message is None or not message.streaming:
            return _fail("message_not_in_streaming_state")
        message.text += str(params.get("markdown_text") or "")
        message.updates += 1
        return {"channel": message.channel, "ts": message.ts}

    def _m_chat_stopStream(self, params: dict[str, Any]) -> Any:
        message = self.messages.get((str(params.get("channel")), str(params.get("ts"))))
        if message is None or not message.streaming:
            return _fail("message_not_in_streaming_state")
        message.text += str(params.get("markdown_text") or "")
        message.blocks = list(params.get("blocks") or [])
        message.streaming = False
        return {"channel": message.channel, "ts": message.ts, "message": {"text": message.text, "ts": message.ts}}


def block_errors(blocks: Any) -> list[str]:
    """Block Kit's limits as Slack enforces them: at most 50 blocks; section text 1-3,000 characters; context
    elements at most 10; actions elements at most 25, buttons with text of 1-75 characters, values of at most 2,000
    and action_ids of at most 255."""
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    errors = [] if len(blocks) <= 50 else ["no more than 50 items allowed [json-pointer:/blocks]"]
    for index, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{index}"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "section":
            text = (block.get("text") or {}).get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= 3000:
                errors.append(f"must be between 1 and 3000 characters {where}/text/text]")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                errors.append(f"must have between 1 and 10 elements {where}/elements]")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                errors.append(f"must have between 1 and 25 elements {where}/elements]")
            for number, element in enumerate(elements):
                label = (element.get("text") or {}).get("text", "")
                if not 1 <= len(label) <= 75 or len(str(element.get("value", ""))) > 2000:
                    errors.append(f"invalid button {where}/elements/{number}]")
                if len(str(element.get("action_id", ""))) > 255:
                    errors.append(f"action_id too long {where}/elements/{number}/action_id]")
        elif kind not in ("divider", "header", "image", "input", "rich_text", "markdown"):
            errors.append(f"unknown block type {where}/type]")
    return errors


def _fail(error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error})


def signed_headers(
    body: bytes | str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None, content_type: str | None = None
) -> dict[str, str]:
    """The headers Slack sends with a delivery: ``v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``."""
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type
        or ("application/json" if raw.startswith(b"{") else "application/x-www-form-urlencoded"),
    }


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An Events API ``event_callback`` envelope around ``event``."""
    return {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "api_app_id": "A0KKINI",
        "event": {"event_ts": event.get("ts", "1.0"), **event},
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }
