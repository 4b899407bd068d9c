"""A few turns through the real engine (scripted understanding, sample data) over each channel's real route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kiwipiepy import Kiwi

from bots.app import Services, running_dialogue
from bots.channels.kakao import KEY_HEADER
from bots.channels.telegram import SECRET_HEADER
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.nlu.types import Understanding
from storage.database import Database
from storage.kv import InProcessStore
from tests.bots.channels.conftest import (
    KEY,
    WEBHOOK_SECRET,
    ClientFactory,
    channel_settings,
    kakao_settings,
    telegram_settings,
)
from tests.bots.channels.test_web import parse_sse
from tests.fakes import kakao_api
from tests.fakes.kakao_api import FakeKakao, skill_request
from tests.fakes.nlu import ScriptedNLU
from tests.fakes.telegram_api import FakeTelegram, callback_update, message_update

SCRIPT = {
    "안녕": Understanding("general_chat", 0.9, {}),
    "잔액 얼마야?": Understanding("balance_inquiry", 0.9, {}),
}


@pytest.fixture(scope="module")
def kiwi() -> Kiwi:
    return Kiwi()


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("channels-knowledge")


@pytest.fixture
async def real_engine(db: Database, kiwi: Kiwi, knowledge_dir: Path) -> AsyncIterator[DialogueEngine]:
    kv = InProcessStore("engine:")
    services = Services(settings=Settings(data_dir=knowledge_dir), db=db, kv=kv, card_hash_key=KEY)
    async with running_dialogue(services, nlu=ScriptedNLU(dict(SCRIPT)), kiwi=kiwi) as engine:
        yield engine


async def test_web_stream_with_the_real_engine(
    make_client: ClientFactory, tmp_path: Path, real_engine: DialogueEngine
) -> None:
    client = await make_client(channel_settings(tmp_path), dialogue=real_engine)
    response = await client.post("/api/chat/stream", json={"user": "web-e2e", "text": "안녕"})
    events = parse_sse(await response.text())
    names = [name for name, _ in events]
    assert names[0] == "token" and names[-1] == "done"
    assert "quick_replies" in names, "a new user is asked the first onboarding question"
    done = events[-1][1]
    assert done["intent"] == "general_chat" and done["turn_id"]


async def test_telegram_onboarding_button_round_trip(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, real_engine: DialogueEngine
) -> None:
    client = await make_client(channel_settings(tmp_path, telegram=telegram_settings(telegram)), dialogue=real_engine)
    await telegram.wait_for("getMe")
    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    assert (
        await client.post("/telegram/webhook", json=message_update("안녕", chat_id=4004), headers=headers)
    ).status == 200
    (first,) = await telegram.wait_for("sendMessage")
    keyboard = first.params["reply_markup"]
    button = keyboard["inline_keyboard"][0][0]
    update = callback_update(button["callback_data"], chat_id=4004)
    update["callback_query"]["message"]["reply_markup"] = keyboard
    await client.post("/telegram/webhook", json=update, headers=headers)
    second = (await telegram.wait_for("sendMessage", 2))[1]
    assert second.params["text"] != first.params["text"]
    assert telegram.calls_to("answerCallbackQuery")


async def test_kakao_balance_without_a_card(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, real_engine: DialogueEngine
) -> None:
    client = await make_client(channel_settings(tmp_path, kakao=kakao_settings(kakao)), dialogue=real_engine)
    response = await client.post(
        "/kakao/skill", json=skill_request("잔액 얼마야?", user_id="kk-e2e"), headers={KEY_HEADER: kakao_api.SKILL_KEY}
    )
    body = await response.json()
    text = body["template"]["outputs"][0]["simpleText"]["text"]
    assert response.status == 200 and "카드" in text and len(text) <= 1000
