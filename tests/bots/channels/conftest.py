"""Channel tests: the real aiohttp server with a scripted engine (fast) or the real one, and the platform fakes."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bots.app import Services, init_application
from bots.channels.dialogue import DialogueSlot, Engine
from bots.channels.mount import MOUNTED_KEY, Channels
from bots.settings import Settings
from dialogue.korean import text_parts
from dialogue.messages import (
    Button,
    Card,
    Cards,
    Final,
    FinalMeta,
    IncomingMessage,
    QuickReplies,
    ReplyEvent,
    Text,
    TextDelta,
)
from dialogue.ordering.staff import StaffActions
from storage.database import Database
from storage.kv import InProcessStore, KeyValueStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.fakes import kakao_api, slack_api, telegram_api
from tests.fakes.kakao_api import FakeKakao
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

KEY = b"channels-test-key"
WEBHOOK_SECRET = "test-webhook-secret"


@dataclasses.dataclass
class Scripted:
    """What the scripted engine answers to one text."""

    text: str
    cards: tuple[Card, ...] = ()
    quick_replies: tuple[Button, ...] = ()
    delay_s: float = 0.0


class ScriptedEngine:
    """An `Engine` that answers from a script, streaming its text in parts, and records every message it got."""

    def __init__(self) -> None:
        self.script: dict[str, Scripted] = {}
        self.messages: list[IncomingMessage] = []
        self.part_size = 20

    async def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]:
        self.messages.append(message)
        scripted = self.script.get(message.text) or Scripted(f"{message.text or message.payload}에 대한 답이에요.")
        if scripted.delay_s:
            await asyncio.sleep(scripted.delay_s)
        for part in text_parts(scripted.text, self.part_size):
            yield TextDelta(part)
        yield Text(scripted.text)
        if scripted.cards:
            yield Cards(scripted.cards)
        if scripted.quick_replies:
            yield QuickReplies(scripted.quick_replies)
        yield Final(
            scripted.text, intent="scripted", turn_id=f"t{len(self.messages)}", meta=FinalMeta(timings_ms={"nlu": 1})
        )


@pytest.fixture
async def db(tmp_path: Path, shared_dir: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}")
    await upgrade(database.engine)
    await load_sample_data(database, SampleDataSettings(), KEY)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def kakao() -> AsyncIterator[FakeKakao]:
    async with FakeKakao() as fake:
        yield fake


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def channel_settings(tmp_path: Path, **sections: Any) -> Settings:
    return Settings(data_dir=tmp_path, **sections)


def telegram_settings(fake: FakeTelegram, **extra: Any) -> dict[str, Any]:
    return {
        "token": telegram_api.TOKEN,
        "webhook_secret": WEBHOOK_SECRET,
        "api_base_url": fake.url,
        "draft_interval_s": 0,
        "edit_interval_s": 0,
        **extra,
    }


def kakao_settings(fake: FakeKakao, **extra: Any) -> dict[str, Any]:
    return {
        "skill_key": kakao_api.SKILL_KEY,
        "bot_id": kakao_api.BOT_ID,
        "rest_api_key": kakao_api.REST_API_KEY,
        "event_api_base_url": fake.url,
        **extra,
    }


def slack_settings(fake: FakeSlack) -> dict[str, Any]:
    return {"bot_token": slack_api.TOKEN, "signing_secret": slack_api.SIGNING_SECRET, "api_base_url": fake.base_url}


ClientFactory = Callable[..., Awaitable[TestClient]]


def mounted(client: TestClient) -> Channels:
    """The channels the application under test mounted."""
    assert client.app is not None
    return client.app[MOUNTED_KEY]


async def drain(client: TestClient) -> None:
    """Until every delivery the application accepted is worked off and its adapters' background work is done: what
    a test waits for before it checks that nothing more happened."""
    await mounted(client).drain()


@pytest.fixture
async def make_client(db: Database, engine: ScriptedEngine) -> AsyncIterator[ClientFactory]:
    """``await make_client(settings, engine=..., staff=...)``: the real application on a loopback port."""
    clients: list[TestClient] = []
    stores: list[InProcessStore] = []

    async def make(
        settings: Settings,
        *,
        dialogue: Engine | None = None,
        slot: DialogueSlot | None = None,
        staff: StaffActions | None = None,
        telegram_polling: bool = False,
        slack_socket: bool = False,
        kv: KeyValueStore | None = None,
    ) -> TestClient:
        """``kv``: a store the test owns (two servers over one store, as replicas or a restart share it)."""
        if kv is None:
            kv = InProcessStore("test:")
            stores.append(kv)
        services = Services(settings=settings, db=db, kv=kv, card_hash_key=KEY)
        app = init_application(
            services,
            slot or DialogueSlot.ready(dialogue or engine),
            staff=staff,
            telegram_polling=telegram_polling,
            slack_socket=slack_socket,
        )
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()
    for store in stores:
        await store.close()
