"""The Kakao skill server: the key, v2.0 responses within limits, the callback path, duplicates, link codes."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from sqlmodel import select

from bots.channels.kakao import KEY_HEADER
from bots.channels.replies import RATE_LIMITED, TOO_SLOW, WORKING
from dialogue.messages import Button, Card
from storage.database import Database
from storage.models import ChannelIdentity
from tests.bots.channels.conftest import (
    WEBHOOK_SECRET,
    ClientFactory,
    Scripted,
    ScriptedEngine,
    channel_settings,
    drain,
    kakao_settings,
    telegram_settings,
)
from tests.fakes import kakao_api
from tests.fakes.kakao_api import FakeKakao, skill_request, template_errors
from tests.fakes.telegram_api import FakeTelegram, message_update


async def client_for(make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, **kw: Any) -> TestClient:
    return await make_client(channel_settings(tmp_path, kakao=kakao_settings(kakao, **kw)))


async def skill(client: TestClient, body: dict[str, Any], key: str | None = kakao_api.SKILL_KEY) -> tuple[int, Any]:
    headers = {KEY_HEADER: key} if key is not None else {}
    response = await client.post("/kakao/skill", json=body, headers=headers)
    return response.status, await response.json()


async def test_wrong_or_missing_key_is_401(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, kakao)
    assert (await skill(client, skill_request("안녕"), key="nope"))[0] == 401
    assert (await skill(client, skill_request("안녕"), key=None))[0] == 401
    assert engine.messages == []


async def test_answer_within_kakao_limits(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    cards = tuple(
        Card(
            f"아주 긴 이름의 가게 {i} " + "맛집" * 30,
            "설명 " * 100,
            4000,
            tuple(Button(f"버튼{j}", f"p{j}") for j in range(5)),
        )
        for i in range(12)
    )
    quick = tuple(Button(f"아주아주 긴 빠른 답장 라벨 {i}", f"q{i}") for i in range(12))
    engine.script["추천해줘"] = Scripted("가" * 2500, cards=cards, quick_replies=quick)
    client = await client_for(make_client, tmp_path, kakao)
    status, body = await skill(client, skill_request("추천해줘", user_id="kk-1"))
    assert status == 200 and body["version"] == "2.0"
    outputs = body["template"]["outputs"]
    assert len(outputs) <= 3
    texts = [output["simpleText"]["text"] for output in outputs if "simpleText" in output]
    assert texts and all(len(text) <= 1000 for text in texts)
    carousel = outputs[-1]["carousel"]
    assert template_errors(body) == []  # Kakao's template rules, checked as Kakao checks them
    assert carousel["type"] == "textCard" and len(carousel["items"]) == 10
    for item in carousel["items"]:
        assert len(item["title"]) <= 50 and len(item["description"]) <= 230 and len(item["buttons"]) <= 3
    replies = body["template"]["quickReplies"]
    assert len(replies) == 10 and all(len(reply["label"]) <= 14 for reply in replies)
    assert replies[0]["extra"] == {"payload": "q0"} and replies[0]["action"] == "message"
    assert engine.messages[0].user == "kk-1" and engine.messages[0].channel == "kakao"


async def test_slow_answer_goes_to_the_callback_once(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    engine.script["천천히"] = Scripted("기다려 주셔서 고마워요. 답이에요.", delay_s=0.6)
    client = await client_for(make_client, tmp_path, kakao, callback_budget_s=0.2)
    url = kakao.callback_url()
    status, body = await skill(client, skill_request("천천히", callback_url=url))
    assert status == 200
    assert body == {"version": "2.0", "useCallback": True, "data": {"text": WORKING}}
    posted = await kakao.wait_for_callback(url)
    assert posted["template"]["outputs"][0]["simpleText"]["text"] == "기다려 주셔서 고마워요. 답이에요."
    await drain(client)
    assert len(kakao.calls_to("callback")) == 1


async def test_slow_answer_without_callback_is_short_and_in_budget(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    engine.script["천천히"] = Scripted("늦은 답", delay_s=0.5)
    client = await client_for(make_client, tmp_path, kakao, callback_budget_s=0.2)
    status, body = await skill(client, skill_request("천천히"))
    assert status == 200 and body["template"]["outputs"][0]["simpleText"]["text"] == TOO_SLOW


async def test_a_repeated_request_gets_the_first_answer(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    engine.script["안녕"] = Scripted("안녕하세요!", delay_s=0.1)
    client = await client_for(make_client, tmp_path, kakao)
    request = skill_request("안녕", callback_url=kakao.callback_url())
    answers = await asyncio.gather(skill(client, request), skill(client, request))
    assert answers[0] == answers[1]
    assert answers[0][1]["template"]["outputs"][0]["simpleText"]["text"] == "안녕하세요!"
    assert len(engine.messages) == 1


async def test_malformed_requests(make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao) -> None:
    client = await client_for(make_client, tmp_path, kakao)
    headers = {KEY_HEADER: kakao_api.SKILL_KEY, "Content-Type": "application/json"}
    for raw in (b"{", b"[]", json.dumps({"userRequest": {"utterance": "안녕"}}).encode()):
        response = await client.post("/kakao/skill", data=raw, headers=headers)
        assert response.status == 400 and "error" in await response.json()
    huge = json.dumps(skill_request("가" * 300_000)).encode()
    assert (await client.post("/kakao/skill", data=huge, headers=headers)).status == 413


async def test_buttons_come_back_as_payloads(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    engine.script["뭐 먹지"] = Scripted("골라 보세요.", quick_replies=(Button("더 싼 거", "cheaper"),))
    client = await client_for(make_client, tmp_path, kakao)
    await skill(client, skill_request("뭐 먹지", user_id="kk-2"))
    # Kakao sends the quick reply's extra as clientExtra; a typed label maps back through the last offer.
    await skill(client, skill_request("더 싼 거", user_id="kk-2", client_extra={"payload": "cheaper"}))
    await skill(client, skill_request("더 싼 거", user_id="kk-2", params={"n": "2"}))
    assert [message.payload for message in engine.messages] == [None, "cheaper", "cheaper"]


async def test_link_codes_join_telegram_and_kakao(
    make_client: ClientFactory,
    tmp_path: Path,
    kakao: FakeKakao,
    telegram: FakeTelegram,
    db: Database,
    engine: ScriptedEngine,
) -> None:
    settings = channel_settings(tmp_path, kakao=kakao_settings(kakao), telegram=telegram_settings(telegram))
    client = await make_client(settings)
    await telegram.wait_for("getMe")
    await skill(client, skill_request("안녕", user_id="kk-9"))  # the Kakao identity exists (the engine made it)
    async with db.session() as session:
        from storage.repositories import UserRepository

        await UserRepository(session).add_identity("kakao", "kk-9")
    await client.post(
        "/telegram/webhook",
        json=message_update("/link", chat_id=3003),
        headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
    )
    (sent,) = await telegram.wait_for("sendMessage")
    code = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{6}\b", sent.params["text"]).group()  # type: ignore[union-attr]
    _, wrong = await skill(client, skill_request("/link 000000", user_id="kk-9"))
    assert "맞지 않거나" in wrong["template"]["outputs"][0]["simpleText"]["text"]
    _, joined = await skill(client, skill_request(f"/link {code}", user_id="kk-9"))
    assert "연결됐어요" in joined["template"]["outputs"][0]["simpleText"]["text"]
    async with db.session() as session:
        identities = (
            await session.exec(select(ChannelIdentity).where(ChannelIdentity.external_id.in_(["3003", "kk-9"])))  # type: ignore[attr-defined]
        ).all()
    assert len(identities) == 2 and len({identity.user_id for identity in identities}) == 1
    _, again = await skill(client, skill_request(f"/link {code}", user_id="kk-9"))
    assert "맞지 않거나" in again["template"]["outputs"][0]["simpleText"]["text"]  # a code works once
    assert all(not message.text.startswith("/link") for message in engine.messages)


def test_the_fake_refuses_what_kakao_refuses() -> None:
    """The shapes kkini used to send: a basicCard carousel without thumbnails, and a response without outputs."""
    old_cards = {
        "version": "2.0",
        "template": {
            "outputs": [
                {"carousel": {"type": "basicCard", "items": [{"title": "엄마분식", "description": "떡볶이 3,000원"}]}}
            ]
        },
    }
    assert template_errors(old_cards) == ["outputs[0].carousel.items[0].thumbnail.imageUrl is required"]
    assert template_errors({"version": "2.0", "template": {"outputs": []}}) == [
        "template.outputs must hold 1 to 3 components"
    ]
    text_card = {"textCard": {"buttons": [{"action": "message", "label": "열려 있는 곳"}]}}
    assert template_errors({"version": "2.0", "template": {"outputs": [text_card]}}) == [
        "outputs[0].textCard: a textCard needs a title or a description",
        "outputs[0].textCard.buttons[0]: action message needs messageText",
    ]


async def test_a_rate_limited_turn_still_answers_with_an_output(
    make_client: ClientFactory, tmp_path: Path, kakao: FakeKakao, engine: ScriptedEngine
) -> None:
    client = await make_client(
        channel_settings(tmp_path, kakao=kakao_settings(kakao), channels={"rate_limit_count": 1})
    )
    answers = [await skill(client, skill_request(f"안녕 {n}", user_id="kk-fast")) for n in range(3)]
    for status, body in answers:  # the answer, the one notice, then a silenced turn: each with 1-3 outputs
        assert status == 200 and template_errors(body) == []
    assert [body["template"]["outputs"][0]["simpleText"]["text"] for _, body in answers][1:] == [RATE_LIMITED] * 2


async def test_a_refused_callback_post_is_logged_with_kakaos_reason(
    make_client: ClientFactory,
    tmp_path: Path,
    kakao: FakeKakao,
    engine: ScriptedEngine,
    caplog: Any,
) -> None:
    engine.script["천천히"] = Scripted("답이에요.", delay_s=0.5)
    client = await client_for(make_client, tmp_path, kakao, callback_budget_s=0.2)
    url = kakao.callback_url()
    kakao.callbacks[url.rsplit("/", 1)[-1]].issued_at -= 3600  # Kakao's minute is over: it answers FAIL
    await skill(client, skill_request("천천히", callback_url=url))
    await drain(client)  # the callback posted and Kakao's answer read
    refused = [r.getMessage() for r in caplog.records if "callback refused" in r.getMessage()]
    assert refused and "status FAIL" in refused[0] and "expired" in refused[0]
