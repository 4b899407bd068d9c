"""Switching notices off and on in chat, through the dialogue engine, whichever intent the message was read as."""

from __future__ import annotations

import pytest

from dialogue.engine import DialogueEngine
from dialogue.handlers.notify import NoticeHandler, notice_switch
from dialogue.messages import Final, IncomingMessage
from dialogue.nlu.types import Understanding
from dialogue.notices import ALREADY_OFF, NO_PUSH_CHANNEL, OFF_REPLY, ON_REPLY, Notices
from dialogue.routing import Assistant, Interceptors
from dialogue.session import SessionStore
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.kv import InProcessStore
from storage.models import User
from tests.fakes.nlu import ScriptedNLU
from tests.jobs.support import EVENING, build_world


class Echo:
    async def handle(self, ctx: TurnContext) -> Reply:
        return Reply(f"[{ctx.understanding.intent}]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("알림 꺼줘", False),
        ("잔액 알림 이제 그만 보내", False),
        ("알림 받기 싫어요", False),
        ("푸시 알림 받고 싶지 않아", False),
        ("알림 켜줘", True),
        ("알림 다시 받을래", True),
        ("알림 끄지 마", True),
        ("주문 들어오면 알림 어떻게 받아요?", None),
        ("알림 설정은 언제 바뀌어?", None),
        ("알림이 왔어", None),
        ("불 좀 꺼줘", None),
    ],
)
def test_the_rule(text: str, expected: bool | None) -> None:
    assert notice_switch(text) is expected


async def say(engine: DialogueEngine, user: str, text: str) -> str:
    finals = [
        event
        async for event in engine.handle(IncomingMessage("console", user, text, received_at=EVENING))
        if isinstance(event, Final)
    ]
    return finals[-1].text


async def wants(db: Database, user_id: int) -> bool:
    async with db.session() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user.notify_low_balance


async def test_switching_through_the_engine(sqlite_db: Database) -> None:
    world = await build_world(sqlite_db, holders=2, telegram=True)
    async with sqlite_db.session() as session:  # onboarded users: no first-time questions in the replies
        for user_id in world.user_ids:
            user = await session.get(User, user_id)
            assert user is not None
            user.onboarded_at = EVENING
            session.add(user)
    notices = NoticeHandler(Notices(sqlite_db))
    handlers = {"preference_update": Echo(), "faq": Echo(), "general_chat": Echo()}
    engine = DialogueEngine(
        db=sqlite_db,
        sessions=SessionStore(InProcessStore("t:")),
        nlu=ScriptedNLU(
            {
                "알림 다시 켜줘": Understanding("preference_update", 0.6),
                "주문 들어오면 알림 어떻게 받아요?": Understanding("faq", 0.6),
            },
            default=Understanding("general_chat", 0.6),
        ),
        assistants={"meal": Assistant("meal", handlers, fallback=Echo(), interceptors=Interceptors((notices,)))},
    )
    first = world.user_ids[0]
    assert await say(engine, "student1", "알림 꺼줘") == OFF_REPLY  # read as general_chat, served all the same
    assert not await wants(sqlite_db, first)
    assert await say(engine, "student1", "알림 꺼줘") == ALREADY_OFF
    assert await say(engine, "student1", "알림 다시 켜줘") == ON_REPLY
    assert await wants(sqlite_db, first)
    assert await say(engine, "student1", "주문 들어오면 알림 어떻게 받아요?") == "[faq]"
    # A user kkini cannot push to is told where notices go.
    async with sqlite_db.session() as session:
        from sqlmodel import select

        from storage.models import ChannelIdentity

        for identity in (await session.exec(select(ChannelIdentity))).all():
            if identity.channel == "telegram" and identity.user_id == world.user_ids[1]:
                await session.delete(identity)
    await say(engine, "student2", "알림 꺼줘")
    assert await say(engine, "student2", "알림 켜줘") == ON_REPLY + NO_PUSH_CHANNEL
