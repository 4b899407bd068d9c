"""Mount the channels whose settings are present on the aiohttp application, with their start and stop hooks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any, Protocol

from aiohttp import web

from bots.channels.adapter import BackgroundTasks, ChannelAdapter
from bots.channels.dialogue import DialogueSlot
from bots.channels.kakao import KakaoChannel
from bots.channels.links import LinkCodes
from bots.channels.middleware import Turns
from bots.channels.slack import SlackChannel, socket_app_token
from bots.channels.telegram import TelegramChannel
from bots.channels.web import WebChannel
from bots.channels.web_session import WebSessions
from bots.http.metrics import Metrics
from bots.inbox import Inbox
from bots.settings import Settings
from dialogue.ordering.admin import ShopAdmin
from dialogue.ordering.staff import StaffActions
from storage.database import Database
from storage.kv import KeyValueStore
from storage.security import load_or_create_key

logger = logging.getLogger(__name__)

WEB_KEY_FILE = "web-session.key"

START_RETRY_S = (1.0, 5.0, 15.0, 30.0, 60.0)


class Lifecycle(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Channels:
    """The mounted channels of one application: names for the banner, adapters, and what failed to start."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.telegram: TelegramChannel | None = None
        self.kakao: KakaoChannel | None = None
        self.slack: SlackChannel | None = None
        self.web: WebChannel | None = None
        self.notes: dict[str, str] = {}
        self.inbox: Inbox | None = None
        self.ready: Callable[[], Awaitable[None]] | None = None
        """What the inbox's workers wait for before they take deliveries (the assistants loaded)."""
        self.tasks = BackgroundTasks("channels")
        """The inbox's workers (served until the stop) and Telegram's start with its retries."""
        self.inbox_changed = asyncio.Event()
        """Set whenever the inbox accepts, finishes or fails a delivery (`drain` waits on it)."""

    @property
    def adapters(self) -> list[ChannelAdapter[Any, Any]]:
        """The mounted adapters, each a `ChannelAdapter`."""
        mounted: list[ChannelAdapter[Any, Any] | None] = [self.web, self.telegram, self.kakao, self.slack]
        return [adapter for adapter in mounted if adapter is not None]

    async def start(self) -> None:
        if self.inbox is not None and self.inbox.handlers:
            self.tasks.serve(self.inbox.run(self.ready))
        if self.kakao is not None:
            await self.kakao.start()
        if self.slack is not None:
            await self.slack.start()
        if self.telegram is not None:
            self.tasks.serve(_start_with_retries("telegram", self.telegram))

    def observe_inbox(self, observe: Callable[[str, str], None]) -> Callable[[str, str], None]:
        """``observe`` (the metrics), and `inbox_changed` set, for every inbox event."""

        def observed(channel: str, outcome: str) -> None:
            observe(channel, outcome)
            self.inbox_changed.set()

        return observed

    async def drain(self, timeout_s: float = 30.0) -> None:
        """Until every delivery in the inbox has been worked off and no adapter has background work left: what a
        test waits for instead of sleeping. ``TimeoutError`` after ``timeout_s``."""
        async with asyncio.timeout(timeout_s):
            while True:
                self.inbox_changed.clear()
                runners = [adapter.tasks for adapter in (self.kakao, self.slack) if adapter is not None]
                for runner in runners:
                    await runner.drain()
                if self.inbox is not None:
                    await self.inbox.drain()
                    if await self.inbox.depth() > 0:
                        lease = self.inbox.lease_s
                        with suppress(TimeoutError):  # a failed delivery is due again after its lease
                            await asyncio.wait_for(self.inbox_changed.wait(), lease)
                        continue
                if not any(runners):
                    return

    async def stop(self) -> None:
        await self.tasks.close()
        if self.inbox is not None:
            await self.inbox.stop()
        if self.telegram is not None:
            await self.telegram.stop()
        if self.kakao is not None:
            await self.kakao.stop()
        if self.slack is not None:
            await self.slack.stop()


async def _start_with_retries(name: str, channel: Lifecycle) -> None:
    """Start a channel that needs its platform (Telegram's getMe); retry with backoff instead of failing the server."""
    for attempt, delay in enumerate((*START_RETRY_S, None)):
        try:
            await channel.start()
            return
        except Exception as error:
            if delay is None:
                logger.error("%s did not start after %d attempts: %r", name, attempt + 1, error)
                return
            logger.warning("%s did not start (%r); retrying in %.0f s", name, error, delay)
            await channel.stop()
            await asyncio.sleep(delay)


MOUNTED_KEY: web.AppKey[Channels] = web.AppKey("mounted_channels", Channels)


def mount_channels(
    app: web.Application,
    settings: Settings,
    db: Database,
    kv: KeyValueStore,
    slot: DialogueSlot,
    metrics: Metrics,
    *,
    staff: StaffActions | None = None,
    telegram_polling: bool = False,
    slack_socket: bool = False,
) -> Channels:
    """Add each configured channel's routes to ``app``; their start and stop run with the application's."""
    limits = settings.channels
    dedup = {
        "telegram": settings.telegram.dedup_ttl_s,
        "slack": settings.slack.dedup_ttl_s,
        "kakao": settings.kakao.dedup_ttl_s,
    }
    channels = Channels()
    app[MOUNTED_KEY] = channels
    inbox = Inbox(kv, dedup, observe=channels.observe_inbox(metrics.inbox_event), lease_s=limits.lease_s)
    turns = Turns(slot, kv, limits, LinkCodes(db, kv, limits.link_code_ttl_s), metrics, inbox)
    channels.inbox = inbox
    channels.ready = slot.wait_loaded
    metrics.inbox = inbox
    if limits.web_enabled:
        key = load_or_create_key(
            settings.web.secret.get_secret_value() if settings.web.secret else None, settings.data_dir, WEB_KEY_FILE
        )
        channels.web = WebChannel(turns, WebSessions(key))
        channels.web.register(app.router)
        channels.names.append("web")
    if settings.telegram.enabled:
        channels.telegram = TelegramChannel(settings.telegram, turns, kv, polling=telegram_polling)
        channels.telegram.register(app.router)
        inbox.handle("telegram", channels.telegram.process)
        channels.names.append("telegram (polling)" if telegram_polling else "telegram")
        if not telegram_polling and not channels.telegram.webhook_secret_set:
            channels.notes["telegram"] = "KKINI_TELEGRAM__WEBHOOK_SECRET is unset: every webhook call is refused (403)"
    if settings.kakao.enabled:
        channels.kakao = KakaoChannel(settings.kakao, turns, kv)
        channels.kakao.register(app.router)
        inbox.handle("kakao", channels.kakao.process)
        channels.names.append("kakao")
    if settings.slack.enabled:
        admin = ShopAdmin(db)
        channels.slack = SlackChannel(settings.slack, turns, admin, staff=staff, socket_mode=slack_socket)
        # Orders reach the shops' Slack channels; without another desk, the staff's buttons move them through this
        # admin, which shows each move on the same board.
        admin.board = channels.slack.board
        if staff is None:
            channels.slack.staff = admin
        channels.slack.register(app.router)
        inbox.handle("slack", channels.slack.process)
        channels.names.append("slack (Socket Mode)" if slack_socket else "slack")
        if slack_socket:
            channels.notes["slack"] = "events come over Socket Mode (app token); POST /slack/events still answers"
    elif slack_socket:
        socket_app_token(settings.slack)  # raises SettingsError naming the Slack settings Socket Mode lacks

    async def on_startup(_app: web.Application) -> None:
        await channels.start()

    async def on_cleanup(_app: web.Application) -> None:
        await channels.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return channels
