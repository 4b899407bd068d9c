"""Switching kkini's own pushes (low-balance and coupon-expiry notices) off and on, and what the user is told: one
service for the words ("알림 꺼줘", ``dialogue.handlers.notify``) and for the model's ``notices`` tool."""

from __future__ import annotations

from dataclasses import dataclass

from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.repositories import UserRepository
from storage.repositories.outbox import PUSH_CHANNELS

OFF_REPLY = (
    '알겠어요. 이제 잔액 부족 알림과 쿠폰 만료 알림을 보내지 않을게요. 다시 받고 싶으면 "알림 켜줘"라고 말해 주세요.'
)
ALREADY_OFF = '지금은 알림을 보내지 않고 있어요. 다시 받고 싶으면 "알림 켜줘"라고 말해 주세요.'
ON_REPLY = "좋아요! 잔액이 얼마 남지 않았거나 쿠폰이 곧 끝나면 알려드릴게요. 밤에는 보내지 않아요."
ALREADY_ON = "이미 알림을 받고 있어요. 잔액이 얼마 남지 않았거나 쿠폰이 곧 끝나면 알려드릴게요."
NO_PUSH_CHANNEL = " 알림은 텔레그램이나 카카오톡으로 가니, 그곳에서도 끼니와 대화를 시작해 주세요."


@dataclass(frozen=True, slots=True)
class NoticeSwitch:
    """What switching did: notices now ``on``, whether that ``changed`` anything, and whether the user can be
    reached by a push at all (a Telegram or Kakao identity)."""

    on: bool
    changed: bool
    reachable: bool


class Notices:
    """The user's pushed notices (low balance, coupon expiry): the one place that switches them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def switch(self, ctx: TurnContext, wanted: bool) -> NoticeSwitch:
        async with self.db.session() as session:
            users = UserRepository(session)
            changed = await users.set_notices(ctx.user_id, wanted)
            identities = await users.identities(ctx.user_id)
        ctx.user.notify_low_balance = wanted
        reachable = any(identity.channel in PUSH_CHANNELS for identity in identities)
        return NoticeSwitch(wanted, changed, reachable)


def switch_reply(done: NoticeSwitch) -> Reply:
    """What the user is told after a switch."""
    if not done.on:
        return Reply(OFF_REPLY if done.changed else ALREADY_OFF)
    text = ON_REPLY if done.changed else ALREADY_ON
    return Reply(text if done.reachable else text + NO_PUSH_CHANNEL)


def is_switch_reply(text: str) -> bool:
    """Whether ``text`` is what a user is told after a switch (``switch_reply``): the next message may then switch
    again without naming notices ("다시 켜줘")."""
    return text.startswith((OFF_REPLY, ALREADY_OFF, ON_REPLY, ALREADY_ON))
