"""A local fake of Kakao's chatbot APIs: the Event API (pushes) and the callback URLs of skill requests.

``POST /v2/bots/{bot_id}/talk`` with ``Authorization: KakaoAK {rest_api_key}`` and ``{"event": {"name", "data"?},
"user": [{"type", "id"}], "params"?}`` answers ``{"taskId", "status": "SUCCESS", "message", "timestamp"}``; a wrong
key is 401, a malformed body 400, and `fail` injects anything else (429 with ``Retry-After``, 5xx).
`callback_url` hands out a one-time URL, as Kakao puts into ``userRequest.callbackUrl``: it accepts one v2.0
response within a minute and refuses a second; a response that breaks the skill template rules is answered with
``"status": "FAIL"`` and the reason. `skill_request` builds a skill payload as Open Builder sends it.

`template_errors` checks a skill response against Kakao's documented rules (skill response format v2.0): version
"2.0"; 1 to 3 outputs; simpleText 1-1,000 characters; textCard with a title (50) or a description (400; 230 in a
carousel), at most 3 buttons; basicCard with a thumbnail ``imageUrl``; a carousel of 1-10 items of one card type;
buttons and quick replies with a label of 1-14 characters and the field their action needs; at most 10 quick replies.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import FakeServer, request_params

REST_API_KEY = "test-kakao-rest-key"
BOT_ID = "kkini-test-bot"
SKILL_KEY = "test-kakao-skill-key"
CALLBACK_TTL_S = 60.0
USER_TYPES = {"botUserKey", "plusfriendUserKey", "appUserId"}
_ids = itertools.count(1)
OUTPUT_TYPES = {
    "simpleText",
    "simpleImage",
    "textCard",
    "basicCard",
    "commerceCard",
    "listCard",
    "itemCard",
    "carousel",
}
CAROUSEL_TYPES = {"textCard", "basicCard", "commerceCard", "listCard", "itemCard"}
BUTTON_NEEDS = {
    "webLink": "webLinkUrl",
    "message": "messageText",
    "phone": "phoneNumber",
    "block": "blockId",
    "osLink": "osLink",
    "share": None,
    "operator": None,
    "addChannel": None,
}


def template_errors(body: Any) -> list[str]:
    """What Kakao would refuse in the skill response ``body``; empty when it is valid."""
    if not isinstance(body, dict) or body.get("version") != "2.0":
        return ['version must be "2.0"']
    if body.get("useCallback") is True and "template" not in body:
        return []
    template = body.get("template")
    if not isinstance(template, dict):
        return ["template is required"]
    errors: list[str] = []
    outputs = template.get("outputs")
    if not isinstance(outputs, list) or not 1 <= len(outputs) <= 3:
        errors.append("template.outputs must hold 1 to 3 components")
        outputs = outputs if isinstance(outputs, list) else []
    for index, output in enumerate(outputs):
        kinds = [key for key in output if key in OUTPUT_TYPES] if isinstance(output, dict) else []
        if len(kinds) != 1 or len(output) != 1:
            errors.append(f"outputs[{index}] must be exactly one component")
            continue
        kind = kinds[0]
        errors += _component_errors(kind, output[kind], f"outputs[{index}].{kind}", in_carousel=False)
    replies = template.get("quickReplies", [])
    if not isinstance(replies, list) or len(replies) > 10:
        errors.append("quickReplies: at most 10")
        replies = []
    for index, reply in enumerate(replies):
        where = f"quickReplies[{index}]"
        errors += _label_errors(reply, where)
        action = reply.get("action") if isinstance(reply, dict) else None
        if action not in ("message", "block"):
            errors.append(f"{where}.action must be message or block")
        elif not reply.get("messageText" if action == "message" else "blockId"):
            errors.append(f"{where}: action {action} needs {'messageText' if action == 'message' else 'blockId'}")
    return errors


def _component_errors(kind: str, value: Any, where: str, *, in_carousel: bool) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where} must be an object"]
    errors: list[str] = []
    if kind == "simpleText":
        text = value.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 1000:
            errors.append(f"{where}.text must have 1 to 1000 characters")
    elif kind == "carousel":
        if in_carousel:
            return [f"{where}: a carousel cannot hold a carousel"]
        card_type, items = value.get("type"), value.get("items")
        if card_type not in CAROUSEL_TYPES:
            errors.append(f"{where}.type must be one of {sorted(CAROUSEL_TYPES)}")
        if not isinstance(items, list) or not 1 <= len(items) <= 10:
            errors.append(f"{where}.items must hold 1 to 10 cards")
            items = []
        for number, item in enumerate(items):
            errors += _component_errors(str(card_type), item, f"{where}.items[{number}]", in_carousel=True)
    elif kind in ("textCard", "basicCard"):
        title, description = value.get("title"), value.get("description")
        limit = 230 if in_carousel or kind == "basicCard" else 400
        if kind == "textCard" and not title and not description:
            errors.append(f"{where}: a textCard needs a title or a description")
        if title is not None and (not isinstance(title, str) or len(title) > 50):
            errors.append(f"{where}.title: at most 50 characters")
        if description is not None and (not isinstance(description, str) or len(description) > limit):
            errors.append(f"{where}.description: at most {limit} characters")
        if kind == "basicCard":
            thumbnail = value.get("thumbnail")
            url = thumbnail.get("imageUrl") if isinstance(thumbnail, dict) else None
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                errors.append(f"{where}.thumbnail.imageUrl is required")
        buttons = value.get("buttons", [])
        if not isinstance(buttons, list) or len(buttons) > 3:
            errors.append(f"{where}.buttons: at most 3")
            buttons = []
        for number, button in enumerate(buttons):
            errors += _button_errors(button, f"{where}.buttons[{number}]")
    return errors


def _label_errors(item: Any, where: str) -> list[str]:
    label = item.get("label") if isinstance(item, dict) else None
    if not isinstance(label, str) or not 1 <= len(label) <= 14:
        return [f"{where}.label must have 1 to 14 characters"]
    return []


def _button_errors(button: Any, where: str) -> list[str]:
    errors = _label_errors(button, where)
    action = button.get("action") if isinstance(button, dict) else None
    if action not in BUTTON_NEEDS:
        return [*errors, f"{where}.action {action!r} is not a button action"]
    needed = BUTTON_NEEDS[action]
    if needed is not None and not button.get(needed):
        errors.append(f"{where}: action {action} needs {needed}")
    return errors


@dataclass(slots=True)
class Callback:
    token: str
    issued_at: float
    responses: list[dict[str, Any]] = field(default_factory=list)


class FakeKakao(FakeServer):
    def __init__(self, rest_api_key: str = REST_API_KEY, bot_id: str = BOT_ID) -> None:
        super().__init__()
        self.rest_api_key = rest_api_key
        self.bot_id = bot_id
        self.callbacks: dict[str, Callback] = {}
        self.refused: list[dict[str, Any]] = []
        """Callback posts answered with ``status: FAIL`` for breaking the template rules."""
        self._callback_posted = asyncio.Condition()

    @property
    def base_url(self) -> str:
        """The Event API root (``KKINI_KAKAO__EVENT_API_BASE_URL``)."""
        return self.url

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/bots/{bot_id}/talk", self._talk)
        app.router.add_post("/callback/{token}", self._callback)

    def callback_url(self) -> str:
        token = uuid.uuid4().hex
        self.callbacks[token] = Callback(token, time.monotonic())
        return f"{self.url}/callback/{token}"

    def pushes(self) -> list[dict[str, Any]]:
        return [call.params for call in self.calls_to("talk")]

    async def wait_for_callback(self, url: str, within: float = 5.0) -> dict[str, Any]:
        """The first response posted to the callback ``url``."""
        callback = self.callbacks[url.rsplit("/", 1)[-1]]

        async def posted() -> dict[str, Any]:
            async with self._callback_posted:
                await self._callback_posted.wait_for(lambda: bool(callback.responses))
            return callback.responses[0]

        return await asyncio.wait_for(posted(), within)

    async def _talk(self, request: web.Request) -> web.Response:
        params = await request_params(request) if request.content_type == "application/json" else {}
        await self.record("talk", params, request)
        failure = self.failure_for("talk")
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if request.headers.get("Authorization") != f"KakaoAK {self.rest_api_key}":
            return web.json_response({"status": "FAIL", "message": "invalid rest api key"}, status=401)
        if request.match_info["bot_id"] != self.bot_id:
            return web.json_response({"status": "FAIL", "message": "bot not found"}, status=404)
        event, users = params.get("event"), params.get("user")
        valid = (
            isinstance(event, dict)
            and isinstance(event.get("name"), str)
            and isinstance(users, list)
            and 1 <= len(users) <= 100
            and all(isinstance(user, dict) and user.get("type") in USER_TYPES and user.get("id") for user in users)
        )
        if not valid:
            return web.json_response({"status": "FAIL", "message": "invalid request body"}, status=400)
        return web.json_response(
            {"taskId": uuid.uuid4().hex, "status": "SUCCESS", "message": "", "timestamp": int(time.time() * 1000)}
        )

    async def _callback(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        body = await request_params(request) if request.content_type == "application/json" else {}
        await self.record("callback", {"token": token, **body}, request)
        callback = self.callbacks.get(token)
        if callback is None:
            return web.json_response({"status": "FAIL", "message": "unknown callback token"}, status=404)
        if callback.responses:
            return web.json_response({"status": "FAIL", "message": "callback already used", "timestamp": _now_ms()})
        if time.monotonic() - callback.issued_at > CALLBACK_TTL_S:
            return web.json_response({"status": "FAIL", "message": "callback expired", "timestamp": _now_ms()})
        errors = template_errors(body) if isinstance(body.get("template"), dict) else ["template is required"]
        if errors:
            self.refused.append(body)
            return web.json_response(
                {"taskId": uuid.uuid4().hex, "status": "FAIL", "message": "; ".join(errors), "timestamp": _now_ms()}
            )
        callback.responses.append(body)
        async with self._callback_posted:
            self._callback_posted.notify_all()
        return web.json_response(
            {"taskId": uuid.uuid4().hex, "status": "SUCCESS", "message": "", "timestamp": int(time.time() * 1000)}
        )


def _now_ms() -> int:
    return int(time.time() * 1000)


def skill_request(
    utterance: str,
    *,
    user_id: str = "kakao-user-1",
    callback_url: str | None = None,
    params: dict[str, str] | None = None,
    client_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A skill request as Kakao i Open Builder posts it (v2.0)."""
    block = {"id": "block-fallback", "name": "폴백 블록"}
    user_request: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "params": {"ignoreMe": "true"},
        "block": block,
        "utterance": utterance,
        "lang": "ko",
        "user": {
            "id": user_id,
            "type": "botUserKey",
            "properties": {"botUserKey": user_id, "bot_user_key": user_id, "plusfriendUserKey": f"pf-{user_id}"},
        },
    }
    if callback_url is not None:
        user_request["callbackUrl"] = callback_url
    return {
        "intent": {"id": block["id"], "name": block["name"]},
        "userRequest": user_request,
        "bot": {"id": BOT_ID, "name": "끼니"},
        "action": {
            "name": "kkini_skill",
            "clientExtra": client_extra,
            "params": params or {},
            "id": f"action-{next(_ids)}",
            "detailParams": {
                name: {"origin": value, "value": value, "groupName": ""} for name, value in (params or {}).items()
            },
        },
        "contexts": [],
    }
