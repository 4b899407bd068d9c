"""FAQ answers through the engine: the meal assistant's faq intent, and the seller assistant end to end, including
the multi-turn scenarios of ../shared/eval/faq_multiturn_scenarios.json."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kiwipiepy import Kiwi

from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.faq import MORE_LABEL
from dialogue.messages import IncomingMessage, QuickReplies, Text, TextDelta
from dialogue.nlu.types import Understanding
from dialogue.nlu.understander import OfflineNLU
from knowledge.corpus.meal_faq import meal_faq
from knowledge.gate.refusal import SELLER_GREETING, SELLER_REFUSAL
from storage.database import Database
from storage.kv import InProcessStore
from storage.migrate import upgrade
from tests.dialogue.conftest import KEY, SELLER_EMBEDDING, collect, console, final


async def test_meal_faq_is_answered_streamed_and_followed_up(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    question = "급식카드 편의점에서도 쓸 수 있어?"
    script[question] = Understanding("faq", 0.9, {})
    events = await collect(engine, console("demo07", question))
    deltas = "".join(event.text for event in events if isinstance(event, TextDelta))
    text = next(event for event in events if isinstance(event, Text)).text
    assert deltas == text and "편의점" in text
    buttons = next(event for event in events if isinstance(event, QuickReplies)).buttons
    assert len(buttons) == 2 and all(button.payload.startswith("faq:") for button in buttons)
    ids = {entry.id for entry in meal_faq()}
    assert all(button.payload.removeprefix("faq:") in ids for button in buttons)
    pressed = await collect(engine, console("demo07", buttons[0].label, payload=buttons[0].payload))
    chosen = next(entry for entry in meal_faq() if entry.id == buttons[0].payload.removeprefix("faq:"))
    assert final(pressed).text.startswith(chosen.question)


async def test_meal_faq_refuses_questions_of_another_domain(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    question = "쿠팡 로켓배송 판매자 정산 주기 알려줘"
    script[question] = Understanding("faq", 0.6, {})
    events = await collect(engine, console("demo07", question))
    assert "도와드리기 어려워요" in final(events).text


@pytest.fixture
async def seller(
    tmp_path: Path, seller_faq_file: Path, seller_dir: Path, kiwi: Kiwi, offline_nlu: OfflineNLU
) -> AsyncIterator[DialogueEngine]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}")
    await upgrade(db.engine)
    kv = InProcessStore("seller:")
    settings = Settings(
        data_dir=seller_dir, knowledge={"seller_faq_path": seller_faq_file, "embedding": SELLER_EMBEDDING}
    )
    services = Services(settings=settings, db=db, kv=kv, card_hash_key=KEY)
    try:
        async with running_dialogue(services, nlu=offline_nlu, kiwi=kiwi, assistants=("seller",)) as engine:
            yield engine
    finally:
        await kv.close()
        await db.close()


async def ask(engine: DialogueEngine, user: str, text: str) -> str:
    events = await collect(engine, IncomingMessage("slack", user, text=text, assistant="seller"))
    return final(events).text


async def test_seller_multiturn_scenarios(seller: DialogueEngine, shared_dir: Path) -> None:
    scenarios = json.loads((shared_dir / "eval" / "faq_multiturn_scenarios.json").read_text(encoding="utf-8"))
    joined = await ask(seller, "u1", scenarios["test_user_1"][0])
    other = await ask(seller, "u1", scenarios["test_user_1"][1])  # "다른 방법은 없어?": still about signing up
    assert "가입" in joined.splitlines()[0]
    assert "가입" in other and other.splitlines()[0] != joined.splitlines()[0]
    assert SELLER_REFUSAL not in other

    when = await ask(seller, "u2", scenarios["test_user_2"][0])
    history = await ask(seller, "u2", scenarios["test_user_2"][1])
    assert "정산" in when.splitlines()[0] and "정산" in history.splitlines()[0]
    assert "내역" in history.splitlines()[0] or "조회" in history

    refused = await ask(seller, "u3", scenarios["test_user_3"][0])
    assert refused.startswith(SELLER_REFUSAL)
    suggestion = refused.removeprefix(SELLER_REFUSAL).strip().removeprefix("- ")
    assert suggestion, "the refusal offers one in-scope question"


async def test_seller_answers_only_the_faq(seller: DialogueEngine) -> None:
    assert (await ask(seller, "u4", "11번가 판매자 정산은 언제 돼?")).startswith(SELLER_REFUSAL)
    assert (await ask(seller, "u4", "오늘 날씨 어때?")).startswith(SELLER_REFUSAL)
    answer = await ask(seller, "u4", "반품 배송비는 누가 내나요?")
    assert not answer.startswith(SELLER_REFUSAL) and ("반품" in answer or "배송비" in answer)


async def test_a_short_follow_up_of_a_card_question_stays_with_the_faq(
    engine: DialogueEngine, script: dict[str, Understanding]
) -> None:
    """ "다른 방법은 없어?" reads as small talk or out of scope on its own; right after an FAQ answer it is a follow-up."""
    question, follow_up = "급식카드 잃어버렸어 어떻게 해?", "다른 방법은 없어?"
    script[question] = Understanding("faq", 0.9, {})
    script[follow_up] = Understanding("out_of_scope", 0.7, {})
    await collect(engine, console("demo07", question))
    answered = final(await collect(engine, console("demo07", follow_up)))
    assert "도와드리기 어려워요" not in answered.text
    assert "?\n\n" in answered.text  # an entry's title, then its answer
    again = final(await collect(engine, console("demo08", follow_up)))
    assert "도와드리기 어려워요" in again.text  # with no FAQ turn before it, the same words are out of scope


async def test_a_meal_faq_answer_names_its_source(engine: DialogueEngine, script: dict[str, Understanding]) -> None:
    question = "급식카드 잃어버렸어 어떻게 해?"
    script[question] = Understanding("faq", 0.9, {})
    done = final(await collect(engine, console("demo09", question)))
    sources = done.meta.sources
    assert len(sources) == 1
    assert done.text.startswith(sources[0].question) and isinstance(sources[0].score, float)


async def test_the_seller_greets_a_greeting(seller: DialogueEngine) -> None:
    text = await ask(seller, "u6", "안녕하세요!")
    assert text.startswith(SELLER_GREETING) and SELLER_REFUSAL not in text


async def test_a_long_entry_answers_with_its_passage_and_shows_the_rest_on_request(seller: DialogueEngine) -> None:
    message = IncomingMessage("slack", "u7", text="판매자 탈퇴는 어떻게 하나요?", assistant="seller")
    events = await collect(seller, message)
    buttons = next(event for event in events if isinstance(event, QuickReplies)).buttons
    more = [button for button in buttons if button.label == MORE_LABEL]
    follow_ups = [button for button in buttons if button.label != MORE_LABEL]
    assert len(follow_ups) == 2 and all(button.payload.startswith("faq:") for button in follow_ups)
    if more:  # the entry says more than its passage: the button shows the whole entry
        pressed = await collect(seller, IncomingMessage("slack", "u7", payload=more[0].payload, assistant="seller"))
        whole = final(pressed).text
        assert len(whole) > len(final(events).text) and whole.split("\n")[0] == final(events).text.split("\n")[0]
