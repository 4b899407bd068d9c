"""Slack for store staff: slack-bolt's AsyncApp, dispatched from our aiohttp route.

Every request's signature is checked first (401 otherwise). An Events API delivery (``event_callback``, nearly all of
the traffic) needs nothing but an HTTP 200 within Slack's 3 seconds, so the route writes it to the durable inbox
(`bots.inbox`) as soon as the signature holds, answers, and a worker hands it to Bolt (Bolt's
``process_before_response=False``, with the acknowledgement taken out of its middleware chain: a cold authorisation
or a busy listener never delays it). A process that dies mid-turn loses nothing: another worker takes the event
after its lease. An event whose event_id was seen before (Slack retries up to three times when an answer is late,
with ``X-Slack-Retry-Num``) is acknowledged without work, by set membership; a store that does not answer makes
the route answer 503, so Slack delivers again. Everything else
(slash commands, buttons, url_verification) is dispatched by Bolt while Slack waits, since its answer may matter.
Bolt authorises with one shared ``auth.test`` result, fetched once however many requests arrive together, and every
Web API call goes through one connection pool. With ``socket_mode`` (``kkini serve --slack-socket``, for development
without a public URL) the same app also receives everything over Socket Mode (`bots.channels.slack_socket`), with the
same de-duplication: an event is answered once whichever way, and however often, it arrives.

- Mentions and direct messages are answered by the ``seller`` assistant in a thread, streamed with
  chat.startStream / appendStream / stopStream, or posted and updated with chat.update where streaming is refused.
- ``/kkini soldout 메뉴``, ``/kkini restock 메뉴``, ``/kkini open|close|break|auto``, ``/kkini menu``: the shop is the
  one whose ``slack_channel`` is the channel the command was typed in.
- Orders: `SlackStaffBoard` posts each order in its shop's channel with Accept / Reject / Ready buttons and updates
  the message in place; the buttons go to the ordering service's `StaffActions`. Accept and Ready take one click;
  Reject opens a modal asking why (the customer is told the reason), and the order is rejected when it is submitted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlmodel import col, select

from bots.channels.middleware import Turns
from bots.channels.replies import Gathered
from bots.channels.slack_socket import BoltRequestSpec, SlackSocketMode, socket_app_token
from bots.channels.slack_text import escape, escaped_pieces, section_text
from bots.inbox import Delivery, InboxUnavailable, ReplyGate
from bots.settings import SlackSettings
from dialogue.korean import particle, won
from dialogue.messages import IncomingMessage, TextDelta
from dialogue.ordering.staff import StaffActions, StaffOrder
from storage.database import Database
from storage.hours import local_time
from storage.models import MenuItem, Order, OrderStatus, Shop, StatusOverride, utcnow

logger = logging.getLogger(__name__)

CHANNEL = "slack"
MAX_TEXT = 3000
MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
STREAM_BUFFER = 120
"""Characters gathered before one appendStream call (fewer calls, same text)."""
BREAK = timedelta(hours=1)
ORDER_STATUS = {
    "placed": "🆕 새 주문",
    "accepted": "👩‍🍳 수락함 · 조리 중",
    "rejected": "❌ 거절함",
    "ready": "✅ 준비 완료 · 손님을 기다리는 중",
    "picked_up": "🙌 손님이 받아 감",
    "cancelled": "🚫 손님이 취소함",
}
REF_SEPARATOR = "|"
"""A staff message reference is ``{channel id}|{ts}``."""
ORDER_ACTIONS = {"order_accept": "accepted", "order_ready": "ready"}
"""One-click buttons; ``order_reject`` opens `reject_view` instead, since the customer is told why."""
REJECT_VIEW = "order_reject_reason"
REJECT_CHOICE = "reject_choice"
REJECT_TEXT = "reject_text"
REJECT_REASONS = ("품절된 메뉴가 있어요", "재료가 떨어졌어요", "곧 마감이에요", "주문이 너무 많아요")
MAX_REASON = 200
"""The ordering desk keeps at most this many characters of a reason."""
NOT_REJECTABLE = {
    "accepted": "이미 수락된",
    "rejected": "이미 거절된",
    "ready": "이미 준비가 끝난",
    "picked_up": "손님이 이미 받아 간",
    "cancelled": "손님이 이미 취소한",
}
COMMAND_HELP = (
    "쓸 수 있는 명령이에요.\n"
    "• /kkini soldout 메뉴이름 — 품절로 표시\n"
    "• /kkini restock 메뉴이름 — 품절 해제\n"
    "• /kkini open | close | break | auto — 영업 중 / 영업 종료 / 브레이크 타임(1시간) / 영업시간대로\n"
    "• /kkini menu — 메뉴와 품절 상태 보기"
)


class SlackChannel:
    def __init__(
        self,
        settings: SlackSettings,
        turns: Turns,
        db: Database,
        *,
        staff: StaffActions | None = None,
        socket_mode: bool = False,
    ) -> None:
        assert settings.bot_token is not None and settings.signing_secret is not None
        self.app_token = socket_app_token(settings) if socket_mode else None
        self.settings = settings
        self.turns = turns
        self.db = db
        self.staff = staff
        self.token = settings.bot_token.get_secret_value()
        self.verifier = SignatureVerifier(settings.signing_secret.get_secret_value())
        self.client = AsyncWebClient(token=self.token, base_url=settings.api_base_url)
        # Bolt's own client carries no token: `_authorize` gives each request the bot token with the cached identity.
        self._bolt_client = AsyncWebClient(base_url=settings.api_base_url)

        async def authorize(user_id: str | None) -> AuthorizeResult:  # Bolt passes arguments by their names
            return await self._authorize(user_id)

        self.app = AsyncApp(
            signing_secret=settings.signing_secret.get_secret_value(),
            client=self._bolt_client,
            authorize=authorize,
            process_before_response=False,
        )
        self.board = SlackStaffBoard(self.client)
        self._identity: AsyncSlackResponse | None = None
        self._identity_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.socket: SlackSocketMode | None = None
        self._add_listeners()

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_post("/slack/events", self.events)

    async def start(self) -> None:
        """One connection pool for every Web API call (slack_sdk opens a session per call without one), and the
        bot's identity fetched in the background before the first event needs it (again on a request if it failed)."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.client.timeout))
        self.client.session = self._bolt_client.session = self._session
        self._background(self._learn_identity())
        if self.app_token is not None:
            self.socket = SlackSocketMode(self.app, self.app_token, self.client, self._accept_event)
            self._background(self.socket.run())

    async def _learn_identity(self) -> None:
        try:
            await self._bot_identity()
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            logger.warning("slack: auth.test failed at start (%r); retrying on the first request", error)

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()
            self.socket = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            self.client.session = self._bolt_client.session = None
            await self._session.close()
            self._session = None

    async def events(self, request: web.Request) -> web.Response:
        raw = await request.read()  # within KKINI_CHANNELS__MAX_BODY_BYTES and nesting limits (bots.http.bodies)
        headers = request.headers
        if not self._signed(raw, headers):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "body is not UTF-8"}, status=400)
        envelope = _json_object(body)
        if envelope is not None and envelope.get("type") == "event_callback":
            spec = BoltRequestSpec("http", body, request.query_string, dict(headers))
            try:
                accepted = await self._accept_event(envelope, spec)
            except InboxUnavailable:
                return web.json_response({"error": "storage unavailable, deliver again"}, status=503)
            if not accepted:
                return web.json_response({"error": "an event_callback needs an event_id and an event"}, status=400)
            return web.Response(status=200)
        try:
            answer = await self.app.async_dispatch(
                AsyncBoltRequest(body=body, query=request.query_string, headers=dict(headers))
            )
        except Exception:
            # Bolt answers malformed bodies itself; anything else is ours to log, not Slack's to retry forever.
            logger.exception("slack: dispatching a request failed")
            return web.json_response({"error": "could not handle the request"}, status=400)
        return _aiohttp_response(answer)

    def _signed(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        """Slack's v0 signature over the raw body, with a timestamp at most 5 minutes old (constant-time compare)."""
        try:
            return self.verifier.is_valid(
                raw, headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")
            )
        except ValueError:  # a timestamp that is not a number
            return False

    async def _accept_event(self, envelope: Mapping[str, Any], request: BoltRequestSpec) -> bool:
        """An Events API delivery, over HTTP or Socket Mode, into the inbox: False when it is malformed. A repeat
        (Slack's retries, or the same event the other way in) is acknowledged without work; `InboxUnavailable`
        when the store does not answer."""
        event_id = envelope.get("event_id")
        if not isinstance(event_id, str) or not event_id or not isinstance(envelope.get("event"), dict):
            return False
        await self.turns.inbox.accept(CHANNEL, event_id, request.to_payload())
        return True

    async def process(self, delivery: Delivery) -> None:
        """An event from the inbox, through Bolt's middleware and listeners (a listener's failure is logged by
        Bolt's error handler; the event is not worked on twice)."""
        answer = await self.app.async_dispatch(BoltRequestSpec.from_payload(delivery.payload).build())
        if answer.status >= 400:
            logger.warning("slack: event %s was not handled (%s)", delivery.delivery_id, answer.status)

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _bot_identity(self) -> AsyncSlackResponse:
        """auth.test once, however many requests wait for it together."""
        if self._identity is None:
            async with self._identity_lock:
                if self._identity is None:
                    self._identity = await self.client.auth_test()
        return self._identity

    async def _authorize(self, user_id: str | None) -> AuthorizeResult:
        """What Bolt's single-workspace authorisation gives a request, from the shared auth.test result."""
        identity = await self._bot_identity()
        return AuthorizeResult(
            enterprise_id=identity.get("enterprise_id"),
            team_id=identity.get("team_id"),
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
            bot_token=self.token,
            user_id=user_id,
            bot_scopes=identity.headers.get("x-oauth-scopes"),
        )

    # -- listeners ---------------------------------------------------------------------------------------

    def _add_listeners(self) -> None:
        app = self.app
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)
        app.command("/kkini")(self._on_command)
        app.action(re.compile(r"^order_(accept|ready)$"))(self._on_order_button)
        app.action("order_reject")(self._on_reject_button)
        app.view(REJECT_VIEW)(self._on_reject_submitted)
        app.action(re.compile(r"^push_button_\d+$"))(self._on_push_button)
        app.error(self._on_error)

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        logger.error("slack: a listener failed", exc_info=error)

    async def _on_mention(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        await self._answer(event, body)

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        # Only direct messages from people: channel messages arrive as app_mention, bots and edits are ignored.
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        await self._answer(event, body)

    async def _answer(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        user, channel = event.get("user"), event.get("channel")
        if not isinstance(user, str) or not isinstance(channel, str):
            return
        text = MENTION.sub("", str(event.get("text") or "")).strip()
        thread_ts = str(event.get("thread_ts") or event.get("ts") or "")
        message = IncomingMessage(
            CHANNEL,
            user,
            text=text,
            conversation=f"{channel}:{thread_ts}",
            delivery_id=body.get("event_id"),
            received_at=utcnow(),
            assistant="seller",
        )
        gate = self.turns.inbox.gate(CHANNEL, message.delivery_id)
        stream = ThreadStream(self.client, channel, thread_ts, user, str(body.get("team_id") or ""), gate)
        gathered = Gathered()
        async for reply_event in self.turns.events(message):
            if isinstance(reply_event, TextDelta):
                await stream.push(reply_event.text)
            else:
                gathered.add(reply_event)
        if gathered.final is not None and await gate.opens():
            with self.turns.metrics.timed(CHANNEL, "send"):
                await stream.finish(gathered)
            await gate.delivered()

    async def _on_command(self, ack: Callable[..., Awaitable[None]], command: dict[str, Any]) -> None:
        await ack()
        channel, user = str(command.get("channel_id") or ""), str(command.get("user_id") or "")
        names = {channel, f"#{command.get('channel_name')}"} if command.get("channel_name") else {channel}
        words = str(command.get("text") or "").split(maxsplit=1)
        verb = words[0].lower() if words else "help"
        argument = words[1].strip() if len(words) > 1 else ""
        try:
            public, text = await self._run_command(names, user, verb, argument)
        except Exception:
            logger.exception("slack: /kkini %s failed", verb)
            public, text = False, "명령을 처리하지 못했어요. 잠시 후 다시 해 주세요."
        try:
            if public:
                await self.client.chat_postMessage(channel=channel, text=text)
            else:
                await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError as error:
            logger.warning("slack: answering /kkini failed: %s", error.response.get("error"))

    async def _run_command(self, channels: set[str], user: str, verb: str, argument: str) -> tuple[bool, str]:
        """(whether the whole channel should see it, the text). ``channels``: the channel's id and ``#name``, as a
        shop's ``slack_channel`` may hold either."""
        if verb not in {"soldout", "restock", "open", "close", "break", "auto", "menu"}:
            return False, COMMAND_HELP
        async with self.db.session() as session:
            shop = (await session.exec(select(Shop).where(col(Shop.slack_channel).in_(channels)))).first()
            if shop is None:
                return False, "이 채널에 연결된 가게가 없어요. 가게의 슬랙 채널로 등록된 곳에서 써 주세요."
            if verb == "menu":
                items = (
                    await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id).order_by(col(MenuItem.name)))
                ).all()
                lines = [f"• {item.name} {won(item.price)}{' (품절)' if item.sold_out else ''}" for item in items]
                return False, f"*{shop.name}* 메뉴 {len(lines)}개\n" + ("\n".join(lines) or "등록된 메뉴가 없어요.")
            if verb in {"soldout", "restock"}:
                if not argument:
                    return False, f"메뉴 이름도 적어 주세요. 예: /kkini {verb} 불고기버거"
                items = (await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id))).all()
                matches = _matching_items(list(items), argument)
                if not matches:
                    return False, f"'{argument}' 메뉴를 찾지 못했어요. /kkini menu 로 이름을 확인해 주세요."
                if len(matches) > 1:
                    names = ", ".join(item.name for item in matches[:10])
                    return False, f"'{argument}'에 맞는 메뉴가 여러 개예요: {names}. 정확한 이름으로 다시 써 주세요."
                item = matches[0]
                item.sold_out = verb == "soldout"
                session.add(item)
                state = "품절로 표시했어요" if item.sold_out else "다시 판매 중으로 바꿨어요"
                return True, f"<@{user}>님이 *{item.name}*을(를) {state}. 추천에는 1분 안에 반영돼요."
            now = utcnow()
            shop.status_override, shop.override_until, said = _override(verb, now)
            shop.updated_at = now
            session.add(shop)
            return True, f"<@{user}>님이 *{shop.name}*을(를) {said}."

    async def _on_order_button(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        status = ORDER_ACTIONS.get(str(action.get("action_id")))
        order_id = order_id_of(action.get("value"))
        if order_id is None:
            return
        if self.staff is None or status is None:
            await self._tell(channel, user, "주문 처리 기능이 아직 켜져 있지 않아요.")
            return
        await self._move(order_id, status, channel, user)

    async def _move(
        self, order_id: int, status: str, channel: str, user: str, reason: str | None = None
    ) -> StaffOrder | None:
        """The staff action; None (and a notice to the one who clicked) when the order is unknown or cannot move."""
        assert self.staff is not None
        try:
            return await self.staff.set_status(order_id, status, actor=f"slack:{user}", reason=reason)
        except LookupError:
            await self._tell(channel, user, f"주문 #{order_id}을(를) 찾지 못했어요.")
        except ValueError:
            await self._tell(channel, user, f"주문 #{order_id}은(는) 지금 상태에서 그렇게 바꿀 수 없어요.")
        return None

    async def _on_reject_button(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        """Ask for the reason in a modal (the trigger_id is valid for 3 seconds, so only one status read first)."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        order_id = order_id_of(action.get("value"))
        if order_id is None:
            return
        refusal = await self._reject_refusal(order_id)
        if refusal is not None:
            await self._tell(channel, user, refusal)
            return
        try:
            await self.client.views_open(
                trigger_id=str(body.get("trigger_id") or ""), view=reject_view(order_id, channel)
            )
        except SlackApiError as error:
            logger.warning("slack: opening the reject form failed: %s", error.response.get("error"))
            await self._tell(channel, user, "거절 사유 창을 열지 못했어요. 거절 버튼을 다시 눌러 주세요.")

    async def _on_reject_submitted(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """Check the reason and the order while the modal waits, so a problem is shown in the modal itself; the move
        (and the board's update) runs after the modal has closed."""
        user = str((body.get("user") or {}).get("id") or "")
        target = _reject_target(str(view.get("private_metadata") or ""))
        if target is None:
            await ack(
                response_action="errors", errors={REJECT_CHOICE: "주문 정보를 읽지 못했어요. 다시 시도해 주세요."}
            )
            return
        order_id, channel = target
        reason = reject_reason((view.get("state") or {}).get("values") or {})
        refusal = await self._reject_refusal(order_id) if reason else "거절 사유를 고르거나 직접 적어 주세요."
        if refusal is not None:
            await ack(response_action="errors", errors={REJECT_CHOICE: refusal})
            return
        await ack()
        moved = await self._move(order_id, OrderStatus.REJECTED, channel, user, reason)
        if moved is not None and moved.reject_reason != reason:
            # Two forms submitted together: the desk kept the first rejection, and its reason, unchanged.
            await self._tell(channel, user, f"다른 분이 먼저 거절했어요. 손님에게 전한 사유: {moved.reject_reason}")

    async def _reject_refusal(self, order_id: int) -> str | None:
        """Why the order cannot be rejected from Slack now, or None. Only a new order can: an accepted one is being
        cooked already, and a rejected one keeps the reason its customer was first told."""
        if self.staff is None:
            return "주문 처리 기능이 아직 켜져 있지 않아요."
        async with self.db.session() as session:
            order = await session.get(Order, order_id)
        number = f"주문 #{order_id}"
        if order is None:
            return f"{particle(number, '을', '를')} 찾지 못했어요."
        if order.status != OrderStatus.PLACED:
            state = NOT_REJECTABLE.get(order.status, "지금은 거절할 수 없는")
            return f"{particle(number, '은', '는')} {state} 주문이라 거절할 수 없어요."
        return None

    async def _on_push_button(self, ack: Callable[..., Awaitable[None]]) -> None:
        await ack()  # buttons under pushes only acknowledge; their value is shown in the message already

    async def _tell(self, channel: str, user: str, text: str) -> None:
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError as error:
            logger.warning("slack: an ephemeral notice failed: %s", error.response.get("error"))


class ThreadStream:
    """An answer in a thread: chat.startStream / appendStream / stopStream, or chat.postMessage + chat.update."""

    def __init__(
        self, client: AsyncWebClient, channel: str, thread_ts: str, user: str, team: str, gate: ReplyGate
    ) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.user = user
        self.team = team
        self.gate = gate
        self.pending = ""
        self.ts: str | None = None
        self.streaming = True

    async def push(self, delta: str) -> None:
        self.pending += escape(delta)  # model text: no <!channel> may reach Slack as a control sequence
        if len(self.pending) < STREAM_BUFFER or not self.streaming:
            return
        if not await self.gate.opens():
            self.streaming = False  # an earlier attempt at this event answered it
            return
        await self._flush()

    async def _flush(self) -> None:
        text, self.pending = self.pending, ""
        try:
            if self.ts is None:
                started = await self.client.chat_startStream(
                    channel=self.channel,
                    thread_ts=self.thread_ts,
                    markdown_text=text,
                    recipient_user_id=self.user,
                    recipient_team_id=self.team or None,
                )
                self.ts = str(started["ts"])
            else:
                await self.client.chat_appendStream(channel=self.channel, ts=self.ts, markdown_text=text)
        except SlackApiError as error:
            logger.info("slack: streaming refused (%s); posting instead", error.response.get("error"))
            self.streaming = False
            self.pending = text + self.pending
            if self.ts is not None:
                await self._stop()  # a message still streaming cannot be updated: end the stream first

    async def _stop(self) -> None:
        assert self.ts is not None
        try:
            await self.client.chat_stopStream(channel=self.channel, ts=self.ts)
        except SlackApiError as error:
            logger.info("slack: stopping the refused stream failed (%s)", error.response.get("error"))

    async def finish(self, gathered: Gathered) -> None:
        if self.streaming and self.ts is not None:
            # The stream already shows what was appended; the rest goes with the stop.
            try:
                await self.client.chat_stopStream(
                    channel=self.channel, ts=self.ts, markdown_text=self.pending or None, blocks=_follow_ups(gathered)
                )
                return
            except SlackApiError as error:
                logger.info("slack: stopping the stream failed (%s); updating instead", error.response.get("error"))
        pieces = escaped_pieces(gathered.text, MAX_TEXT)
        try:
            if self.ts is not None:
                await self.client.chat_update(channel=self.channel, ts=self.ts, text=pieces[0])
                pieces = pieces[1:]
            for index, piece in enumerate(pieces):
                blocks = _section(piece) + (_follow_ups(gathered) or []) if index == len(pieces) - 1 else None
                await self.client.chat_postMessage(
                    channel=self.channel, thread_ts=self.thread_ts, text=piece, blocks=blocks
                )
        except SlackApiError as error:
            logger.warning("slack: answering in %s failed: %s", self.channel, error.response.get("error"))


class SlackStaffBoard:
    """`StaffBoard` on Slack: one message per order in the shop's channel, with buttons for the next moves."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, order: StaffOrder) -> str | None:
        if not order.slack_channel:
            return None
        try:
            posted = await self.client.chat_postMessage(
                channel=order.slack_channel, text=order_summary(order), blocks=order_blocks(order)
            )
        except SlackApiError as error:
            logger.warning("slack: posting order %s failed: %s", order.order_id, error.response.get("error"))
            return None
        # chat.update needs the channel id, while a shop may name its channel (#name): keep the id with the ts.
        return f"{posted['channel']}{REF_SEPARATOR}{posted['ts']}"

    async def update(self, order: StaffOrder) -> None:
        if not order.slack_channel or not order.staff_message_ref:
            return
        channel, _, ts = order.staff_message_ref.rpartition(REF_SEPARATOR)
        try:
            await self.client.chat_update(
                channel=channel or order.slack_channel,
                ts=ts,
                text=order_summary(order),
                blocks=order_blocks(order),
            )
        except SlackApiError as error:
            logger.warning("slack: updating order %s failed: %s", order.order_id, error.response.get("error"))


def order_summary(order: StaffOrder) -> str:
    return f"주문 #{order.order_id} · {ORDER_STATUS.get(order.status, order.status)} · {won(order.total)}"


def order_blocks(order: StaffOrder) -> list[dict[str, Any]]:
    lines = []
    for line in order.lines:
        lines.append(f"• {line.name} × {line.quantity}  {won(line.line_total)}")
        lines.extend(f"   └ {option}" for option in line.options)  # escaped with the section
    status = ORDER_STATUS.get(order.status, order.status)
    if order.status == "rejected" and order.reject_reason:
        status += f" ({order.reject_reason})"
    created = local_time(order.created_at).strftime("%H:%M")
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*주문 #{order.order_id}* · {escape(order.shop_name)}"},
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": section_text("\n".join(lines)) or "(내역 없음)"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"합계 *{won(order.total)}* · {order.payment_method} · 손님 {escape(order.customer)} · "
                    f"{created}",
                }
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": section_text(f"상태: {status}")}},
    ]
    buttons: list[dict[str, Any]] = []
    if order.status == "placed":
        buttons = [_button("수락", "order_accept", order, "primary"), _button("거절", "order_reject", order, "danger")]
    elif order.status == "accepted":
        buttons = [_button("준비 완료", "order_ready", order, "primary")]
    if buttons:
        blocks.append({"type": "actions", "block_id": f"order_{order.order_id}", "elements": buttons})
    return blocks


def reject_view(order_id: int, channel: str) -> dict[str, Any]:
    """The modal asking why an order is rejected: a common reason or one's own words (either is enough)."""
    options = [{"text": {"type": "plain_text", "text": text}, "value": text} for text in REJECT_REASONS]
    number = particle(f"주문 #{order_id}", "을", "를")
    return {
        "type": "modal",
        "callback_id": REJECT_VIEW,
        "private_metadata": json.dumps({"order_id": order_id, "channel": channel}),
        "title": {"type": "plain_text", "text": "주문 거절"},
        "submit": {"type": "plain_text", "text": "거절하기"},
        "close": {"type": "plain_text", "text": "취소"},
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"{number} 거절하는 이유를 알려 주세요. 손님에게 그대로 전해져요."},
            },
            {
                "type": "input",
                "block_id": REJECT_CHOICE,
                "optional": True,
                "label": {"type": "plain_text", "text": "자주 쓰는 사유"},
                "element": {
                    "type": "static_select",
                    "action_id": REJECT_CHOICE,
                    "placeholder": {"type": "plain_text", "text": "사유 고르기"},
                    "options": options,
                },
            },
            {
                "type": "input",
                "block_id": REJECT_TEXT,
                "optional": True,
                "label": {"type": "plain_text", "text": "다른 사유 (직접 적기)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REJECT_TEXT,
                    "max_length": MAX_REASON,
                    "placeholder": {"type": "plain_text", "text": "예: 오븐이 고장 나서 오늘은 만들 수 없어요"},
                },
            },
        ],
    }


def reject_reason(values: Mapping[str, Any]) -> str | None:
    """The submitted reason: the typed one when there is one (it is the more specific), else the chosen one;
    whitespace collapsed and at most `MAX_REASON` characters."""
    typed = ((values.get(REJECT_TEXT) or {}).get(REJECT_TEXT) or {}).get("value")
    chosen = ((values.get(REJECT_CHOICE) or {}).get(REJECT_CHOICE) or {}).get("selected_option") or {}
    for text in (typed, chosen.get("value")):
        reason = " ".join(str(text or "").split())[:MAX_REASON]
        if reason:
            return reason
    return None


def _reject_target(metadata: str) -> tuple[int, str] | None:
    """(order id, channel id) from the modal's private_metadata; None when it is not ours."""
    try:
        parsed = json.loads(metadata)
    except ValueError:
        return None
    order_id = order_id_of(parsed.get("order_id")) if isinstance(parsed, dict) else None
    return None if order_id is None else (order_id, str(parsed.get("channel") or ""))


MAX_ORDER_ID = 2**63 - 1


def order_id_of(value: object) -> int | None:
    """An order id from a button value or the modal's metadata; None for anything that cannot be one (not a
    number, or one no database column holds: a crafted 400-digit value must not reach the driver)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ORDER_ID else None


def _button(label: str, action_id: str, order: StaffOrder, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": str(order.order_id),
        "style": style,
    }


def _section(text: str) -> list[dict[str, Any]]:
    """A section of text already escaped and cut by `escaped_pieces`."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def _follow_ups(gathered: Gathered) -> list[dict[str, Any]] | None:
    """Suggested questions under the answer, as a context line (Slack has no quick replies)."""
    labels = [button.label for button in gathered.quick_replies]
    if not labels:
        return None
    return [
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": section_text("이런 것도 물어보세요: " + " · ".join(labels))}],
        }
    ]


def _matching_items(items: list[MenuItem], name: str) -> list[MenuItem]:
    wanted = name.replace(" ", "")
    exact = [item for item in items if item.name.replace(" ", "") == wanted]
    return exact or [item for item in items if wanted in item.name.replace(" ", "")]


def _override(verb: str, now: datetime) -> tuple[str | None, datetime | None, str]:
    """The shop's status override for a command: (value, until, what to say)."""
    if verb == "auto":
        return None, None, "영업시간대로 돌려놓았어요"
    if verb == "break":
        return StatusOverride.BREAK.value, now + BREAK, "1시간 브레이크 타임으로 바꿨어요"
    local = local_time(now)
    end_of_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if verb == "open":
        return StatusOverride.OPEN.value, end_of_day, "오늘 영업 중으로 바꿨어요"
    return StatusOverride.CLOSED.value, end_of_day, "오늘 영업 종료로 바꿨어요"


def _json_object(body: str) -> dict[str, Any] | None:
    """The body as a JSON object (Events API deliveries); None for anything else, left to Bolt."""
    if not body.startswith("{"):
        return None  # slash commands and interactions are form-encoded
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _aiohttp_response(answer: BoltResponse) -> web.Response:
    headers = {
        name: values[0] if isinstance(values, list | tuple) else str(values)
        for name, values in answer.headers.items()
        if name.lower() not in {"content-length", "content-type"}
    }
    content_type = answer.headers.get("content-type", ["text/plain"])
    media = (content_type[0] if isinstance(content_type, list | tuple) else str(content_type)).split(";")[0]
    return web.Response(status=answer.status, body=answer.body.encode("utf-8"), headers=headers, content_type=media)
