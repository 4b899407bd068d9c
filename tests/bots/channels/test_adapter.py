"""What every adapter shares: the background-task runner, the one Telegram callback-data policy and the bounded
body read."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from telegram import InlineKeyboardMarkup

from bots.channels.adapter import BackgroundTasks
from bots.channels.notifiers import inline_keyboard
from bots.channels.telegram_buttons import KEY_PREFIX, callback_data, payload_of
from bots.http.bodies import BodyRefused, read_bounded
from storage.kv import InProcessStore


async def test_drain_waits_for_work_spawned_while_it_waits() -> None:
    tasks = BackgroundTasks("test")
    first_done, second_started = asyncio.Event(), asyncio.Event()
    done: list[str] = []

    async def second() -> None:
        second_started.set()
        await first_done.wait()
        done.append("second")

    async def first() -> None:
        tasks.spawn(second())
        await second_started.wait()
        done.append("first")
        first_done.set()

    tasks.spawn(first())
    await tasks.drain()
    assert done == ["first", "second"] and len(tasks) == 0


async def test_close_cancels_services_lets_work_finish_and_cancels_what_overstays() -> None:
    tasks = BackgroundTasks("test")
    release = asyncio.Event()
    finished: list[str] = []

    async def service() -> None:
        await asyncio.Event().wait()  # a loop that runs until stopped

    async def quick() -> None:
        await release.wait()
        finished.append("quick")

    async def stuck() -> None:
        await asyncio.Event().wait()

    serving = tasks.serve(service())
    tasks.spawn(quick())
    stuck_task = tasks.spawn(stuck())
    release.set()
    await tasks.close(grace_s=0.05)
    assert serving.cancelled() and stuck_task.cancelled() and finished == ["quick"] and len(tasks) == 0


async def test_a_failure_in_background_work_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks("test")

    async def broken() -> None:
        raise RuntimeError("boom")

    async def awaited() -> None:
        raise RuntimeError("handled by its caller")

    tasks.spawn(broken())
    handled = tasks.spawn(awaited(), awaited=True)
    await tasks.drain()
    assert isinstance(handled.exception(), RuntimeError)
    failures = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(failures) == 1 and "boom" in str(failures[0].exc_info)


@pytest.mark.parametrize(
    ("payload", "as_is"),
    [
        ("cheaper", True),
        ("가" * 21 + "a", True),  # 64 bytes
        ("a" * 64, True),
        ("가" * 22, False),  # 66 bytes
        ("", False),  # Telegram takes 1-64 bytes: an empty payload cannot be callback data either
        (KEY_PREFIX + "abc", False),  # would read back as a key to another payload
    ],
)
async def test_one_callback_data_policy_for_replies_and_pushes(payload: str, as_is: bool) -> None:
    kv = InProcessStore("buttons:")
    data = await callback_data(kv, payload)
    assert data is not None and 1 <= len(data.encode()) <= 64
    assert (data == payload) is as_is
    assert await payload_of(kv, data) == payload
    without_store = await callback_data(None, payload)
    assert without_store == (payload if as_is else None)
    keyboard = await inline_keyboard((("보기", payload),), None)
    if as_is:
        assert isinstance(keyboard, InlineKeyboardMarkup)
        assert keyboard.inline_keyboard[0][0].callback_data == payload
    else:
        assert keyboard is None, "a button whose payload cannot be carried is left out"
    await kv.close()


async def test_read_bounded_refuses_what_the_middleware_refuses() -> None:
    async def read(body: bytes, content_type: str = "application/json") -> bytes:
        request = make_mocked_request(
            "POST", "/x", headers={"Content-Type": content_type, "Content-Length": str(len(body))}
        )
        request._read_bytes = body  # what aiohttp keeps once it has read the body
        return await read_bounded(request)

    assert await read(b'{"a": [1]}') == b'{"a": [1]}'
    with pytest.raises(BodyRefused) as deep:
        await read(b"[" * 65 + b"]" * 65)
    assert deep.value.status == 400 and deep.value.code == "too_deep"
    response = deep.value.response()
    assert isinstance(response, web.Response) and response.status == 400
