"""Conversations people had with kkini that went wrong, replayed with the real offline understanding over the sample
data: short follow-ups, small talk, corrections, feelings, long messages and food emoji."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from kiwipiepy import Kiwi
from sqlmodel import select

from bots.app import Services, running_dialogue
from dialogue.engine import DialogueEngine
from dialogue.handlers.chat import CAN_DO
from dialogue.messages import Button, Card, Cards, QuickReplies
from dialogue.nlu.understander import OfflineNLU
from dialogue.notices import OFF_REPLY, ON_REPLY
from storage.hours import SEOUL
from storage.models import ChannelIdentity, MenuItem, Shop, User
from tests.dialogue.conftest import collect, console, final

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday
CANNED = "도와드리기 어려워요"


@pytest.fixture
async def kkini(sample_services: Services, offline_nlu: OfflineNLU, kiwi: Kiwi) -> AsyncIterator[DialogueEngine]:
    """The engine as the application assembles it, with kkini's own understanding."""
    async with running_dialogue(sample_services, nlu=offline_nlu, kiwi=kiwi) as engine:
        yield engine


@dataclass(frozen=True, slots=True)
class Said:
    text: str
    intent: str | None
    entities: dict[str, object]
    cards: tuple[Card, ...]
    buttons: tuple[Button, ...]


class Chat:
    """One child's conversation: every reply is kept, so that a test can check none repeats the one before."""

    def __init__(self, engine: DialogueEngine, user: str) -> None:
        self.engine = engine
        self.user = user
        self.replies: list[Said] = []

    async def press(self, button: Button) -> Said:
        return await self.say(button.label, payload=button.payload)

    async def say(self, text: str, payload: str | None = None) -> Said:
        events = await collect(self.engine, console(self.user, text, payload=payload, at=LUNCH))
        last = final(events)
        cards = next((event.cards for event in events if isinstance(event, Cards)), ())
        buttons = next((event.buttons for event in events if isinstance(event, QuickReplies)), ())
        said = Said(last.text, last.intent, dict(last.meta.entities), cards, buttons)
        if self.replies:
            assert said.text != self.replies[-1].text, f"{text!r} got the previous reply again"
        self.replies.append(said)
        return said


async def test_short_follow_ups_after_a_list_are_answered_about_that_list(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    listed = await chat.say("5천원으로 뭐 먹지?")
    assert listed.cards, listed.text
    first = listed.cards[0]
    why = await chat.say("왜?")
    assert "5,000원" in why.text and "골랐어요" in why.text and CANNED not in why.text
    then = await chat.say("그럼?")
    assert then.text.startswith(f"1번 {first.title}") and not then.cards
    assert then.buttons[0].payload == f"select:{first.ref.split(':')[1]}"  # type: ignore[union-attr]
    until = await chat.say("언제까지야?")
    assert until.text.startswith(f"1번 {first.title}") and "영업" in until.text and not until.cards
    go = await chat.say("ㄱㄱ")
    assert first.title in go.text and "가요" in go.text
    assert go.buttons[0].label == "여기로 갈래요"


async def test_where_and_a_numbered_pick_name_the_shop_shown(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    listed = await chat.say("5천원으로 뭐 먹지?")
    first, second = listed.cards[0], listed.cards[1]
    where = await chat.say("그거 어디서 써?")
    assert where.text.startswith(f"1번 {first.title}") and "있어요" in where.text and CANNED not in where.text
    assert "급식카드" in where.text
    picked = await chat.say("2번으로 할래")
    assert second.title in picked.text and picked.buttons[0].payload == f"select:{second.ref.split(':')[1]}"  # type: ignore[union-attr]


async def test_there_with_several_shown_asks_which_and_then_means_the_one_chosen(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    listed = await chat.say("떡볶이 먹고 싶어")
    assert len(listed.cards) > 1, listed.text
    asked = await chat.say("거기 어디야?")
    assert asked.text.startswith("어느 가게 말이에요?") and not asked.cards
    assert [button.label for button in asked.buttons] == [
        f"{rank}번 {card.title}" for rank, card in enumerate(listed.cards, start=1)
    ]
    third = listed.cards[2]
    where = await chat.press(asked.buttons[2])
    assert where.text.startswith(f"3번 {third.title}") and "있어요" in where.text
    hours = await chat.say("거기 몇 시까지 해?")  # the shop chosen is "거기" now
    assert hours.text.startswith(third.title) and "영업" in hours.text
    second = await chat.say("2번 몇 시까지 해?")
    assert second.text.startswith(listed.cards[1].title)
    again = await chat.say("떡볶이 말고 김밥")  # a new list: nothing in focus
    assert len(again.cards) > 1, again.text
    assert (await chat.say("거기 몇 시까지 해?")).text.startswith("어느 가게 말이에요?")


async def test_notices_come_back_on_with_the_verb_alone_right_after_a_switch(
    kkini: DialogueEngine, sample_services: Services
) -> None:
    chat = Chat(kkini, "demo07")
    assert (await chat.say("알림 꺼줘")).text.startswith(OFF_REPLY)
    assert (await chat.say("다시 켜줘")).text.startswith(ON_REPLY)
    assert await _notices_on(sample_services, "demo07")
    assert (await chat.say("알림 꺼줘")).text.startswith(OFF_REPLY)
    await chat.say("떡볶이 먹고 싶어")
    later = await chat.say("다시 켜줘")  # nothing about notices just before: it switches nothing
    assert not later.text.startswith(ON_REPLY)
    assert not await _notices_on(sample_services, "demo07")


async def test_greetings_thanks_laughter_and_remarks_get_short_warm_words(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    for text in ("안녕", "안녕", "고마워", "ㅋㅋ", "ㅋㅋ", "오늘 날씨 좋다", "오늘 날씨 좋다", "나 오늘 시험 봤어"):
        reply = await chat.say(text)
        assert CANNED not in reply.text and CAN_DO not in reply.text, (text, reply.text)
        assert len(reply.text) <= 60 and not reply.cards, (text, reply.text)
    refused = await chat.say("주식 추천해줘")  # asking for something else still hears what kkini does
    assert CANNED in refused.text


async def test_corrections_change_the_search_and_say_what_changed(
    kkini: DialogueEngine, sample_services: Services
) -> None:
    chat = Chat(kkini, "demo07")
    await chat.say("5천원으로 뭐 먹지?")
    more = await chat.say("5천원 말고 8천원")
    assert more.entities.get("budget") == 8000
    assert more.text.startswith("8,000원으로 바꿨어요.") and "8,000원으로 지금" in more.text
    assert all(card.price is not None and card.price <= 8000 for card in more.cards)
    no_bakery = await chat.say("빵집 말고")
    assert no_bakery.text.startswith("제과점은 빼고") and no_bakery.cards
    assert "제과점" not in await _categories(sample_services, no_bakery.cards)
    mild = await chat.say("매운 거 말고")
    assert "매운 것은 빼고" in mild.text and mild.cards
    assert not any("spicy" in tags for tags in await _item_tags(sample_services, mild.text, mild.cards))
    chicken = await chat.say("아 아니 치킨")
    assert chicken.text.startswith("치킨으로 바꿨어요.")
    swapped = await chat.say("피자 말고 떡볶이")
    assert swapped.text.startswith("피자는 빼고 떡볶이로 바꿨어요.")


async def test_dearer_than_the_budget_drops_it_and_cheaper_is_never_pricier(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    await chat.say("5천원으로 뭐 먹지?")
    dearer = await chat.say("5천원 말고 더 비싼 거")
    assert dearer.text.startswith("5,000원보다 비싼 메뉴로 찾았어요.") and dearer.cards
    assert all(card.price is not None and 5000 < card.price <= 9500 for card in dearer.cards)
    assert "예산 안" not in dearer.text  # the 5,000 won no longer holds, and no other budget was said
    cheaper = await chat.say("더 싼 거")
    cheapest = min(card.price or 0 for card in dearer.cards)
    assert cheaper.cards and all(card.price is not None and card.price < cheapest for card in cheaper.cards)


async def test_a_worried_child_is_comforted_and_not_sent_to_a_group_table(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    await chat.say("5천원으로 뭐 먹지?")
    worried = await chat.say("엄마한테 혼날까 봐")
    assert worried.intent != "group_dining" and "companions" not in worried.entities
    assert not worried.cards and "걱정" in worried.text and CANNED not in worried.text
    again = await chat.say("엄마랑 아빠한테 혼날까 봐")
    assert "companions" not in again.entities and not again.cards and CANNED not in again.text


async def test_a_first_time_user_hears_no_reassurance_about_shame_they_did_not_voice(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "first-timer")
    first = await chat.say("처음 쓰는데 친구들이랑 가서 써도 돼요?")
    assert not any(word in first.text for word in ("부끄러", "창피", "알까 봐"))
    assert not any("알까 봐" in button.label or "창피" in button.label for button in first.buttons)
    many = await chat.say("급식카드 쓰는 애들 많아요?")
    assert "창피" not in many.text and "부끄러" not in many.text
    ashamed = await chat.say("급식카드 쓰는 게 창피해요")  # said now: the reassurance is for them
    assert "창피" in ashamed.text or "부끄러" in ashamed.text


async def test_a_long_message_is_read_in_part_and_answered(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    story = "오늘 학교에서 친구랑 놀다가 늦게 왔어요. " * 25 + "그래서 5천원으로 뭐 먹지?"
    assert len(story) > 500
    answered = await chat.say(story)
    assert answered.text.startswith("글이 길어서") and "5,000원으로" in answered.text and answered.cards
    assert all(card.price is not None and card.price <= 5000 for card in answered.cards)
    cut = await chat.say("떡볶이 " * 130)
    assert cut.text.startswith("글이 길어서 앞부분만") and cut.intent is not None
    short = await chat.say("고마워")
    assert "글이 길어서" not in short.text


async def test_food_emoji_alone_ask_for_those_foods(kkini: DialogueEngine) -> None:
    chat = Chat(kkini, "demo07")
    for emoji, food in (("🍕🥤", "피자"), ("🍔", "햄버거"), ("🍜?", "라면")):
        reply = await chat.say(emoji)
        assert reply.intent == "food_request" and reply.entities.get("food_type") == food, (emoji, reply)
        assert reply.text.startswith(f"{food}") and reply.cards
    faces = await chat.say("😋😊")
    assert "이모티콘" in faces.text and faces.intent is None


async def _notices_on(services: Services, external_id: str) -> bool:
    async with services.db.session() as session:
        identity = (await session.exec(select(ChannelIdentity).where(ChannelIdentity.external_id == external_id))).one()
        user = await session.get(User, identity.user_id)
    assert user is not None
    return user.notify_low_balance


async def _categories(services: Services, cards: tuple[Card, ...]) -> set[str]:
    async with services.db.session() as session:
        shops = [await session.get(Shop, int(str(card.ref).split(":")[1])) for card in cards]
    return {shop.category for shop in shops if shop is not None}


async def _item_tags(services: Services, text: str, cards: tuple[Card, ...]) -> list[list[str]]:
    """The tags of the items shown: each card names its shop and, first in its description, its item."""
    tags: list[list[str]] = []
    async with services.db.session() as session:
        for card in cards:
            shop_id = int(str(card.ref).split(":")[1])
            items = (await session.exec(select(MenuItem).where(MenuItem.shop_id == shop_id))).all()
            shown = [item for item in items if card.description.startswith(f"{item.name} ")]
            assert shown, (card, text)
            tags.extend(list(item.tags) for item in shown)
    return tags
