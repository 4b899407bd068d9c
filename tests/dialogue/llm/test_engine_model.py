"""The engine's model path end to end: the application's own assembly over the sample data, the real OpenAI SDK
against the fake, and real tools answering from the database."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from kiwipiepy import Kiwi
from pydantic import SecretStr
from sqlmodel import select

from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.llm.turns import INTERRUPTED
from dialogue.messages import Cards, IncomingMessage, ReplyEvent, Text, TextDelta
from dialogue.nlu.types import Understanding
from dialogue.nlu.understander import OfflineNLU
from dialogue.settings import OpenAISettings
from knowledge.gate.refusal import SELLER_REFUSAL
from storage.database import Database
from storage.hours import SEOUL
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.models import Conversation, MealCard
from storage.repositories import UserRepository
from tests.dialogue.conftest import KEY, collect, console, final
from tests.dialogue.llm.conftest import FAST
from tests.fakes.llm_script import FakeToolCall, ModelTurn
from tests.fakes.nlu import ScriptedNLU
from tests.fakes.openai_api import FakeOpenAI

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday
ROUTER = FAST.model_copy(update={"order": "openai", "cache_ttl_s": 0.0})


def with_model(settings: Settings, fake: FakeOpenAI) -> Settings:
    section = OpenAISettings(api_key=SecretStr(fake.api_key), base_url=fake.base_url, model="gpt-test")
    return settings.model_copy(update={"openai": section, "router": ROUTER})


@pytest.fixture
async def model_engine(
    sample_services: Services, script: dict[str, Understanding], kiwi: Kiwi, openai_fake: FakeOpenAI
) -> AsyncIterator[DialogueEngine]:
    services = replace(sample_services, settings=with_model(sample_services.settings, openai_fake))
    async with running_dialogue(services, nlu=ScriptedNLU(script), kiwi=kiwi) as engine:
        yield engine


def streamed(events: list[ReplyEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, TextDelta))


async def stored(services: Services, turn_id: str | None) -> Conversation:
    async with services.db.session() as session:
        return (await session.exec(select(Conversation).where(Conversation.turn_id == turn_id))).one()


async def test_the_model_recommends_through_the_real_tool_and_streams_its_answer(
    model_engine: DialogueEngine, openai_fake: FakeOpenAI, sample_services: Services
) -> None:
    openai_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("recommend", {"budget": 5000}),), input_tokens=300, output_tokens=20),
        ModelTurn(text="5,000원으로 갈 수 있는 곳을 찾았어요. 카드에서 골라 보세요!", pieces=6),
    )
    events = await collect(model_engine, console("demo07", "오천원으로 점심 뭐 먹지", at=LUNCH))
    text = final(events).text
    assert streamed(events).startswith("5,000원으로 갈 수 있는 곳을 찾았어요.")
    assert next(e for e in events if isinstance(e, Text)).text == text
    assert sum(isinstance(e, TextDelta) for e in events) >= 6  # token by token, not one block
    cards = next(e for e in events if isinstance(e, Cards)).cards
    assert cards and all(card.price is not None and card.price <= 5000 for card in cards)

    # The model read the recommender's real answer: the shops on the cards, with their prices.
    result = json.loads(openai_fake.bodies[1]["messages"][-1]["content"])
    assert [place["shop"] for place in result["places"]] == [card.title for card in cards]
    assert result["spendable_won"] <= 5000
    tools = {tool["function"]["name"] for tool in openai_fake.bodies[0]["tools"]}
    assert {"recommend", "balance", "coupons", "faq_search"} <= tools
    assert "5천" not in json.dumps(openai_fake.bodies[0]["tools"])  # schemas only, no user data

    turn = await stored(sample_services, final(events).turn_id)
    assert turn.provider == "openai" and (turn.tokens_in, turn.tokens_out) == (340, 32)
    assert turn.cost_usd == pytest.approx((340 * 0.75 + 32 * 4.50) / 1e6)  # the default gpt-5.4-mini prices
    assert "model_first_token" in turn.timings_ms and final(events).meta.provider == "openai"
    model = final(events).meta.model
    assert model is not None and model.attempts == (("openai", "ok"), ("openai", "ok")) and model.tokens_in == 340


async def test_the_user_comes_from_the_session_never_from_the_model(
    model_engine: DialogueEngine, openai_fake: FakeOpenAI, sample_services: Services
) -> None:
    openai_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("balance", {"user_id": 1, "card_id": "C-0001"}),)),
        ModelTurn(tool_calls=(FakeToolCall("balance", {}),)),
        ModelTurn(text="잔액을 확인했어요."),
    )
    events = await collect(model_engine, console("demo07", "카드 잔액 얼마야", at=LUNCH))
    assert final(events).text == "잔액을 확인했어요."
    refused = json.loads(openai_fake.bodies[1]["messages"][-1]["content"])
    assert "Extra inputs are not permitted" in refused["error"]
    balance = json.loads(openai_fake.bodies[2]["messages"][-1]["content"])
    async with sample_services.db.session() as session:
        cards = (await session.exec(select(MealCard))).all()
    demo07 = next(card for card in cards if card.number_masked == balance["card"])
    assert balance["balance_won"] == demo07.balance


async def test_invalid_arguments_three_times_fall_back_to_the_offline_answer(
    model_engine: DialogueEngine, engine: DialogueEngine, openai_fake: FakeOpenAI, script: dict[str, Understanding]
) -> None:
    script["잔액 알려줘"] = Understanding("balance_inquiry", 0.9, {})
    bad = ModelTurn(tool_calls=(FakeToolCall("recommend", {"budget": "많이"}),))
    openai_fake.script(bad, bad, bad, ModelTurn(text="이 답은 쓰이지 않아요."))
    events = await collect(model_engine, console("demo07", "잔액 알려줘", at=LUNCH))
    offline = await collect(engine, console("demo08", "잔액 알려줘", at=LUNCH))
    assert len(openai_fake.calls) == 3 and "이 답은" not in final(events).text
    assert "잔액은" in final(events).text and "잔액은" in final(offline).text
    assert final(events).meta.provider == "offline"


async def test_a_wrong_key_is_logged_once_and_offline_answers(
    model_engine: DialogueEngine,
    openai_fake: FakeOpenAI,
    script: dict[str, Understanding],
    caplog: pytest.LogCaptureFixture,
) -> None:
    script["쿠폰 있어?"] = Understanding("coupon_inquiry", 0.9, {})
    openai_fake.api_key = "sk-rotated"
    with caplog.at_level(logging.WARNING):
        first = await collect(model_engine, console("demo07", "쿠폰 있어?", at=LUNCH))
        second = await collect(model_engine, console("demo07", "쿠폰 있어?", at=LUNCH))
    # The same offline answer both times (the second says it repeats: no reply is the previous one word for word).
    assert "쿠폰" in final(first).text and final(second).text.endswith(final(first).text)
    assert final(first).meta.provider == "offline" and len(openai_fake.calls) == 1
    assert ("openai", "auth") in final(first).meta.model.attempts
    assert ("openai", "skipped:breaker") in final(second).meta.model.attempts
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


async def test_a_cut_stream_ends_the_reply_honestly(
    model_engine: DialogueEngine, openai_fake: FakeOpenAI, sample_services: Services
) -> None:
    openai_fake.script(ModelTurn(text="지금 열린 곳은 김밥천국과 엄마분식이 있고 둘 다", pieces=8, cut_after=3))
    events = await collect(model_engine, console("demo07", "지금 열린 데 있어?", at=LUNCH))
    text = final(events).text
    assert text.endswith(INTERRUPTED) and text.startswith("지금 열린")
    assert streamed(events).endswith(INTERRUPTED)
    assert (await stored(sample_services, final(events).turn_id)).provider == "openai"


SELLER_FAQ = [
    (
        "반품배송비는 누가 부담하나요?",
        "단순 변심으로 인한 반품은 구매자가 반품배송비를 부담합니다. 상품 하자는 판매자가 부담합니다.",
    ),
    ("정산은 언제 되나요?", "구매확정 후 영업일 기준 1일 뒤에 정산됩니다."),
    (
        "스마트스토어센터 가입 절차는 어떻게 되나요?",
        "판매자 유형을 고르고 정보를 입력한 뒤 서류를 제출하면 가입이 완료됩니다.",
    ),
    ("상품등록하는 방법", "상품관리 메뉴의 상품 등록에서 카테고리와 상품명, 가격을 입력해 등록합니다."),
    ("교환요청 건 처리 방법", "교환관리 메뉴에서 교환 요청을 확인하고 수거 후 재배송합니다."),
]


@pytest.fixture
async def seller_engine(
    tmp_path: Path, kiwi: Kiwi, offline_nlu: OfflineNLU, openai_fake: FakeOpenAI
) -> AsyncIterator[DialogueEngine]:
    faq = tmp_path / "seller.jsonl"
    faq.write_text("\n".join(json.dumps({"question": q, "answer": a}, ensure_ascii=False) for q, a in SELLER_FAQ))
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}")
    await upgrade(db.engine)
    kv = InProcessStore("seller-llm:")
    settings = with_model(Settings(data_dir=tmp_path, knowledge={"seller_faq_path": faq}), openai_fake)
    try:
        async with running_dialogue(
            Services(settings=settings, db=db, kv=kv, card_hash_key=KEY),
            nlu=offline_nlu,
            kiwi=kiwi,
            assistants=("seller",),
        ) as engine:
            yield engine
    finally:
        await kv.close()
        await db.close()


async def test_the_seller_answers_from_the_faq_found_and_cites_it(
    seller_engine: DialogueEngine, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(ModelTurn(text="단순 변심이면 구매자가 반품배송비를 내요 [1]."))
    events = await collect(
        seller_engine, IncomingMessage("slack", "u1", text="반품 배송비는 누가 내요?", assistant="seller")
    )
    text = final(events).text
    assert text.startswith("단순 변심이면") and "참고: [1] 반품배송비는 누가 부담하나요?" in text
    system = openai_fake.bodies[0]["messages"][0]["content"]
    assert "[1] 질문: 반품배송비는 누가 부담하나요?" in system and "구매자가 반품배송비를 부담" in system
    assert [t["function"]["name"] for t in openai_fake.bodies[0]["tools"]] == ["faq_search"]


async def test_the_seller_still_refuses_what_is_not_its_faq_without_asking_a_model(
    seller_engine: DialogueEngine, openai_fake: FakeOpenAI
) -> None:
    events = await collect(seller_engine, IncomingMessage("slack", "u2", text="오늘 날씨 어때?", assistant="seller"))
    assert final(events).text.startswith(SELLER_REFUSAL) and openai_fake.calls == []


async def test_without_a_key_the_engine_stays_offline(engine: DialogueEngine) -> None:
    assert engine.model is None


async def test_the_ordering_tools_are_offered_and_run_for_the_session(
    model_engine: DialogueEngine, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("find_product", {"query": "불고기버거"}),)),
        ModelTurn(text="불고기버거를 찾았어요."),
    )
    events = await collect(model_engine, console("demo07", "불고기버거 있어?", at=LUNCH))
    assert final(events).text == "불고기버거를 찾았어요."
    offered = {tool["function"]["name"] for tool in openai_fake.bodies[0]["tools"]}
    assert {
        "find_product",
        "add_to_cart",
        "view_cart",
        "update_item",
        "remove_item",
        "clear_cart",
        "checkout",
    } <= offered
    found = json.loads(openai_fake.bodies[1]["messages"][-1]["content"])
    assert "error" not in found and "불고기" in json.dumps(found, ensure_ascii=False)


async def test_a_configured_model_never_does_less_than_the_offline_path(
    model_engine: DialogueEngine, openai_fake: FakeOpenAI, sample_services: Services, script: dict[str, Understanding]
) -> None:
    """The interceptors answer before the model (dialogue.routing): notices, cart edits and the cart's own state are
    the backend's, so the model is not asked and cannot get them wrong."""
    user = "demo12"
    script["콜라 사이다로"] = Understanding("menu_option", 0.6)
    script["장바구니 보여줘"] = Understanding("cart_view", 0.9)
    script["알림 꺼줘"] = Understanding("preference_update", 0.7)
    script["불고기버거 세트 하나 담아줘"] = Understanding("order_add", 0.9)  # read as an order, it is the model's
    openai_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("add_to_cart", {"product": "불고기버거 세트"}),)),
        ModelTurn(text="불고기버거 세트를 담았어요."),
    )
    await collect(model_engine, console(user, "불고기버거 세트 하나 담아줘", at=LUNCH))
    asked = len(openai_fake.calls)
    assert asked == 2  # the order itself went through the model and its tool

    changed = final(await collect(model_engine, console(user, "콜라 사이다로", at=LUNCH))).text
    assert "사이다" in changed
    shown = final(await collect(model_engine, console(user, "장바구니 보여줘", at=LUNCH))).text
    assert "불고기버거 세트" in shown and "사이다" in shown and "6,900원" in shown
    off = final(await collect(model_engine, console(user, "알림 꺼줘", at=LUNCH))).text
    assert "알림" in off
    assert len(openai_fake.calls) == asked  # none of the three asked the model
    async with sample_services.db.session() as session:
        holder = await UserRepository(session).by_identity("console", user)
    assert holder is not None and holder.notify_low_balance is False


async def test_the_model_has_a_tool_for_notices_and_preferences_as_the_offline_path_has(
    model_engine: DialogueEngine, openai_fake: FakeOpenAI, sample_services: Services, script: dict[str, Understanding]
) -> None:
    """Said in words no interceptor reads, a wish about notices or food still lands: the model calls the tools, which
    change the same stored settings as "알림 꺼줘" and "나 매운 거 못 먹어" offline."""
    user = "demo13"
    script["이제 그 잔액 문자 같은 거 그만 보내"] = Understanding("general_chat", 0.5)
    script["아 그리고 나 오이 진짜 싫어하고 매운 건 못 먹어"] = Understanding("general_chat", 0.5)
    openai_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("notices", {"on": False}),)),
        ModelTurn(text="알겠어요. 이제 알림을 보내지 않을게요."),
        ModelTurn(tool_calls=(FakeToolCall("remember_preference", {"cannot_eat": ["no_spicy"], "less_of": ["오이"]}),)),
        ModelTurn(text="기억할게요!"),
    )
    assert final(await collect(model_engine, console(user, "이제 그 잔액 문자 같은 거 그만 보내", at=LUNCH))).text
    switched = json.loads(openai_fake.bodies[1]["messages"][-1]["content"])
    assert switched["notices_on"] is False and switched["changed"] is True
    await collect(model_engine, console(user, "아 그리고 나 오이 진짜 싫어하고 매운 건 못 먹어", at=LUNCH))
    async with sample_services.db.session() as session:
        holder = await UserRepository(session).by_identity("console", user)
    assert holder is not None and holder.notify_low_balance is False
    assert "no_spicy" in holder.preferences["dietary"] and holder.preferences["dislikes_food"] == ["오이"]
    offered = {tool["function"]["name"] for tool in openai_fake.bodies[0]["tools"]}
    assert {"recommend", "balance", "coupons", "faq_search", "notices", "remember_preference"} <= offered
