"""The notifiers the jobs push through, against the fake Telegram, Kakao and Slack servers with the real clients
(the fakes are the fixtures of this folder's conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.channels.notifiers import build_notifiers, close_notifiers
from bots.settings import Settings
from jobs.notifier import DeliveryError, Notifier, Push
from storage.kv import InProcessStore
from tests.fakes import kakao_api, slack_api, telegram_api
from tests.fakes.kakao_api import FakeKakao
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def notifiers(telegram: FakeTelegram, kakao: FakeKakao, slack: FakeSlack) -> AsyncIterator[dict[str, Notifier]]:
    settings = Settings(
        telegram={"token": telegram_api.TOKEN, "api_base_url": telegram.url},
        kakao={"bot_id": kakao_api.BOT_ID, "rest_api_key": kakao_api.REST_API_KEY, "event_api_base_url": kakao.url},
        slack={"bot_token": slack_api.TOKEN, "api_base_url": slack.base_url},
    )
    built = build_notifiers(settings, InProcessStore("test:"))
    yield built
    await close_notifiers(built)


def push(channel: str, external_id: str, key: str = "k1", **kwargs: object) -> Push:
    return Push(channel, external_id, "잔액이 3,000원 남았어요.", key, **kwargs)  # type: ignore[arg-type]


def test_only_configured_channels_get_a_notifier() -> None:
    assert build_notifiers(Settings()) == {}
    only = build_notifiers(Settings(telegram={"token": "1:x"}, kakao={"skill_key": "s"}))
    assert set(only) == {"telegram"}  # Kakao pushes need the bot id and REST key, not the skill key


async def test_telegram_sends_with_inline_keyboard(notifiers: dict[str, Notifier], telegram: FakeTelegram) -> None:
    message_id = await notifiers["telegram"].send(push("telegram", "1001", buttons=(("쿠폰 보기", "coupons"),)))
    assert message_id is not None
    (call,) = telegram.calls_to("sendMessage")
    assert call.params["chat_id"] == 1001
    assert call.params["reply_markup"] == {"inline_keyboard": [[{"text": "쿠폰 보기", "callback_data": "coupons"}]]}


async def test_a_retried_push_is_sent_once(notifiers: dict[str, Notifier], telegram: FakeTelegram) -> None:
    first = await notifiers["telegram"].send(push("telegram", "1001", key="same"))
    second = await notifiers["telegram"].send(push("telegram", "1001", key="same"))
    assert first == second
    assert len(telegram.calls_to("sendMessage")) == 1


async def test_telegram_429_gives_retry_after(notifiers: dict[str, Notifier], telegram: FakeTelegram) -> None:
    telegram.fail_retry_after("sendMessage", 7)
    with pytest.raises(DeliveryError) as caught:
        await notifiers["telegram"].send(push("telegram", "1001"))
    assert caught.value.retry_after == 7 and not caught.value.permanent
    # The failed attempt released its claim: the retry goes out.
    assert await notifiers["telegram"].send(push("telegram", "1001")) is not None


@pytest.mark.parametrize("kind", ["blocked", "missing"])
async def test_telegram_blocked_or_unknown_chat_is_permanent(
    notifiers: dict[str, Notifier], telegram: FakeTelegram, kind: str
) -> None:
    getattr(telegram, kind).add(1002)
    with pytest.raises(DeliveryError) as caught:
        await notifiers["telegram"].send(push("telegram", "1002"))
    assert caught.value.permanent


async def test_telegram_server_error_is_transient(notifiers: dict[str, Notifier], telegram: FakeTelegram) -> None:
    telegram.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    with pytest.raises(DeliveryError) as caught:
        await notifiers["telegram"].send(push("telegram", "1001"))
    assert not caught.value.permanent and caught.value.retry_after is None


async def test_kakao_pushes_through_the_event_api(notifiers: dict[str, Notifier], kakao: FakeKakao) -> None:
    task_id = await notifiers["kakao"].send(push("kakao", "bot-user-key-9"))
    assert task_id
    (call,) = kakao.calls_to("talk")
    assert call.headers["authorization"] == f"KakaoAK {kakao_api.REST_API_KEY}"
    assert call.params == {
        "event": {"name": "kkini_notice", "data": {"text": "잔액이 3,000원 남았어요."}},
        "user": [{"type": "botUserKey", "id": "bot-user-key-9"}],
    }


async def test_kakao_failures(notifiers: dict[str, Notifier], kakao: FakeKakao) -> None:
    kakao.fail("talk", 429, {"status": "FAIL", "message": "too many"}, headers={"Retry-After": "12"})
    with pytest.raises(DeliveryError) as caught:
        await notifiers["kakao"].send(push("kakao", "u"))
    assert caught.value.retry_after == 12
    kakao.fail("talk", 503, {"status": "FAIL", "message": "busy"})
    with pytest.raises(DeliveryError) as caught:
        await notifiers["kakao"].send(push("kakao", "u"))
    assert not caught.value.permanent
    kakao.rest_api_key = "rotated"
    with pytest.raises(DeliveryError) as caught:
        await notifiers["kakao"].send(push("kakao", "u"))
    assert caught.value.permanent


async def test_slack_direct_message(notifiers: dict[str, Notifier], slack: FakeSlack) -> None:
    ts = await notifiers["slack"].send(push("slack", "U123", buttons=(("확인", "ok"),)))
    assert ts
    assert [call.method for call in slack.calls] == ["conversations.open", "chat.postMessage"]
    posted = slack.calls_to("chat.postMessage")[0].params
    assert posted["channel"] == "D123" and posted["blocks"][1]["elements"][0]["value"] == "ok"


async def test_slack_failures(notifiers: dict[str, Notifier], slack: FakeSlack) -> None:
    slack.fail_ratelimited("chat.postMessage", retry_after=3)
    with pytest.raises(DeliveryError) as caught:
        await notifiers["slack"].send(push("slack", "U123"))
    assert caught.value.retry_after == 3
    slack.unknown_users.add("U404")
    with pytest.raises(DeliveryError) as caught:
        await notifiers["slack"].send(push("slack", "U404", key="k2"))
    assert caught.value.permanent
