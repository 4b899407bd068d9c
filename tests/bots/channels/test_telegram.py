"""Telegram end to end: our webhook route, python-telegram-bot, the fake Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bots.channels.replies import RATE_LIMITED
from bots.channels.telegram import HELP, SECRET_HEADER
from dialogue.messages import Button, Card
from tests.bots.channels.conftest import (
    WEBHOOK_SECRET,
    ClientFactory,
    Scripted,
    ScriptedEngine,
    channel_settings,
    drain,
    mounted,
    telegram_settings,
)
from tests.fakes.telegram_api import FakeTelegram, callback_update, message_update


async def client_for(make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, **kw: Any) -> TestClient:
    channels = kw.pop("channels", {})
    settings = channel_settings(tmp_path, telegram=telegram_settings(telegram, **kw), channels=channels)
    client = await make_client(settings)
    telegram_channel = mounted(client).telegram
    assert telegram_channel is not None
    await telegram_channel.wait_started()
    return client


async def post(client: TestClient, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    response = await client.post("/telegram/webhook", json=update, headers=headers)
    return response.status


async def test_wrong_or_missing_secret_is_403(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    assert await post(client, message_update("안녕"), secret="guess") == 403
    assert await post(client, message_update("안녕"), secret=None) == 403
    await drain(client)
    assert engine.messages == [] and telegram.calls_to("sendMessage") == []


async def test_private_chat_streams_drafts_then_sends(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    engine.script["5천원으로 뭐 먹지?"] = Scripted(
        "근처에서 5천원 안쪽으로 먹을 수 있는 곳을 찾았어요. 김밥천국의 참치김밥이 3,500원이에요.",
        cards=(Card("김밥천국", "참치김밥 3,500원", 3500, (Button("여기로 갈래요", "select:1:2"),)),),
        quick_replies=(Button("더 싼 거", "cheaper"), Button("다른 메뉴", "other")),
    )
    client = await client_for(make_client, tmp_path, telegram)
    assert await post(client, message_update("5천원으로 뭐 먹지?", chat_id=1001)) == 200
    (sent,) = await telegram.wait_for("sendMessage")
    drafts = telegram.calls_to("sendMessageDraft")
    assert len(drafts) >= 2 and drafts[0].params["chat_id"] == 1001
    assert len({call.params["draft_id"] for call in drafts}) == 1
    assert drafts[-1].params["text"] == engine.script["5천원으로 뭐 먹지?"].text
    assert drafts[-1].at <= sent.at
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    assert keyboard[0] == [{"text": "김밥천국 · 여기로 갈래요", "callback_data": "select:1:2"}]
    assert keyboard[1] == [
        {"text": "더 싼 거", "callback_data": "cheaper"},
        {"text": "다른 메뉴", "callback_data": "other"},
    ]
    assert engine.messages[0].user == "1001" and engine.messages[0].conversation is None


async def test_group_chat_edits_one_message(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    engine.script["점심 추천"] = Scripted("모두 함께 가기 좋은 분식집을 찾았어요. 떡볶이와 김밥이 있어요.")
    client = await client_for(make_client, tmp_path, telegram)
    assert await post(client, message_update("점심 추천", chat_id=-500, user_id=42)) == 200
    edits = await telegram.wait_for("editMessageText")
    await drain(client)
    assert len(telegram.calls_to("sendMessage")) == 1
    assert telegram.calls_to("sendMessageDraft") == []
    (message,) = [message for (chat, _), message in telegram.messages.items() if chat == -500]
    assert message["text"] == engine.script["점심 추천"].text and edits
    assert engine.messages[0].conversation == "-500" and engine.messages[0].user == "42"


async def test_a_redelivered_update_is_answered_once(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    update = message_update("안녕", update_id=777)
    statuses = await asyncio.gather(*(post(client, update) for _ in range(3)))
    assert statuses == [200, 200, 200]
    await drain(client)
    assert len(engine.messages) == 1 and len(telegram.calls_to("sendMessage")) == 1


async def test_late_updates_with_lower_ids_are_still_answered(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    await post(client, message_update("둘째", update_id=900, chat_id=1001))
    await post(client, message_update("첫째", update_id=899, chat_id=1002))
    await telegram.wait_for("sendMessage", 2)
    assert sorted(message.text for message in engine.messages) == ["둘째", "첫째"]


async def test_long_answers_are_split_at_4096(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    long_text = "\n".join(f"{i}번째 가게는 급식카드를 받아요. 메뉴는 김밥과 라면이 있어요." for i in range(300))
    engine.part_size = 2000
    engine.script["전부 알려줘"] = Scripted(long_text, quick_replies=(Button("더 보기", "more"),))
    client = await client_for(make_client, tmp_path, telegram)
    await post(client, message_update("전부 알려줘"))
    sent = await telegram.wait_for("sendMessage", 3)
    texts = [call.params["text"] for call in sent]
    assert all(len(text) <= 4096 for text in texts) and len(texts) == 3
    assert "\n".join(texts) == long_text
    assert "reply_markup" not in sent[0].params and "reply_markup" in sent[-1].params


async def test_button_press_answers_the_callback_and_carries_the_payload(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    update = callback_update("cheaper", chat_id=1001)
    update["callback_query"]["message"]["reply_markup"] = {
        "inline_keyboard": [[{"text": "더 싼 거", "callback_data": "cheaper"}]]
    }
    await post(client, update)
    await telegram.wait_for("sendMessage")
    assert len(telegram.calls_to("answerCallbackQuery")) == 1
    assert engine.messages[0].payload == "cheaper" and engine.messages[0].text == "더 싼 거"


async def test_long_payloads_travel_through_the_store(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    payload = "faq:" + "긴질문" * 30
    engine.script["질문"] = Scripted("답이에요.", quick_replies=(Button("더 알아보기", payload),))
    client = await client_for(make_client, tmp_path, telegram)
    await post(client, message_update("질문"))
    (sent,) = await telegram.wait_for("sendMessage")
    data = sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64
    await post(client, callback_update(data))
    await telegram.wait_for("sendMessage", 2)
    assert engine.messages[1].payload == payload


async def test_commands(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    await post(client, message_update("/help"))
    await post(client, message_update("/balance"))
    sent = await telegram.wait_for("sendMessage", 2)
    assert HELP in [call.params["text"] for call in sent]
    assert [message.text for message in engine.messages] == ["카드 잔액 알려줘"]


async def test_bad_bodies(make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
    assert (await client.post("/telegram/webhook", data=b"{oops", headers=headers)).status == 400
    assert (await client.post("/telegram/webhook", data=b'{"message": {}}', headers=headers)).status == 400
    huge = b'{"update_id": 1, "pad": "' + b"x" * 300_000 + b'"}'
    assert (await client.post("/telegram/webhook", data=huge, headers=headers)).status == 413


async def test_429_is_waited_out_and_sent_once(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram)
    telegram.fail_retry_after("sendMessage", 1)
    await post(client, message_update("안녕"))
    calls = await telegram.wait_for("sendMessage", 2)
    assert calls[1].at - calls[0].at >= 0.9
    await drain(client)
    assert len(telegram.calls_to("sendMessage")) == 2  # one refused, one delivered


async def test_rate_limited_user_hears_it_once(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, telegram, channels={"rate_limit_count": 1})
    for text in ("하나", "둘", "셋"):
        await post(client, message_update(text, chat_id=1001))
        await drain(client)  # in order: the first is answered, the second told once, the third silenced
    assert telegram.sent_texts(1001)[1] == RATE_LIMITED and len(telegram.sent_texts(1001)) == 2
    assert len(engine.messages) == 1


async def test_polling_for_development(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    settings = channel_settings(tmp_path, telegram=telegram_settings(telegram))
    await make_client(settings, telegram_polling=True)
    telegram.deliver(message_update("안녕", update_id=5000))
    (sent,) = await telegram.wait_for("sendMessage")
    assert telegram.calls_to("deleteWebhook") and sent.params["text"].endswith("답이에요.")


async def test_a_long_push_payload_travels_through_the_store_like_a_reply(telegram: FakeTelegram) -> None:
    from bots.channels.notifiers import TelegramNotifier
    from bots.channels.telegram_buttons import payload_of
    from bots.settings import TelegramSettings
    from jobs.notifier import Push
    from storage.kv import InProcessStore
    from tests.fakes import telegram_api

    kv = InProcessStore("push-test:")
    notifier = TelegramNotifier(TelegramSettings(token=telegram_api.TOKEN, api_base_url=telegram.url), kv)
    payload = "coupon:" + "유효기간이곧끝나는쿠폰" * 6
    await notifier.send(Push("telegram", "4242", "쿠폰이 곧 끝나요.", "push-2", buttons=(("쿠폰 보기", payload),)))
    (sent,) = await telegram.wait_for("sendMessage")
    data = sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert 1 <= len(data.encode()) <= 64 and data != "쿠폰 보기"  # not the label: the payload, by a short key
    assert await payload_of(kv, data) == payload
    await notifier.aclose()


def test_a_webhook_secret_telegram_would_refuse_is_refused_at_load(tmp_path: Path) -> None:
    import pydantic

    from bots.settings import Settings

    with pytest.raises(pydantic.ValidationError) as caught:
        Settings(data_dir=tmp_path, telegram={"webhook_secret": "끼니 비밀!"})
    assert "A-Z, a-z, 0-9, _ and -" in str(caught.value)
    with pytest.raises(pydantic.ValidationError):
        Settings(data_dir=tmp_path, telegram={"webhook_secret": "a" * 257})
    assert Settings(data_dir=tmp_path, telegram={"webhook_secret": "kkini_Secret-42"}).telegram.webhook_secret


async def test_the_fake_refuses_callback_data_over_64_bytes(telegram: FakeTelegram) -> None:
    from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest

    from tests.fakes import telegram_api

    bot = Bot(telegram_api.TOKEN, base_url=f"{telegram.url}/bot")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("보기", callback_data="가" * 22)]])  # 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1, "안녕", reply_markup=keyboard)
    await bot.shutdown()
