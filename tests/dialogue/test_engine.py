"""The engine end to end over the sample data, with a scripted understanding."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import col, select

from bots.app import Services
from dialogue.engine import DialogueEngine
from dialogue.messages import Cards, QuickReplies, Text
from dialogue.nlu.types import Understanding
from dialogue.session import SessionStore
from storage.hours import SEOUL
from storage.models import ChannelIdentity, Conversation, MealCard, RecommendationLog, User
from tests.dialogue.conftest import collect, console, final

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday


async def test_empty_and_emoji_messages_get_a_short_answer_and_a_long_one_is_read_in_part(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    for text, expected in (("", "비어 있어요"), ("😋😊", "이모티콘")):
        events = await collect(engine, console("demo01", text, at=LUNCH))
        assert expected in final(events).text
        assert final(events).intent is None
    async with sample_services.db.session() as session:
        rows = (await session.exec(select(Conversation))).all()
    assert len(rows) == 2 and all(row.intent is None for row in rows)
    script["가" * 500] = Understanding("general_chat", 0.9, {})
    long = final(await collect(engine, console("demo01", "가" * 501, at=LUNCH)))
    assert long.text.startswith("글이 길어서 앞부분만 읽었어요.") and long.intent == "general_chat"
    assert long.meta.confidence == 0.9  # the first 500 characters were read, as scripted


async def test_budget_carries_over_to_the_next_question(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    script["8천원으로 뭐 먹지?"] = Understanding("budget_inquiry", 0.9, {"budget": 8000})
    script["그럼 중식은?"] = Understanding("food_request", 0.9, {"food_type": "중식"}, food_category="중식")
    first = await collect(engine, console("demo07", "8천원으로 뭐 먹지?", at=LUNCH))
    second = await collect(engine, console("demo07", "그럼 중식은?", at=LUNCH))
    assert "8,000원으로" in final(first).text
    session = await SessionStore(sample_services.kv).load(SessionStore.key_for("console", "demo07"))
    assert session.slots["budget"] == 8000 and session.slots["food"] == "중식"
    cards = next(event for event in second if isinstance(event, Cards)).cards
    assert cards, final(second).text
    assert all(card.price is not None and card.price <= 8000 for card in cards)
    assert engine.nlu.contexts[-1] == ("8천원으로 뭐 먹지?",)  # type: ignore[attr-defined]


async def test_every_turn_is_stored_with_personal_data_masked(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    text = "제 이름은 김민수예요 010-1234-5678 5천원으로 뭐 먹지"
    script[text] = Understanding("budget_inquiry", 0.8, {"budget": 5000})
    events = await collect(engine, console("demo07", text, at=LUNCH))
    shown = next(event for event in events if isinstance(event, Cards)).cards
    async with sample_services.db.session() as session:
        turn = (await session.exec(select(Conversation).where(Conversation.turn_id == final(events).turn_id))).one()
        logged = (
            await session.exec(
                select(RecommendationLog)
                .where(RecommendationLog.turn_id == turn.turn_id)
                .order_by(col(RecommendationLog.rank))
            )
        ).all()
    assert "김민수" not in turn.input_text and "010-1234-5678" not in turn.input_text
    assert "[이름]" in turn.input_text and "[전화번호]" in turn.input_text
    assert turn.intent == "budget_inquiry" and turn.entities == {"budget": 5000}
    # The row holds the stages before it was written; the final event also has the write and the total.
    assert {"guard", "session", "nlu", "handler", "session_save"} <= set(turn.timings_ms)
    assert {"store", "total"} <= set(final(events).meta.timings_ms)
    assert [row.shop_id for row in logged] == [int(card.ref.split(":")[1]) for card in shown if card.ref]
    assert all(row.reasons for row in logged)


async def test_selection_is_remembered_and_other_places_exclude_it(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    script["배고파"] = Understanding("food_request", 0.9, {})
    script["다른 데 보여줘"] = Understanding("food_request", 0.9, {}, wants_other=True)
    events = await collect(engine, console("demo07", "배고파", at=LUNCH))
    first_cards = next(event for event in events if isinstance(event, Cards)).cards
    chosen = first_cards[0].buttons[0]
    picked = await collect(engine, console("demo07", chosen.label, payload=chosen.payload, at=LUNCH))
    assert "정했어요" in final(picked).text
    async with sample_services.db.session() as session:
        selected = (
            await session.exec(select(RecommendationLog).where(col(RecommendationLog.selected_at).is_not(None)))
        ).all()
    assert [row.shop_id for row in selected] == [int(chosen.payload.split(":")[1])]
    other = await collect(engine, console("demo07", "다른 데 보여줘", at=LUNCH))
    other_cards = next(event for event in other if isinstance(event, Cards)).cards
    assert not {card.ref for card in other_cards} & {card.ref for card in first_cards}


async def test_first_contact_creates_the_user_and_onboarding_stores_answers(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    script["안녕"] = Understanding("general_chat", 0.9, {})
    hello = await collect(engine, console("new-kid", "안녕", at=LUNCH))
    assert "처음 오셨네요" in final(hello).text
    buttons = next(event for event in hello if isinstance(event, QuickReplies)).buttons
    assert [button.payload for button in buttons][:3] == [
        "onboard:area:seoul-gangnam",
        "onboard:area:seoul-mapo",
        "onboard:area:chuncheon",
    ]
    await collect(engine, console("new-kid", "마포·홍대", payload="onboard:area:seoul-mapo", at=LUNCH))
    await collect(engine, console("new-kid", "매운 거 못 먹어요", payload="onboard:diet:no_spicy", at=LUNCH))
    done = await collect(engine, console("new-kid", "분식", payload="onboard:likes:분식", at=LUNCH))
    assert "준비 끝" in final(done).text
    async with sample_services.db.session() as session:
        identity = (await session.exec(select(ChannelIdentity).where(ChannelIdentity.external_id == "new-kid"))).one()
        user = await session.get(User, identity.user_id)
    assert user is not None and user.onboarded_at is not None
    assert user.preferences == {"home_area": "seoul-mapo", "dietary": ["no_spicy"], "likes": ["분식"]}
    script["떡볶이"] = Understanding("food_request", 0.9, {"food_type": "떡볶이"}, food_category="분식")
    later = await collect(engine, console("new-kid", "떡볶이", at=LUNCH))
    assert "처음 오셨네요" not in final(later).text and not any(
        isinstance(event, QuickReplies) and event.buttons[0].payload.startswith("onboard:") for event in later
    )


async def test_balance_answers_from_the_card(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    script["잔액 얼마야?"] = Understanding("balance_inquiry", 0.9, {})
    async with sample_services.db.session() as session:
        identity = (await session.exec(select(ChannelIdentity).where(ChannelIdentity.external_id == "demo07"))).one()
        card = (await session.exec(select(MealCard).where(MealCard.user_id == identity.user_id))).one()
    events = await collect(engine, console("demo07", "잔액 얼마야?", at=LUNCH))
    assert f"{card.balance:,}원" in final(events).text
    assert isinstance(events[0], Text)


async def test_suspended_card_is_not_offered_as_a_way_to_pay(
    engine: DialogueEngine, script: dict[str, Understanding], sample_services: Services
) -> None:
    async with sample_services.db.session() as session:
        card = (await session.exec(select(MealCard).where(MealCard.status != "ACTIVE"))).first()
        assert card is not None and card.user_id is not None
        identity = (await session.exec(select(ChannelIdentity).where(ChannelIdentity.user_id == card.user_id))).one()
    script["잔액"] = Understanding("balance_inquiry", 0.9, {})
    script["뭐 먹지"] = Understanding("budget_inquiry", 0.9, {"budget": 6000})
    balance = await collect(engine, console(identity.external_id, "잔액", at=LUNCH))
    assert any(word in final(balance).text for word in ("정지", "유효기간", "분실"))
    food = await collect(engine, console(identity.external_id, "뭐 먹지", at=LUNCH))
    assert "카드로는 결제가 안 돼요" in final(food).text and "현금이 있다면" in final(food).text


async def test_cheaper_asks_below_the_cheapest_shown_and_hours_of_the_shop_just_shown(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    script["8천원으로 뭐 먹지"] = Understanding("budget_inquiry", 0.9, {"budget": 8000})
    script["더 싼 거 없어?"] = Understanding("budget_inquiry", 0.9, {})
    script["거기 몇 시까지 해?"] = Understanding("time_inquiry", 0.9, {}, reference="shop")
    first = await collect(engine, console("demo07", "8천원으로 뭐 먹지", at=LUNCH))
    shown = next(event for event in first if isinstance(event, Cards)).cards
    cheapest = min(card.price for card in shown if card.price is not None)
    cheaper = await collect(engine, console("demo07", "더 싼 거 없어?", at=LUNCH))
    cheaper_cards = next(event for event in cheaper if isinstance(event, Cards)).cards
    assert all(card.price is not None and card.price < cheapest for card in cheaper_cards)
    assert not {card.ref for card in cheaper_cards} & {card.ref for card in shown}
    asked = await collect(engine, console("demo07", "거기 몇 시까지 해?", at=LUNCH))
    assert final(asked).text.startswith("어느 가게 말이에요?")  # several shown, none chosen yet
    buttons = next(event for event in asked if isinstance(event, QuickReplies)).buttons
    assert [button.label for button in buttons] == [f"{n}번 {card.title}" for n, card in enumerate(cheaper_cards, 1)]
    pressed = console("demo07", buttons[1].label, at=LUNCH)
    hours = await collect(engine, replace(pressed, payload=buttons[1].payload))
    assert final(hours).text.startswith(cheaper_cards[1].title) and "영업" in final(hours).text
    # The shop chosen is what "거기" means now.
    again = await collect(engine, console("demo07", "거기 몇 시까지 해?", at=LUNCH))
    assert f"{cheaper_cards[1].title}은" in final(again).text or f"{cheaper_cards[1].title}는" in final(again).text


async def test_a_seoul_card_holder_is_shown_seoul_shops_only(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    script["만원으로 뭐 먹지"] = Understanding("budget_inquiry", 0.9, {"budget": 10000})
    asked = await collect(engine, console("demo05", "만원으로 뭐 먹지", at=LUNCH))
    assert final(asked).text.startswith("어디 근처야?")  # no place known and Seoul has several areas
    buttons = next(event for event in asked if isinstance(event, QuickReplies)).buttons
    assert len(buttons) > 1 and not any("춘천" in button.label for button in buttons)
    script[buttons[0].payload] = Understanding("food_request", 0.9, {"location": buttons[0].label.split()[0]})
    events = await collect(engine, console("demo05", buttons[0].payload, at=LUNCH))
    cards = next(event for event in events if isinstance(event, Cards)).cards
    assert cards and all("서울특별시" in card.description and "춘천" not in card.description for card in cards)


async def test_without_a_card_the_cards_rules_come_from_the_meal_faq(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    script["한 끼에 얼마까지 쓸 수 있어?"] = Understanding("balance_inquiry", 0.9, {})
    script["잔액 얼마야?"] = Understanding("balance_inquiry", 0.9, {})
    rules = final(await collect(engine, console("nocard01", "한 끼에 얼마까지 쓸 수 있어?", at=LUNCH)))
    assert "9,500원" in rules.text and "연결된 급식카드가 없어요" not in rules.text
    balance = final(await collect(engine, console("nocard01", "잔액 얼마야?", at=LUNCH)))
    assert "연결된 급식카드가 없어요" in balance.text  # the balance itself needs the card
