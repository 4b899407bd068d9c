"""The brief's burger order end to end over Telegram and KakaoTalk: the real routes, the real engine with the offline
understanding, the sample burger shop, and the order stored at the end with the card as the way to pay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from kiwipiepy import Kiwi
from sqlalchemy import update
from sqlmodel import col, select

from bots.app import Services, running_dialogue
from bots.channels.kakao import KEY_HEADER
from bots.channels.telegram import SECRET_HEADER
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.nlu.understander import OfflineNLU
from storage.database import Database
from storage.kv import InProcessStore
from storage.models import Order, Shop, utcnow
from storage.repositories import UserRepository
from storage.sample.burger import BURGER_SHOP_KEY
from tests.bots.channels.conftest import (
    KEY,
    WEBHOOK_SECRET,
    ClientFactory,
    channel_settings,
    kakao_settings,
    telegram_settings,
)
from tests.fakes import kakao_api
from tests.fakes.kakao_api import FakeKakao, skill_request
from tests.fakes.telegram_api import FakeTelegram, message_update

ORDER = (
    ("불고기버거 세트 하나 주세요", "6,900원"),
    ("감자튀김 양념감자로 바꿔줘", "+600원"),
    ("콜라 사이다로", "+0원"),
    ("장바구니 보여줘", "7,500원"),
    ("주문할게", "주문을 보냈어요"),
)
CHILI_ORDER = (
    ("불고기버거 세트 하나 주세요", "6,900원"),
    ("감자튀김 양념감자 칠리로 바꿔줘", "+600원"),  # the set's side changes: no second 포테이토 (8,900원)
    ("콜라 사이다로", "+0원"),
    ("장바구니 보여줘", "7,500원"),
    ("주문할게", "주문을 보냈어요"),
)


@pytest.fixture(scope="module")
def kiwi() -> Kiwi:
    return Kiwi()


@pytest.fixture(scope="module")
def nlu(kiwi: Kiwi) -> OfflineNLU:
    return OfflineNLU(kiwi=kiwi)


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ordering-knowledge")


@pytest.fixture
async def ordering_engine(
    db: Database, kiwi: Kiwi, nlu: OfflineNLU, knowledge_dir: Path
) -> AsyncIterator[DialogueEngine]:
    async with db.session() as session:
        # Staff opened the shop for the day, so the order does not depend on the hour the test runs at.
        await session.exec(  # type: ignore[call-overload]
            update(Shop)
            .where(col(Shop.source_key) == BURGER_SHOP_KEY)
            .values(status_override="open", override_until=utcnow() + timedelta(hours=12))
        )
        users = UserRepository(session)
        await users.add_identity("telegram", "5005", card_id="KC-000012")
        await users.add_identity("kakao", "kk-order", card_id="KC-000013")
    services = Services(
        settings=Settings(data_dir=knowledge_dir), db=db, kv=InProcessStore("order:"), card_hash_key=KEY
    )
    async with running_dialogue(services, nlu=nlu, kiwi=kiwi) as engine:
        yield engine


async def _orders(db: Database, channel: str) -> list[Order]:
    async with db.session() as session:
        return list((await session.exec(select(Order).where(Order.channel == channel))).all())


async def test_a_set_with_option_changes_is_ordered_over_telegram(
    make_client: ClientFactory,
    tmp_path: Path,
    telegram: FakeTelegram,
    ordering_engine: DialogueEngine,
    db: Database,
) -> None:
    settings = channel_settings(tmp_path, telegram=telegram_settings(telegram))
    client = await make_client(settings, dialogue=ordering_engine)
    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    for turn, (text, expected) in enumerate(ORDER, start=1):
        response = await client.post("/telegram/webhook", json=message_update(text, chat_id=5005), headers=headers)
        assert response.status == 200
        sent = (await telegram.wait_for("sendMessage", turn, within=15))[turn - 1]
        assert expected in sent.params["text"], (text, sent.params["text"])
    (order,) = await _orders(db, "telegram")
    assert (order.total, order.payment_method, order.card_id) == (7500, "card", "KC-000012")


async def test_the_same_order_over_kakao_answers_inside_the_skill_response(
    make_client: ClientFactory,
    tmp_path: Path,
    kakao: FakeKakao,
    ordering_engine: DialogueEngine,
    db: Database,
) -> None:
    client = await make_client(channel_settings(tmp_path, kakao=kakao_settings(kakao)), dialogue=ordering_engine)
    for text, expected in CHILI_ORDER:
        response = await client.post(
            "/kakao/skill", json=skill_request(text, user_id="kk-order"), headers={KEY_HEADER: kakao_api.SKILL_KEY}
        )
        body = await response.json()
        said = " ".join(
            output["simpleText"]["text"] for output in body["template"]["outputs"] if "simpleText" in output
        )
        assert response.status == 200 and expected in said, (text, body)
        assert all(len(reply["label"]) <= 14 for reply in body["template"].get("quickReplies", []))
    (order,) = await _orders(db, "kakao")
    assert (order.total, order.card_id) == (7500, "KC-000013")


async def test_the_same_order_over_the_web_chat(
    make_client: ClientFactory, tmp_path: Path, ordering_engine: DialogueEngine, db: Database
) -> None:
    client = await make_client(channel_settings(tmp_path), dialogue=ordering_engine)
    # A web visitor has no card linked: kkini offers to pay at the shop, and the visitor says so.
    turns = (*CHILI_ORDER[:-1], ("주문할게", "가게에서 직접 결제"), ("현금으로 주문할게", "주문을 보냈어요"))
    for text, expected in turns:
        response = await client.post("/api/chat", json={"text": text})
        body = await response.json()
        assert response.status == 200 and expected in body["text"], (text, body)
    (order,) = await _orders(db, "web")
    assert (order.total, order.payment_method) == (7500, "cash")
