"""Slack Socket Mode, for development without a public URL: the same AsyncApp, fed over a websocket.

slack_sdk's aiohttp ``SocketModeClient`` asks ``apps.connections.open`` (with the app-level ``xapp-`` token, through
the same Web API root and connection pool as every other call) for a websocket URL, keeps the connection alive and
reconnects when Slack asks it to. Each envelope it receives goes to the Bolt app that also serves ``/slack/events``:

- ``events_api``: handled exactly as over HTTP, by the channel's `EventSink`: the event goes into the durable inbox
  (a repeat of its event_id is dropped there), a worker runs it through Bolt, and the envelope is acknowledged at
  once.
  Slack redelivers an envelope that was not acknowledged in time (``retry_attempt``), and an event seen over HTTP
  before is a repeat here too: both are acknowledged without work.
- ``slash_commands`` and ``interactive``: dispatched by Bolt while Slack waits, and acknowledged with Bolt's answer
  (Bolt's own `AsyncSocketModeHandler.handle`), as the HTTP route does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bots.inbox import InboxUnavailable
from bots.settings import SettingsError, SlackSettings

logger = logging.getLogger(__name__)

APP_TOKEN_ENV = "KKINI_SLACK__APP_TOKEN"
REFUSED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "not_allowed_token_type", "token_revoked", "account_inactive", "missing_scope"}
)
"""apps.connections.open errors that no retry will fix: the token is wrong, not the network."""


@dataclass(frozen=True, slots=True)
class BoltRequestSpec:
    """What Bolt's request is built from, kept in the durable inbox until a worker dispatches it."""

    mode: str
    """``http`` or ``socket_mode``."""
    body: str | dict[str, Any]
    query: str = ""
    headers: dict[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        return {"mode": self.mode, "body": self.body, "query": self.query, "headers": self.headers}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> BoltRequestSpec:
        return cls(str(payload["mode"]), payload["body"], str(payload.get("query") or ""), dict(payload["headers"]))

    def build(self) -> AsyncBoltRequest:
        if self.mode == "socket_mode":
            return AsyncBoltRequest(mode="socket_mode", body=self.body, headers=self.headers)
        return AsyncBoltRequest(body=self.body, query=self.query, headers=self.headers)


EventSink = Callable[[Mapping[str, Any], BoltRequestSpec], Awaitable[bool]]
"""``(envelope, request) -> well formed``: puts an Events API delivery in the inbox (a repeat is dropped there);
raises `bots.inbox.InboxUnavailable` when the store does not answer."""


def socket_app_token(settings: SlackSettings) -> str:
    """The app-level token Socket Mode connects with; SettingsError naming the variables when Slack cannot use it."""
    if not settings.enabled:
        raise SettingsError(
            "--slack-socket needs the Slack channel: set KKINI_SLACK__BOT_TOKEN and KKINI_SLACK__SIGNING_SECRET"
        )
    if settings.app_token is None or not settings.app_token.get_secret_value().strip():
        raise SettingsError(
            f"--slack-socket needs {APP_TOKEN_ENV}: an app-level token (xapp-...) with the connections:write scope, "
            "from the Slack app's Basic Information page, with Socket Mode turned on"
        )
    return settings.app_token.get_secret_value().strip()


class SlackSocketMode(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler with the HTTP route's early, de-duplicated acknowledgement of events.

    Build it inside the running loop (the client starts its message processor when it is made).
    """

    client: SocketModeClient

    def __init__(self, app: AsyncApp, app_token: str, web_client: AsyncWebClient, accept_event: EventSink) -> None:
        super().__init__(app, app_token, logger=logger, web_client=web_client)
        self._accept_event = accept_event

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if req.type != "events_api":
            await super().handle(client, req)
            return
        request = BoltRequestSpec("socket_mode", req.payload, headers=dict(build_headers(req) or {}))
        try:
            accepted = await self._accept_event(req.payload, request)
        except InboxUnavailable:
            # Not acknowledged: Slack delivers the envelope again (retry_attempt) once the store answers.
            logger.warning("slack: socket envelope %s not stored; left for Slack to deliver again", req.envelope_id)
            return
        if not accepted:
            # Over HTTP this is a 400; here the only answer is the acknowledgement, and a redelivery would not help.
            logger.warning("slack: socket envelope %s holds no well-formed event; acknowledged", req.envelope_id)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    async def run(self) -> None:
        """Connect, and stay connected (the client reconnects by itself). A token Slack refuses is reported once,
        naming the setting, instead of being retried every few seconds."""
        try:
            self.client.wss_uri = await self.client.issue_new_wss_url()
        except SlackApiError as error:
            reason = error.response.get("error")
            if reason in REFUSED_TOKEN:
                logger.error("slack: Socket Mode refused the app token (%s); check %s", reason, APP_TOKEN_ENV)
                return
            logger.warning("slack: apps.connections.open failed (%s); retrying", reason)
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("slack: apps.connections.open failed (%r); retrying", error)
        await self.connect_async()
        if not self.client.closed:
            logger.info("slack: connected in Socket Mode")
