"""A local fake of Kakao's chatbot APIs: the Event API (pushes) and the callback URLs of skill requests.

``POST /v2/bots/{bot_id}/talk`` with ``Authorization: KakaoAK {rest_api_key}`` and ``{"event": {"name", "data"?},
"user": [{"type", "id"}], "params"?}`` answers ``{"taskId", "status": "SUCCESS", "message", "timestamp"}``; a wrong
key is 401, a malformed body 400, and `fail` injects anything else (429 with ``Retry-After``, 5xx).
`callback_url` hands out a one-time URL, as Kakao puts into ``userRequest.callbackUrl``: it accepts one v2.0
response within a minute and refuses a second. `skill_request` builds a skill payload as Open Builder sends it.
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
            return web.json_response({"status": "FAIL", "message": "callback already used"}, status=400)
        if time.monotonic() - callback.issued_at > CALLBACK_TTL_S:
            return web.json_response({"status": "FAIL", "message": "callback expired"}, status=400)
        if body.get("version") != "2.0" or not isinstance(body.get("template"), dict):
            return web.json_response({"status": "FAIL", "message": "invalid skill response"}, status=400)
        callback.responses.append(body)
        async with self._callback_posted:
            self._callback_posted.notify_all()
        return web.json_response(
            {"taskId": uuid.uuid4().hex, "status": "SUCCESS", "message": "", "timestamp": int(time.time() * 1000)}
        )


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
