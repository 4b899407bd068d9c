"""Every route refuses a body over the size limit (413) and JSON nested too deep (400) with a short reason, one log
line and no traceback, before any handler or parser recurses into it."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

import pytest

from bots.http.bodies import json_too_deep
from tests.bots.channels.conftest import (
    ClientFactory,
    ScriptedEngine,
    channel_settings,
    kakao_settings,
    slack_settings,
    telegram_settings,
)
from tests.fakes.kakao_api import FakeKakao
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

ROUTES = ("/api/chat", "/api/chat/stream", "/telegram/webhook", "/kakao/skill", "/slack/events")
DEEP = b'{"text": "x", "nested": ' + b"[" * 5000 + b"]" * 5000 + b"}"


async def test_deep_or_huge_bodies_are_refused_on_every_route(
    make_client: ClientFactory,
    tmp_path: Path,
    telegram: FakeTelegram,
    kakao: FakeKakao,
    slack: FakeSlack,
    engine: ScriptedEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = channel_settings(
        tmp_path,
        telegram=telegram_settings(telegram),
        kakao=kakao_settings(kakao),
        slack=slack_settings(slack),
    )
    client = await make_client(settings)
    caplog.set_level(logging.INFO)
    for path in ROUTES:
        deep = await client.post(path, data=DEEP, headers={"Content-Type": "application/json"})
        assert deep.status == 400, path
        assert (await deep.json())["error"]["code"] == "too_deep"
        huge = await client.post(
            path, data=b"[" + b"1," * 200_000 + b"1]", headers={"Content-Type": "application/json"}
        )
        assert huge.status == 413, path
    form = ("payload=" + quote(DEEP.decode())).encode()
    slack_form = await client.post(
        "/slack/events", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert slack_form.status == 400
    assert engine.messages == []
    assert not [record for record in caplog.records if record.exc_info], "no traceback in the logs"
    assert sum("refused" in record.getMessage() for record in caplog.records) == 2 * len(ROUTES) + 1


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (b"[" * 65 + b"]" * 65, True),
        (b"[" * 64 + b"]" * 64, False),
        (b'{"a": "' + b"[" * 500 + b'"}', False),  # brackets inside a string are text
        (b'{"a": "\\\\", "b": ' + b"[" * 70 + b"]" * 70 + b"}", True),  # an escaped backslash ends before the quote
        (b'{"a": "\\"' + b"{" * 80 + b'"}', False),  # an escaped quote does not end the string
    ],
)
def test_nesting_is_counted_outside_strings(text: bytes, deep: bool) -> None:
    assert json_too_deep(text) is deep
