"""`SlackChannel`: slack-bolt's AsyncApp behind our aiohttp route (and Socket Mode), its listeners wired to the
seller threads (`events`), the staff commands (`commands`) and the order actions (`actions`)."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping
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

from bots.channels.adapter import BackgroundTasks
from bots.channels.middleware import Turns
from bots.channels.replies import Gathered
from bots.channels.slack.actions import OrderActions
from bots.channels.slack.commands import StaffCommands
from bots.channels.slack.events import CHANNEL, SellerThreads, seller_message
from bots.channels.slack.modals import REJECT_VIEW
from bots.channels.slack.rendering import SlackStaffBoard
from bots.channels.slack.socket_mode import BoltRequestSpec, SlackSocketMode, socket_app_token
from bots.http.bodies import BodyRefused, read_bounded
from bots.inbox import Delivery, InboxUnavailable
from bots.settings import SlackSettings
from dialogue.messages import IncomingMessage
from dialogue.ordering.admin import ShopAdmin
from dialogue.ordering.staff import StaffActions

logger = logging.getLogger(__name__)


class SlackChannel:
    """The `ChannelAdapter` for Slack. ``admin`` makes the shop changes of ``/kkini``; ``staff`` moves orders (the
    ordering desk; None leaves the order buttons answering that ordering is off)."""

    channel = CHANNEL

    def __init__(
        self,
        settings: SlackSettings,
        turns: Turns,
        admin: ShopAdmin,
        *,
        staff: StaffActions | None = None,
        socket_mode: bool = False,
    ) -> None:
        assert settings.bot_token is not None and settings.signing_secret is not None
        self.app_token = socket_app_token(settings) if socket_mode else None
        self.settings = settings
        self.turns = turns
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
        self.threads = SellerThreads(self.client, turns)
        self.commands = StaffCommands(self.client, admin)
        self.actions = OrderActions(self.client, staff)
        self.tasks = BackgroundTasks(CHANNEL)
        self._identity: AsyncSlackResponse | None = None
        self._identity_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        self.socket: SlackSocketMode | None = None
        self._add_listeners()

    @property
    def staff(self) -> StaffActions | None:
        return self.actions.staff

    @staff.setter
    def staff(self, staff: StaffActions | None) -> None:
        self.actions.staff = staff

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_post("/slack/events", self.events)

    async def start(self) -> None:
        """One connection pool for every Web API call (slack_sdk opens a session per call without one), and the
        bot's identity fetched in the background before the first event needs it (again on a request if it failed)."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.client.timeout))
        self.client.session = self._bolt_client.session = self._session
        self.tasks.spawn(self._learn_identity())
        if self.app_token is not None:
            self.socket = SlackSocketMode(self.app, self.app_token, self.client, self._accept_event)
            self.tasks.spawn(self.socket.run())

    async def _learn_identity(self) -> None:
        try:
            await self._bot_identity()
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            logger.warning("slack: auth.test failed at start (%r); retrying on the first request", error)

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()
            self.socket = None
        await self.tasks.close()
        if self._session is not None:
            self.client.session = self._bolt_client.session = None
            await self._session.close()
            self._session = None

    # -- the route: parse, then the inbox (events) or Bolt (everything else) ----------------------------------

    async def events(self, request: web.Request) -> web.StreamResponse:
        try:
            raw = await read_bounded(request)
        except BodyRefused as refused:
            return refused.response()
        headers = request.headers
        if not self._signed(raw, headers):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            body, envelope = self.parse(raw)
        except ValueError:
            return web.json_response({"error": "body is not UTF-8"}, status=400)
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

    def parse(self, raw: bytes) -> tuple[str, dict[str, Any] | None]:
        """(the body as text, the Events API envelope when it is one; None for the form-encoded rest, left to
        Bolt). ``ValueError`` when it is not UTF-8."""
        body = raw.decode("utf-8")
        return body, _json_object(body)

    async def identity(self, request: tuple[str, dict[str, Any] | None]) -> IncomingMessage | None:
        envelope = request[1]
        return seller_message(envelope) if envelope is not None else None

    async def render(self, gathered: Gathered) -> Gathered:
        """Rendered as it is sent (`ThreadStream.finish`): a thread answer is streamed, not rendered ahead."""
        return gathered

    async def send(self, request: tuple[str, dict[str, Any] | None], reply: Gathered) -> None:
        """Answers go out from the worker, streamed into their thread (`SellerThreads.answer`)."""

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

    # -- Bolt's authorisation, from one shared auth.test ------------------------------------------------------

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

    def _add_listeners(self) -> None:
        app, tracked = self.app, self._tracked
        app.event("app_mention")(tracked(self.threads.on_mention))
        app.event("message")(tracked(self.threads.on_message))
        app.command("/kkini")(tracked(self.commands.on_command))
        app.action(re.compile(r"^order_(accept|ready)$"))(tracked(self.actions.on_order_button))
        app.action("order_reject")(tracked(self.actions.on_reject_button))
        app.view(REJECT_VIEW)(tracked(self.actions.on_reject_submitted))
        app.action(re.compile(r"^push_button_\d+$"))(tracked(self.actions.on_push_button))
        app.error(self._on_error)

    def _tracked(self, listener: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., Awaitable[None]]:
        """The listener, run as this channel's background work: Bolt runs a listener after its acknowledgement on
        a task of its own, which a stop would otherwise abandon and a test could not wait for. Bolt reads the
        arguments to pass from the wrapped listener's signature."""

        @functools.wraps(listener)
        async def run(**kwargs: Any) -> None:
            await self.tasks.spawn(listener(**kwargs), awaited=True)  # failures go to Bolt's error handler

        return run

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        logger.error("slack: a listener failed", exc_info=error)


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
