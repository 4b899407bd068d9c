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
