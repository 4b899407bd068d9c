"""A local fake of Slack's Socket Mode for slack_sdk's ``SocketModeClient``, on top of the Web API fake.

``apps.connections.open``, with the app-level token as the bearer, answers a one-time ``ws://`` URL on the same
server, as Slack answers ``wss://wss-primary.slack.com/link/?ticket=...&app_id=...`` (``invalid_auth`` for any other
token, as Slack does). Over that websocket the fake speaks the Socket Mode protocol: ``hello`` first, then the envelopes
a test sends (`send_event`, `send_command`, `send_interaction`: ``{"envelope_id", "type", "payload",
"accepts_response_payload", "retry_attempt", "retry_reason"}``), and it records every acknowledgement the app sends
back (``{"envelope_id", "payload"?}``). `request_reconnect` sends the ``disconnect`` message Slack sends before it
recycles a connection. Every other Web API method is `FakeSlack`'s.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import request_params
from tests.fakes.slack_api import TEAM_ID, FakeSlack

APP_TOKEN = "xapp-1-A0KKINI-1-test-app-level-token"
APP_ID = "A0KKINI"


class FakeSlackSocket(FakeSlack):
    def __init__(self, app_token: str = APP_TOKEN) -> None:
        super().__init__()
        self.app_token = app_token
        self.acks: dict[str, dict[str, Any]] = {}
        self.connections = 0
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._envelopes = itertools.count(1)
        self._socket_changed = asyncio.Condition()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/apps.connections.open", self._open)  # before FakeSlack's /api/{method}
        app.router.add_get("/link/", self._link)
        super().routes(app)

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        await super().stop()

    # -- what a test does --------------------------------------------------------------------------------

    async def wait_connected(self, count: int = 1, within: float = 5.0) -> None:
        """Until ``count`` connections have been greeted in all (and one is open)."""
        await self._wait(lambda: self.connections >= count and bool(self._sockets), within)

    async def wait_ack(self, envelope_id: str, within: float = 5.0) -> dict[str, Any]:
        await self._wait(lambda: envelope_id in self.acks, within)
        return self.acks[envelope_id]

    async def send_event(self, envelope: dict[str, Any], *, retry_attempt: int = 0, retry_reason: str = "") -> str:
        """An Events API ``event_callback`` (`slack_api.event_callback`); a retry repeats it with a new envelope."""
        return await self.send(
            "events_api",
            envelope,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    async def send_command(self, command: str, text: str, **fields: str) -> str:
        payload = {"token": "unused", "team_id": TEAM_ID, "api_app_id": APP_ID, "command": command, "text": text}
        return await self.send("slash_commands", {**payload, **fields}, accepts_response_payload=True)

    async def send_interaction(self, payload: dict[str, Any]) -> str:
        # As Slack does: only a modal's submission may be answered with a payload (errors, a new view).
        return await self.send(
            "interactive", payload, accepts_response_payload=payload.get("type") == "view_submission"
        )

    async def send(self, kind: str, payload: dict[str, Any], **extra: Any) -> str:
        """One envelope on the newest open connection; its id, to await the acknowledgement with."""
        if not self._sockets:
            raise RuntimeError("no Socket Mode connection is open")
        envelope_id = f"{next(self._envelopes):08d}-{secrets.token_hex(4)}"
        await self._sockets[-1].send_json({"envelope_id": envelope_id, "type": kind, "payload": payload, **extra})
        return envelope_id

    async def request_reconnect(self) -> None:
        """Slack's notice that this connection is about to be closed: the app opens a new one."""
        await self._sockets[-1].send_json(
            {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "applink-fake"}}
        )

    # -- the wire ----------------------------------------------------------------------------------------

    async def _open(self, request: web.Request) -> web.Response:
        await self.record("apps.connections.open", await request_params(request), request)
        failure = self.failure_for("apps.connections.open")
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if request.headers.get("Authorization") != f"Bearer {self.app_token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        ticket = secrets.token_hex(8)
        self._tickets.add(ticket)
        url = self.url.replace("http://", "ws://", 1)
        return web.json_response({"ok": True, "url": f"{url}/link/?ticket={ticket}&app_id={APP_ID}"})

    async def _link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)  # a URL from apps.connections.open is good for one connection
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets) + 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 3600},
                "connection_info": {"app_id": APP_ID},
            }
        )
        self._sockets.append(socket)
        self.connections += 1
        await self._changed_socket()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    self.acks[str(ack.get("envelope_id"))] = ack
                    await self._changed_socket()
        finally:
            self._sockets.remove(socket)
        return socket

    async def _changed_socket(self) -> None:
        async with self._socket_changed:
            self._socket_changed.notify_all()

    async def _wait(self, ready: Callable[[], bool], within: float) -> None:
        async def until() -> None:
            async with self._socket_changed:
                await self._socket_changed.wait_for(ready)

        await asyncio.wait_for(until(), within)
