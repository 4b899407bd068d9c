"""KakaoTalk: a skill server for Kakao i Open Builder (skill response v2.0), written here.

A request must carry the configured ``X-Kakao-Skill-Key`` (401 otherwise). Kakao waits 5 seconds for a skill; kkini
answers within its budget (3.5 s by default) or, when the block has callbacks on (``userRequest.callbackUrl``),
replies ``useCallback`` and posts the full answer to the callback URL once, within its minute. Without a callback URL
a slow turn gets a short answer inside the budget and finishes in the background (the turn is stored all the same).

Kakao gives no delivery id, so a request's identity is its callback URL (unique per request) or, without one, a
hash of the whole body; a repeat within the window gets the first answer again instead of a second turn.

Limits kept (the platform rejects a response that breaks them): at most 3 outputs; simpleText at most 1,000
characters; a carousel of at most 10 basicCards with titles of at most 50 and descriptions of at most 230
characters and at most 3 buttons; at most 10 quick replies with labels of at most 14 characters.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bots.channels.middleware import Turns
from bots.channels.replies import EMPTY_MESSAGE, TOO_SLOW, WORKING, Gathered, shorten, split_text
from bots.settings import KakaoSettings
from dialogue.messages import Button, Card, IncomingMessage
from storage.kv import KeyValueStore
from storage.models import utcnow

logger = logging.getLogger(__name__)

CHANNEL = "kakao"
KEY_HEADER = "X-Kakao-Skill-Key"
MAX_OUTPUTS = 3
MAX_SIMPLE_TEXT = 1000
MAX_CAROUSEL = 10
MAX_CARD_TITLE = 50
MAX_CARD_DESCRIPTION = 230
MAX_CARD_BUTTONS = 3
MAX_QUICK_REPLIES = 10
MAX_LABEL = 14
CALLBACK_DEADLINE_S = 55.0
"""Kakao keeps a callback URL for one minute; the answer must be posted before then."""
BUTTONS_TTL_S = 3600.0
IN_PROGRESS = "\x00pending"


@dataclass(frozen=True, slots=True)
class SkillRequest:
    user: str
    utterance: str
    callback_url: str | None
    params: dict[str, str]
    payload: str | None

    @classmethod
    def parse(cls, body: object) -> SkillRequest:
        """The parts kkini reads; ValueError when the body is not a skill request."""
        if not isinstance(body, dict):
            raise ValueError("the body is not a JSON object")
        request = body.get("userRequest")
        if not isinstance(request, dict):
            raise ValueError("userRequest is missing")
        user = request.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        utterance = request.get("utterance")
        if not isinstance(user_id, str) or not user_id or not isinstance(utterance, str):
            raise ValueError("userRequest.user.id or userRequest.utterance is missing")
        callback = request.get("callbackUrl")
        action = body.get("action") if isinstance(body.get("action"), dict) else {}
        assert isinstance(action, dict)
        raw_params = action.get("params")
        params = {str(k): str(v) for k, v in raw_params.items()} if isinstance(raw_params, dict) else {}
        extra = action.get("clientExtra")
        payload = extra.get("payload") if isinstance(extra, dict) else None
        return cls(
            user_id,
            utterance.strip(),
            callback if isinstance(callback, str) and callback.startswith(("http://", "https://")) else None,
            params,
            payload if isinstance(payload, str) else None,
        )


class KakaoChannel:
    def __init__(self, settings: KakaoSettings, turns: Turns, kv: KeyValueStore, *, max_body_bytes: int) -> None:
        assert settings.skill_key is not None
        self.settings = settings
        self.turns = turns
        self.kv = kv
        self.max_body_bytes = max_body_bytes
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_post("/kakao/skill", self.skill)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def skill(self, request: web.Request) -> web.Response:
        assert self.settings.skill_key is not None
        given = request.headers.get(KEY_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.skill_key.get_secret_value().encode()):
            return web.json_response({"error": "wrong or missing skill key"}, status=401)
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            return web.json_response({"error": "body too large"}, status=413)
        raw = await request.content.read(self.max_body_bytes + 1)
        if len(raw) > self.max_body_bytes:
            return web.json_response({"error": "body too large"}, status=413)
        try:
            skill = SkillRequest.parse(json.loads(raw))
        except ValueError as error:
            return web.json_response({"error": f"not a skill request: {error}"}, status=400)
        identity = skill.callback_url or hashlib.sha256(raw).hexdigest()
        identity_key = hashlib.sha256(identity.encode()).hexdigest()[:32]
        if not await self.turns.first_delivery(CHANNEL, identity_key, self.settings.dedup_ttl_s):
            return web.json_response(await self._earlier_answer(identity_key))
        await self.kv.set(f"kakao-answer:{identity_key}", IN_PROGRESS, ttl=self.settings.dedup_ttl_s)
        response = await self._respond(skill, identity_key)
        return web.json_response(response)

    async def _respond(self, skill: SkillRequest, identity_key: str) -> dict[str, Any]:
        if not skill.utterance and skill.payload is None:
            return simple_response(EMPTY_MESSAGE)
        message = IncomingMessage(
            CHANNEL,
            skill.user,
            text=skill.utterance,
            payload=skill.payload or await self._pressed(skill),
            delivery_id=identity_key,
            received_at=utcnow(),
        )
        turn = asyncio.create_task(self._turn(message, identity_key))
        try:
            return await asyncio.wait_for(asyncio.shield(turn), self.settings.callback_budget_s)
        except TimeoutError:
            pass
        if skill.callback_url is not None:
            self._background(self._post_callback(turn, skill.callback_url))
            return {"version": "2.0", "useCallback": True, "data": {"text": WORKING}}
        self._background(_finish_quietly(turn))
        return simple_response(TOO_SLOW)

    async def _turn(self, message: IncomingMessage, identity_key: str) -> dict[str, Any]:
        gathered = Gathered()
        async for event in self.turns.events(message):
            gathered.add(event)
        if gathered.final is None:  # silenced by the rate limit: Kakao still needs a response
            response: dict[str, Any] = {"version": "2.0", "template": {"outputs": []}}
        else:
            response = render(gathered)
        buttons = [button for button in gathered.buttons]
        if buttons:
            labels = {_label(button.label): button.payload for button in buttons}
            labels.update({button.label: button.payload for button in buttons})
            await self.kv.set(f"kakao-buttons:{message.user}", json.dumps(labels, ensure_ascii=False), BUTTONS_TTL_S)
        await self.kv.set(
            f"kakao-answer:{identity_key}", json.dumps(response, ensure_ascii=False), ttl=self.settings.dedup_ttl_s
        )
        return response

    async def _pressed(self, skill: SkillRequest) -> str | None:
        """The payload of the button whose label the user sent, when it was one offered in the last answer."""
        raw = await self.kv.get(f"kakao-buttons:{skill.user}")
        if not raw:
            return None
        payload = json.loads(raw).get(skill.utterance)
        return payload if isinstance(payload, str) else None

    async def _earlier_answer(self, identity_key: str) -> dict[str, Any]:
        """A repeated request gets the first one's answer, waiting for it within the budget."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.callback_budget_s
        while True:
            stored = await self.kv.get(f"kakao-answer:{identity_key}")
            if stored and stored != IN_PROGRESS:
                answer: dict[str, Any] = json.loads(stored)
                return answer
            if loop.time() >= deadline:
                return simple_response(WORKING)
            await asyncio.sleep(0.05)

    async def _post_callback(self, turn: asyncio.Task[dict[str, Any]], url: str) -> None:
        """Post the finished answer to the callback URL once; a turn that misses the minute gets an apology."""
        try:
            response = await asyncio.wait_for(turn, CALLBACK_DEADLINE_S - self.settings.callback_budget_s)
        except TimeoutError:
            response = simple_response(TOO_SLOW)
        except Exception:
            logger.exception("kakao: the turn behind a callback failed")
            response = simple_response(TOO_SLOW)
        session = self._session
        if session is None or session.closed:
            session = self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            with self.turns.metrics.timed(CHANNEL, "send"):
                async with session.post(url, json=response) as answer:
                    if answer.status >= 400:
                        logger.warning("kakao: callback refused (%s): %s", answer.status, await answer.text())
        except (aiohttp.ClientError, TimeoutError) as error:
            # Not retried: Kakao accepts one post per callback URL, and a post that may have arrived must not repeat.
            logger.warning("kakao: posting to the callback URL failed: %r", error)

    def _background(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _finish_quietly(turn: asyncio.Task[dict[str, Any]]) -> None:
    try:
        await turn
    except Exception:
        logger.exception("kakao: a turn answered with a short reply failed afterwards")


def simple_response(text: str) -> dict[str, Any]:
    return {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": shorten(text, MAX_SIMPLE_TEXT)}}]}}


def render(gathered: Gathered) -> dict[str, Any]:
    """A skill response (v2.0) within Kakao's limits: the text, a carousel of cards, the quick replies."""
    outputs: list[dict[str, Any]] = []
    room_for_text = MAX_OUTPUTS - (1 if gathered.cards else 0)
    pieces = split_text(gathered.text, MAX_SIMPLE_TEXT) if gathered.text else []
    if len(pieces) > room_for_text:
        pieces = [*pieces[: room_for_text - 1], shorten(" ".join(pieces[room_for_text - 1 :]), MAX_SIMPLE_TEXT)]
    outputs.extend({"simpleText": {"text": piece}} for piece in pieces)
    if gathered.cards:
        outputs.append({"carousel": {"type": "basicCard", "items": [_card(c) for c in gathered.cards[:MAX_CAROUSEL]]}})
    template: dict[str, Any] = {"outputs": outputs}
    quick = [_quick_reply(button) for button in gathered.quick_replies[:MAX_QUICK_REPLIES]]
    if quick:
        template["quickReplies"] = quick
    return {"version": "2.0", "template": template}


def _card(card: Card) -> dict[str, Any]:
    item: dict[str, Any] = {
        "title": shorten(card.title, MAX_CARD_TITLE),
        "description": shorten(card.description, MAX_CARD_DESCRIPTION),
    }
    buttons = [
        {
            "action": "message",
            "label": _label(button.label),
            "messageText": button.label,
            "extra": {"payload": button.payload},
        }
        for button in card.buttons[:MAX_CARD_BUTTONS]
    ]
    if buttons:
        item["buttons"] = buttons
    return item


def _quick_reply(button: Button) -> dict[str, Any]:
    return {
        "label": _label(button.label),
        "action": "message",
        "messageText": button.label,
        "extra": {"payload": button.payload},
    }


def _label(text: str) -> str:
    return shorten(text, MAX_LABEL)
