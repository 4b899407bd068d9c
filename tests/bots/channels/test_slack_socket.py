"""Slack over Socket Mode: the real SocketModeClient against a fake Socket Mode endpoint, the same Bolt app, the same
de-duplication as the HTTP route (which keeps working alongside)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp.test_utils import TestClient
from click.testing import CliRunner

from bots.app import CHANNELS_KEY
from bots.cli import main
from bots.settings import SettingsError
from storage.database import Database
from tests.bots.channels.conftest import (
    ClientFactory,
    Scripted,
    ScriptedEngine,
    channel_settings,
    drain,
    slack_settings,
)
from tests.bots.channels.slack_support import (
    SHOP_CHANNEL,
    deliver,
    mention,
    order_status,
    placed_order,
    the_channel,
    view_submission,
)
from tests.fakes import slack_api
from tests.fakes.slack_api import event_callback
from tests.fakes.slack_socket import APP_TOKEN, FakeSlackSocket


@pytest.fixture
async def socket_slack() -> AsyncIterator[FakeSlackSocket]:
    async with FakeSlackSocket() as fake:
        yield fake


async def socket_client(
    make_client: ClientFactory, tmp_path: Path, fake: FakeSlackSocket, app_token: str = APP_TOKEN
) -> TestClient:
    settings = channel_settings(tmp_path, slack={**slack_settings(fake), "app_token": app_token})
    return await make_client(settings, slack_socket=True)


def direct_message(text: str, event_id: str) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "user": "U0STAFF", "text": text, "channel": "D0STAFF"}
    return event_callback({**event, "ts": "1700000000.000200"}, event_id=event_id)


async def test_a_direct_message_is_acknowledged_first_and_answered_once_also_when_redelivered(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine
) -> None:
    engine.script["환불 규정"] = Scripted("환불은 구매확정 전까지 가능해요.", delay_s=0.3)
    client = await socket_client(make_client, tmp_path, socket_slack)
    assert client.app is not None and "slack (Socket Mode)" in client.app[CHANNELS_KEY]
    await socket_slack.wait_connected()
    first = await socket_slack.send_event(direct_message("환불 규정", "Ev0SOCKET1"))
    assert await socket_slack.wait_ack(first) == {"envelope_id": first}
    assert not socket_slack.calls_to("chat.postMessage"), "acknowledged before the answer is written"
    retry = await socket_slack.send_event(
        direct_message("환불 규정", "Ev0SOCKET1"), retry_attempt=1, retry_reason="timeout"
    )
    assert await socket_slack.wait_ack(retry) == {"envelope_id": retry}
    (posted,) = await socket_slack.wait_for("chat.postMessage")
    assert posted.params["channel"] == "D0STAFF" and posted.params["thread_ts"] == "1700000000.000200"
    assert posted.params["text"] == "환불은 구매확정 전까지 가능해요."
    await drain(client)
    assert len(engine.messages) == 1 and len(socket_slack.calls_to("chat.postMessage")) == 1
    assert engine.messages[0].assistant == "seller" and engine.messages[0].delivery_id == "Ev0SOCKET1"
    assert socket_slack.calls_to("apps.connections.open")[0].headers["authorization"] == f"Bearer {APP_TOKEN}"


async def test_kkini_menu_command_is_answered(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path
) -> None:
    await socket_client(make_client, tmp_path, socket_slack)
    await socket_slack.wait_connected()
    envelope = await socket_slack.send_command(
        "/kkini", "menu", channel_id="C0SHOP", channel_name=SHOP_CHANNEL, user_id="U0STAFF", trigger_id="1.2.3"
    )
    assert await socket_slack.wait_ack(envelope) == {"envelope_id": envelope}
    (menu,) = await socket_slack.wait_for("chat.postEphemeral")
    assert menu.params["user"] == "U0STAFF" and "메뉴" in menu.params["text"] and "원" in menu.params["text"]


async def test_an_order_button_reaches_the_order_desk(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path
) -> None:
    await socket_client(make_client, tmp_path, socket_slack)
    await socket_slack.wait_connected()
    envelope = await socket_slack.send_interaction(
        {
            "type": "block_actions",
            "user": {"id": "U0STAFF"},
            "team": {"id": slack_api.TEAM_ID},
            "channel": {"id": "C0SHOP"},
            "actions": [{"action_id": "order_accept", "value": "999999", "block_id": "order_999999", "type": "button"}],
            "trigger_id": "1.2.3",
            "api_app_id": "A0KKINI",
            "token": "unused",
        }
    )
    assert await socket_slack.wait_ack(envelope) == {"envelope_id": envelope}
    (notice,) = await socket_slack.wait_for("chat.postEphemeral")
    assert notice.params["text"] == "주문 #999999을(를) 찾지 못했어요."


async def test_an_order_is_rejected_with_a_reason_through_the_modal(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path, db: Database
) -> None:
    client = await socket_client(make_client, tmp_path, socket_slack)
    await socket_slack.wait_connected()
    order_id, message = await placed_order(db, the_channel(client).board, socket_slack)
    press = {
        "type": "block_actions",
        "user": {"id": "U0STAFF"},
        "team": {"id": slack_api.TEAM_ID},
        "channel": {"id": message.channel},
        "actions": [{"action_id": "order_reject", "value": str(order_id), "type": "button"}],
        "trigger_id": "1.2.3",
        "api_app_id": "A0KKINI",
        "token": "unused",
    }
    await socket_slack.wait_ack(await socket_slack.send_interaction(press))
    (opened,) = await socket_slack.wait_for("views.open")
    view = opened.params["view"]

    def submitted(**answers: str) -> dict[str, Any]:
        """The payload itself: over Socket Mode it is not form-encoded."""
        payload: dict[str, Any] = json.loads(dict(parse_qsl(view_submission(view, **answers)))["payload"])
        return payload

    empty = await socket_slack.send_interaction(submitted())
    assert (await socket_slack.wait_ack(empty))["payload"]["response_action"] == "errors"
    chosen = await socket_slack.send_interaction(submitted(choice="곧 마감이에요"))
    assert await socket_slack.wait_ack(chosen) == {"envelope_id": chosen}
    await socket_slack.wait_for("chat.update")
    status, reason, notices = await order_status(db, order_id)
    assert (status, reason) == ("rejected", "곧 마감이에요") and "곧 마감이에요" in notices[0]


async def test_the_http_route_works_alongside_and_shares_the_deduplication(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine
) -> None:
    client = await socket_client(make_client, tmp_path, socket_slack)
    await socket_slack.wait_connected()
    raw = mention("정산 주기", event_id="Ev0BOTHWAYS")
    assert (await deliver(client, raw))[0] == 200
    (posted,) = await socket_slack.wait_for("chat.postMessage")
    assert posted.params["text"] == "정산 주기에 대한 답이에요."
    again = await socket_slack.send_event(json.loads(raw))
    await socket_slack.wait_ack(again)
    await drain(client)
    assert len(engine.messages) == 1 and len(socket_slack.calls_to("chat.postMessage")) == 1


async def test_it_reconnects_when_slack_recycles_the_connection(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path
) -> None:
    await socket_client(make_client, tmp_path, socket_slack)
    await socket_slack.wait_connected()
    await socket_slack.request_reconnect()
    await socket_slack.wait_connected(count=2)
    assert len(socket_slack.calls_to("apps.connections.open")) == 2
    envelope = await socket_slack.send_event(direct_message("배송 조회", "Ev0RECONNECT"))
    await socket_slack.wait_ack(envelope)
    (posted,) = await socket_slack.wait_for("chat.postMessage")
    assert posted.params["text"] == "배송 조회에 대한 답이에요."


async def test_a_refused_app_token_is_reported_once_and_http_still_serves(
    socket_slack: FakeSlackSocket,
    make_client: ClientFactory,
    tmp_path: Path,
    engine: ScriptedEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="bots.channels.slack.socket_mode")
    client = await socket_client(make_client, tmp_path, socket_slack, app_token="xapp-1-revoked")
    await socket_slack.wait_for("apps.connections.open")
    assert (await deliver(client, mention("반품 방법", event_id="Ev0NOSOCKET")))[0] == 200
    await socket_slack.wait_for("chat.postMessage")
    assert socket_slack.connections == 0 and len(socket_slack.calls_to("apps.connections.open")) == 1
    assert any("KKINI_SLACK__APP_TOKEN" in record.getMessage() for record in caplog.records)


async def test_socket_mode_needs_the_app_token(
    socket_slack: FakeSlackSocket, make_client: ClientFactory, tmp_path: Path
) -> None:
    with pytest.raises(SettingsError, match="KKINI_SLACK__APP_TOKEN"):
        await make_client(channel_settings(tmp_path, slack=slack_settings(socket_slack)), slack_socket=True)
    with pytest.raises(SettingsError, match="KKINI_SLACK__BOT_TOKEN"):
        await make_client(channel_settings(tmp_path), slack_socket=True)
    assert socket_slack.calls == []


def test_serve_with_slack_socket_but_no_app_token_stops_before_serving(tmp_path: Path) -> None:
    env = {
        "KKINI_DATA_DIR": str(tmp_path),
        "KKINI_SLACK__BOT_TOKEN": slack_api.TOKEN,
        "KKINI_SLACK__SIGNING_SECRET": slack_api.SIGNING_SECRET,
    }
    result = CliRunner().invoke(main, ["serve", "--slack-socket", "--port", "9"], env=env)
    assert result.exit_code == 2
    assert "KKINI_SLACK__APP_TOKEN" in result.output and "xapp-" in result.output
    assert list(tmp_path.iterdir()) == [], "nothing was started"
