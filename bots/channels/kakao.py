"""KakaoTalk: a skill server for Kakao i Open Builder (skill response v2.0), written here.

A request must carry the configured ``X-Kakao-Skill-Key`` (401 otherwise). Kakao waits 5 seconds for a skill; kkini
answers within its budget (3.5 s by default) or, when the block has callbacks on (``userRequest.callbackUrl``),
replies ``useCallback`` and posts the full answer to the callback URL once, within its minute. Without a callback URL
a slow turn gets a short answer inside the budget and finishes in the background (the turn is stored all the same).

Kakao gives no delivery id, so a request's identity is its callback URL (unique per request) or, without one, a
hash of the whole body; a repeat within the window gets the first answer again instead of a second turn.

Every request is written to the durable inbox (`bots.inbox`) before its turn starts, held by this process while it
answers: when the process dies during a callback turn, another worker takes the request after its lease, runs the
turn and posts the answer to the callback URL while it is still valid; the answer is posted at most once. A store
that does not answer makes the route answer 503.

Limits kept (the platform rejects a response that breaks them): 1 to 3 outputs, never none (a silenced turn and a
callback post get a simpleText too); simpleText at most 1,000 characters; cards as a carousel of at most 10
textCards (a basicCard would need a thumbnail image, which kkini's cards do not have) with titles of at most 50 and
descriptions of at most 230 characters and at most 3 buttons; at most 10 quick replies with labels of at most 14
characters. A callback post is answered with JSON whose ``status`` says whether Kakao took it (``SUCCESS``); any
other status is logged with Kakao's message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bots.channels.adapter import BackgroundTasks
from bots.channels.middleware import Turns
from bots.channels.replies import EMPTY_MESSAGE, RATE_LIMITED, TOO_SLOW, WORKING, Gathered, shorten, split_text
from bots.http.bodies import BodyRefused, read_bounded
from bots.inbox import Delivery, InboxUnavailable
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
NO_WORDS = "아래에서 골라 주세요."
"""The output of a reply that has nothing to say in words, since a response needs one."""
IN_PROGRESS = "\x00pending"


@dataclass(frozen=True, slots=True)
class SkillRequest:
    user: str
    utterance: str
    callback_url: str | None
    params: dict[str, str]
    payload: str | None
    key: str = ""
    """The request's identity (Kakao gives no delivery id): a hash of its callback URL, or of the whole body."""

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
    """The `ChannelAdapter` for KakaoTalk's skill server."""

    channel = CHANNEL

    def __init__(self, settings: KakaoSettings, turns: Turns, kv: KeyValueStore) -> None:
        assert settings.skill_key is not None
        self.settings = settings
        self.turns = turns
        self.kv = kv
        self.tasks = BackgroundTasks(CHANNEL)
        self._session: aiohttp.ClientSession | None = None

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_post("/kakao/skill", self.skill)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

    async def stop(self) -> None:
        await self.tasks.close()  # callbacks still to post get their grace first
        if self._session is not None:
            await self._session.close()

    async def skill(self, request: web.Request) -> web.Response:
        assert self.settings.skill_key is not None
        given = request.headers.get(KEY_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.skill_key.get_secret_value().encode()):
            return web.json_response({"error": "wrong or missing skill key"}, status=401)
        try:
            raw = await read_bounded(request)
        except BodyRefused as refused:
            return refused.response()
        try:
            skill = self.parse(raw)
        except ValueError as error:
            return web.json_response({"error": f"not a skill request: {error}"}, status=400)
        if not skill.utterance and skill.payload is None:
            return web.json_response(simple_response(EMPTY_MESSAGE))
        try:
            delivery = await self.turns.inbox.accept(CHANNEL, skill.key, {"skill": json.loads(raw)}, hold=True)
        except InboxUnavailable:
            return web.json_response({"error": "storage unavailable, try again"}, status=503)
        if delivery is None:
            return web.json_response(await self._earlier_answer(skill.key))
        await self.kv.set(f"kakao-answer:{skill.key}", IN_PROGRESS, ttl=self.settings.dedup_ttl_s)
        response = await self._respond(skill, delivery)
        return web.json_response(response)

    def parse(self, raw: bytes) -> SkillRequest:
        """The skill request in a body, its identity `SkillRequest.key` with it; ``ValueError`` when it is none."""
        skill = SkillRequest.parse(json.loads(raw))
        identity = skill.callback_url or hashlib.sha256(raw).hexdigest()
        return dataclasses.replace(skill, key=hashlib.sha256(identity.encode()).hexdigest()[:32])

    async def identity(self, request: SkillRequest) -> IncomingMessage:
        """The user's words, or the payload of the button whose label they sent."""
        return IncomingMessage(
            CHANNEL,
            request.user,
            text=request.utterance,
            payload=request.payload or await self._pressed(request),
            delivery_id=request.key,
            received_at=utcnow(),
        )

    async def render(self, gathered: Gathered) -> dict[str, Any]:
        """A skill response within Kakao's limits; a silenced turn still gets one output, as Kakao needs."""
        if gathered.final is None:  # silenced by the rate limit: Kakao still needs a response, with 1-3 outputs
            return simple_response(RATE_LIMITED)
        return render(gathered)

    async def send(self, request: SkillRequest, reply: dict[str, Any]) -> None:
        """Post a late answer to the request's callback URL (once: Kakao takes one post per URL)."""
        assert request.callback_url is not None
        session = self._session
        if session is None or session.closed:
            session = self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            with self.turns.metrics.timed(CHANNEL, "send"):
                async with session.post(request.callback_url, json=reply) as answer:
                    text = await answer.text()
                    status = _callback_status(text)
                    if answer.status >= 400 or status != "SUCCESS":
                        logger.warning(
                            "kakao: callback refused (HTTP %s, status %s): %s", answer.status, status, text[:500]
                        )
        except (aiohttp.ClientError, TimeoutError) as error:
            # Not retried: Kakao accepts one post per callback URL, and a post that may have arrived must not repeat.
            logger.warning("kakao: posting to the callback URL failed: %r", error)

    async def _respond(self, skill: SkillRequest, delivery: Delivery) -> dict[str, Any]:
        """The answer within the budget, or ``useCallback`` and the answer posted later; the delivery is finished
        in the background once the turn (and its callback) is."""
        message = await self.identity(skill)
        turn = asyncio.create_task(self._turn(message, delivery.delivery_id))
        late: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.tasks.spawn(self.turns.inbox.process(delivery, lambda: self._complete(turn, late, skill, delivery)))
        try:
            answer = await asyncio.wait_for(asyncio.shield(turn), self.settings.callback_budget_s)
        except TimeoutError:
            pass
        else:
            late.set_result(None)
            return answer
        late.set_result(skill.callback_url)
        if skill.callback_url is not None:
            return {"version": "2.0", "useCallback": True, "data": {"text": WORKING}}
        return simple_response(TOO_SLOW)

    async def process(self, delivery: Delivery) -> None:
        """A request whose process died before it was finished: when its callback URL is still valid, run the turn
        again and post the answer there; otherwise Kakao has its answer (or can no longer take one)."""
        skill = dataclasses.replace(SkillRequest.parse(delivery.payload["skill"]), key=delivery.delivery_id)
        age = time.time() - delivery.received_at
        if skill.callback_url is None or age >= CALLBACK_DEADLINE_S:
            logger.warning("kakao: request %s taken again too late to answer (%.0f s)", delivery.delivery_id, age)
            return
        turn = asyncio.create_task(self._turn(await self.identity(skill), delivery.delivery_id))
        await self._post_callback(turn, skill, delivery, deadline_s=CALLBACK_DEADLINE_S - age)

    async def _complete(
        self,
        turn: asyncio.Task[dict[str, Any]],
        late: asyncio.Future[str | None],
        skill: SkillRequest,
        delivery: Delivery,
    ) -> None:
        """Wait for the turn; when it missed the budget and Kakao is waiting on a callback, post the answer there."""
        callback_url = await late
        if callback_url is not None:
            await self._post_callback(
                turn, skill, delivery, deadline_s=CALLBACK_DEADLINE_S - self.settings.callback_budget_s
            )
            return
        try:
            await turn
        except Exception:
            logger.exception("kakao: a turn answered with a short reply failed afterwards")

    async def _turn(self, message: IncomingMessage, identity_key: str) -> dict[str, Any]:
        gathered = Gathered()
        async for event in self.turns.events(message):
            gathered.add(event)
        response = await self.render(gathered)
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

    async def _post_callback(
        self, turn: asyncio.Task[dict[str, Any]], skill: SkillRequest, delivery: Delivery, *, deadline_s: float
    ) -> None:
        """Post the finished answer to the callback URL once; a turn that misses the minute gets an apology."""
        try:
            response = await asyncio.wait_for(turn, max(deadline_s, 0.1))
        except TimeoutError:
            response = simple_response(TOO_SLOW)
        except Exception:
            logger.exception("kakao: the turn behind a callback failed")
            response = simple_response(TOO_SLOW)
        gate = self.turns.inbox.gate(CHANNEL, delivery.delivery_id)
        if not await gate.opens():
            return  # an earlier attempt at this request posted its answer
        await self.send(skill, response)
        await gate.delivered()  # also after a failed post: one that may have arrived must not repeat


def _callback_status(text: str) -> str | None:
    """The ``status`` of Kakao's answer to a callback post (``SUCCESS``, ``FAIL``, ``ERROR``), None when unreadable."""
    try:
        body = json.loads(text)
    except ValueError:
        return None
    status = body.get("status") if isinstance(body, dict) else None
    return status if isinstance(status, str) else None


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
        outputs.append({"carousel": {"type": "textCard", "items": [_card(c) for c in gathered.cards[:MAX_CAROUSEL]]}})
    if not outputs:  # a reply without words (only quick replies): Kakao takes no response without an output
        outputs.append({"simpleText": {"text": NO_WORDS}})
    template: dict[str, Any] = {"outputs": outputs}
    quick = [_quick_reply(button) for button in gathered.quick_replies[:MAX_QUICK_REPLIES]]
    if quick:
        template["quickReplies"] = quick
    return {"version": "2.0", "template": template}


def _card(card: Card) -> dict[str, Any]:
    """A textCard: a title or a description is required (kkini's cards always have a title)."""
    item: dict[str, Any] = {"title": shorten(card.title, MAX_CARD_TITLE) or "가게"}
    if card.description:
        item["description"] = shorten(card.description, MAX_CARD_DESCRIPTION)
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
