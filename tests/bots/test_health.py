"""/healthz and /readyz over real HTTP, with real and with unreachable dependencies."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bots.app import init_application, running_services
from bots.settings import Settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def client_for(settings: Settings) -> AsyncIterator[TestClient]:
    async with running_services(settings) as services:
        async with TestClient(TestServer(init_application(services))) as client:
            yield client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    async for test_client in client_for(Settings(data_dir=tmp_path)):
        yield test_client


async def test_healthz_answers(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_kv(client: TestClient) -> None:
    response = await client.get("/readyz")
    body = await response.json()
    assert response.status == 200
    assert body["ready"] is True
    assert body["checks"]["database"]["ok"] and body["checks"]["kv"]["ok"]


async def test_readyz_is_503_when_redis_is_unreachable(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, redis={"url": f"redis://127.0.0.1:{closed_port()}/0"})
    async for test_client in client_for(settings):
        response = await test_client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["ready"] is False
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["kv"]["ok"] is False


async def test_unknown_route_is_404(client: TestClient) -> None:
    assert (await client.get("/telegram/webhook")).status == 404


async def test_readyz_checks_the_knowledge_index_once_an_assistant_is_ready(tmp_path: Path) -> None:
    """A ready engine over a data dir whose meal FAQ collection is gone is not ready: the index is checked for real."""
    from bots.channels.dialogue import DialogueSlot
    from knowledge.corpus.meal_faq import MEAL_COLLECTION
    from knowledge.index.store import ChromaStore, connect
    from tests.bots.channels.conftest import ScriptedEngine

    settings = Settings(data_dir=tmp_path)
    slot = DialogueSlot.ready(ScriptedEngine(), ("meal",))
    async with running_services(settings) as services:
        async with TestClient(TestServer(init_application(services, slot))) as client:
            missing = await (await client.get("/readyz")).json()
            assert missing["ready"] is False and missing["checks"]["knowledge"]["error"] == "LookupError"
            store = ChromaStore(connect(settings.knowledge, tmp_path))
            store.client.create_collection(MEAL_COLLECTION, embedding_function=None)
            present = await client.get("/readyz")
            assert present.status == 200 and (await present.json())["checks"]["knowledge"]["ok"]
