"""An unsure reading is asked about, with a button per meaning; a sure one, a rule's or small talk is answered."""

from __future__ import annotations

import pytest

from dialogue.engine import DialogueEngine
from dialogue.handlers.clarify import NOT_THESE, PAYLOAD_PREFIX, choices
from dialogue.messages import Cards, QuickReplies
from dialogue.nlu.types import Understanding
from tests.dialogue.conftest import collect, console, final


@pytest.mark.parametrize(
    ("understanding", "asked"),
    [
        (Understanding("food_request", 0.41, margin=0.08, runner_up="faq"), ("food_request", "faq")),
        (Understanding("out_of_scope", 0.45, margin=0.1, runner_up="balance_inquiry"), ("balance_inquiry",)),
        (Understanding("food_request", 0.41, margin=0.08, runner_up="location_inquiry"), ()),  # both list places
        (Understanding("food_request", 0.8, margin=0.08, runner_up="faq"), ()),  # sure enough
        (Understanding("faq", 0.45, margin=0.6, runner_up="food_request"), ()),  # a clear first choice
        (Understanding("general_chat", 0.3, margin=0.05, runner_up="food_request"), ()),  # small talk costs nothing
        (Understanding("out_of_scope", 0.4, margin=0.05, runner_up="general_chat"), ()),
    ],
)
def test_only_a_close_call_between_different_answers_is_asked(
    understanding: Understanding, asked: tuple[str, ...]
) -> None:
    assert choices(understanding) == asked


async def test_the_button_answers_the_first_message_as_the_meaning_chosen(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    unsure = "편의점 카드 되는 데"
    script[unsure] = Understanding("food_request", 0.42, {}, margin=0.05, runner_up="faq")
    events = await collect(engine, console("demo11", unsure))
    reply = final(events)
    assert "아니면" in reply.text and reply.text.endswith("?")
    buttons = next(event for event in events if isinstance(event, QuickReplies)).buttons
    assert [button.payload for button in buttons] == [
        PAYLOAD_PREFIX + "food_request",
        PAYLOAD_PREFIX + "faq",
        PAYLOAD_PREFIX + NOT_THESE,
    ]
    faq = next(button for button in buttons if button.payload.endswith("faq"))
    answered = final(await collect(engine, console("demo11", faq.label, payload=faq.payload)))
    assert "편의점" in answered.text and "아니면" not in answered.text  # the card FAQ on convenience stores

    again = await collect(engine, console("demo11", faq.label, payload=faq.payload))  # pressed twice
    assert "다시" in final(again).text  # nothing kept any more: asks to say it again, answers nothing twice


async def test_neither_asks_to_say_it_again(engine: DialogueEngine, script: dict[str, Understanding]) -> None:
    script["그거 되나"] = Understanding("food_request", 0.4, {}, margin=0.1, runner_up="faq")
    events = await collect(engine, console("demo12", "그거 되나"))
    neither = next(event for event in events if isinstance(event, QuickReplies)).buttons[-1]
    assert neither.label == "둘 다 아니에요"
    pressed = await collect(engine, console("demo12", neither.label, payload=neither.payload))
    assert "다시" in final(pressed).text and not any(isinstance(event, QuickReplies) for event in pressed)


async def test_a_sure_reading_is_answered_without_a_question(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    script["떡볶이 먹고 싶어"] = Understanding(
        "food_request", 0.93, {"food_type": "떡볶이"}, margin=0.9, runner_up="faq"
    )
    reply = final(await collect(engine, console("demo13", "떡볶이 먹고 싶어")))
    assert "아니면" not in reply.text


async def test_the_slots_of_the_unsure_message_hold_once_a_meaning_is_chosen(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    unsure = "5천원 편의점 카드"
    script[unsure] = Understanding(
        "food_request",
        0.42,
        {"budget": 5000, "food_type": "편의점"},
        food_category="편의점",
        margin=0.05,
        runner_up="faq",
    )
    events = await collect(engine, console("demo22", unsure))
    buttons = next(event for event in events if isinstance(event, QuickReplies)).buttons
    food = next(button for button in buttons if button.payload.endswith("food_request"))
    chosen = await collect(engine, console("demo22", food.label, payload=food.payload))
    cards = next(event for event in chosen if isinstance(event, Cards)).cards
    assert cards and all(card.price is not None and card.price <= 5000 for card in cards)
    assert "5,000원으로" in final(chosen).text
