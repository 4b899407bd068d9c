"""Conversations about when to eat, and with a card that cannot pay, replayed with kkini's own understanding over
the sample data loaded at the moment of the conversation (so that today's spending is today's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from kiwipiepy import Kiwi

from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.messages import Button, QuickReplies
from dialogue.nlu.understander import OfflineNLU
from storage.database import Database
from storage.hours import SEOUL
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.dialogue.conftest import KEY, collect, console, final

MONDAY_NOON = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)
CANNED = "도와드리기 어려워요"


@dataclass(frozen=True, slots=True)
class Said:
    text: str
    buttons: tuple[Button, ...]


@dataclass(slots=True)
class Talk:
    """One demo user talking at a fixed moment."""

    services: Services
    nlu: OfflineNLU
    kiwi: Kiwi
    user: str
    at: datetime

    async def lines(self, *texts: str) -> list[Said]:
        said: list[Said] = []
        async with running_dialogue(self.services, nlu=self.nlu, kiwi=self.kiwi) as engine:
            for text in texts:
                events = await collect(engine, console(self.user, text, at=self.at))
                buttons = next((event.buttons for event in events if isinstance(event, QuickReplies)), ())
                said.append(Said(final(events).text, buttons))
        return said


@pytest.fixture
async def services_at(tmp_path: Path, knowledge_dir: Path) -> AsyncIterator[dict[str, Services]]:
    """Sample data loaded at a moment, one database per moment asked for."""
    made: dict[str, Services] = {}
    yield made
    for services in made.values():
        await services.kv.close()
        await services.db.close()


async def _talk(
    made: dict[str, Services], tmp: Path, knowledge: Path, nlu: OfflineNLU, kiwi: Kiwi, user: str, at: datetime
) -> Talk:
    key = at.isoformat()
    if key not in made:
        db = Database(f"sqlite+aiosqlite:///{tmp / f'kkini-{len(made)}.db'}")
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(), KEY, now=at)
        made[key] = Services(settings=Settings(data_dir=knowledge), db=db, kv=InProcessStore("t:"), card_hash_key=KEY)
    return Talk(made[key], nlu, kiwi, user, at)


async def test_time_words_pick_the_moment_and_the_words_follow_it(
    services_at: dict[str, Services], tmp_path: Path, knowledge_dir: Path, offline_nlu: OfflineNLU, kiwi: Kiwi
) -> None:
    afternoon = datetime(2026, 11, 23, 15, 30, tzinfo=SEOUL)
    chicken = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, "demo22", afternoon)
    now, later = await chicken.lines("치킨 먹고 싶어", "7시쯤은?")
    assert "지금" in now.text and "19:00" not in now.text
    assert "저녁 19:00에" in later.text  # a bare "7시" in the afternoon is this evening
    talk = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, "demo07", afternoon)
    dinner, breakfast, lunch, all_day = await talk.lines(
        "저녁 7시쯤 뭐 먹지?", "아침 7시에 먹을 데", "내일 점심 뭐 먹지", "24시간 하는 데"
    )
    assert "저녁 19:00에 열려 있는 곳이에요" in dinner.text and "지금 영업 중" not in dinner.text
    assert "내일 아침 07:00에" in breakfast.text and "그때 영업 중" in breakfast.text
    assert "내일 점심 12:30에" in lunch.text
    assert "24시간 가게예요" in all_day.text and "곧 마감" not in all_day.text and "00:00~00:00" not in all_day.text
    items = [line for line in all_day.text.splitlines() if line[:1].isdigit()]
    assert items and all("24시간 영업" in line for line in items)


async def test_nothing_open_for_the_food_says_when_it_opens(
    services_at: dict[str, Services], tmp_path: Path, knowledge_dir: Path, offline_nlu: OfflineNLU, kiwi: Kiwi
) -> None:
    night = datetime(2026, 11, 23, 23, 10, tzinfo=SEOUL)
    talk = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, "demo07", night)
    (chinese,) = await talk.lines("중식 먹고 싶어")
    assert "중식" in chinese.text and "내일 " in chinese.text and "문을 여는 곳이 있어요" in chinese.text


@pytest.mark.parametrize(
    ("user", "why", "next_step"),
    [
        ("demo02", "잔액이 0원", "12월 1일"),  # balance 0
        ("demo08", "한도 28,500원을 다 써서", "내일이 되면"),  # today's limit spent
        ("demo38", "정지", "주민센터"),  # suspended
        ("demo39", "유효기간", "주민센터"),  # expired
        ("demo37", "분실 신고", "주민센터"),  # reported lost
    ],
)
async def test_a_card_that_cannot_pay_is_answered_with_the_reason_and_the_next_step(
    services_at: dict[str, Services],
    tmp_path: Path,
    knowledge_dir: Path,
    offline_nlu: OfflineNLU,
    kiwi: Kiwi,
    user: str,
    why: str,
    next_step: str,
) -> None:
    talk = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, user, MONDAY_NOON)
    hungry, asked, pay = await talk.lines("강남역 근처 배고파 뭐 먹지?", "왜 안돼?", "결제가 안 돼요")
    for said in (hungry, asked, pay):
        assert CANNED not in said.text
    assert why in hungry.text and next_step in hungry.text
    assert next_step in asked.text and "거예요" in asked.text  # the reason, as an answer
    assert asked.text != hungry.text
    assert "거예요" in pay.text and "급식카드 가맹점" not in pay.text  # the child's own card, not the FAQ's list
    assert any("현금" in button.label for button in (*hungry.buttons, *asked.buttons))


async def test_when_the_card_pays_again_and_a_new_question_after_the_balance(
    services_at: dict[str, Services], tmp_path: Path, knowledge_dir: Path, offline_nlu: OfflineNLU, kiwi: Kiwi
) -> None:
    empty = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, "demo02", MONDAY_NOON)
    hungry, why, when = await empty.lines("배고파", "왜 안돼?", "언제 돼?")
    assert "잔액이 0원" in hungry.text
    assert why.text.startswith("카드에 남은 돈이 0원이라서")  # "배고파" is urgent, and still about the card
    assert when.text.startswith("다음 충전일인 12월 1일에") and "잔액이 0원" not in when.text
    suspended = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, "demo38", MONDAY_NOON)
    balance, food = await suspended.lines("카드 잔액", "뭐 먹지")
    assert "정지된 카드예요" in balance.text
    assert "현금이 있다면" in food.text and "어디 근처야?" in food.text  # a search, not the balance again
    spent = await _talk(services_at, tmp_path, knowledge_dir, offline_nlu, kiwi, "demo08", MONDAY_NOON)
    (limit,) = await spent.lines("잔액 얼마야?")
    assert "오늘 한도 28,500원을 다 써서 오늘은 카드로 더 쓸 수 없어요." in limit.text
    assert "오늘은 0원까지" not in limit.text
