import asyncio
import socket

import pytest

from tests.netguard import NetworkBlocked, is_loopback


def test_loopback_names_are_recognised() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("127.8.9.10")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("10.0.0.1")
    assert not is_loopback("api.telegram.org")


def test_connect_beyond_loopback_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkBlocked):
        sock.connect(("93.184.216.34", 443))


def test_name_lookup_beyond_loopback_is_refused() -> None:
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("api.openai.com", 443)


async def test_asyncio_connections_are_guarded_too() -> None:
    with pytest.raises(NetworkBlocked):
        await asyncio.open_connection("8.8.8.8", 53)


async def test_loopback_connections_work() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.read(5))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello")
    assert await reader.read(5) == b"hello"
    writer.close()
    server.close()
    await server.wait_closed()
