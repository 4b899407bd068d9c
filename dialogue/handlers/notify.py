"""Switching kkini's own pushes (low-balance and coupon-expiry notices) off and on: "알림 꺼줘", "알림 다시 켜줘".

The intent list has no intent for it, so a precise rule recognises the request: a word for notices followed by a
verb that switches, and no question word ("주문 알림 어떻게 받아요?" is a question about the service, not a request).
`NoticeHandler.intercept` answers it before any handler or the model (``dialogue.routing``), so the request is served
whichever intent the classifier picked (its training examples file it under preference_update) and on the model path
too.
"""

from __future__ import annotations

import re

from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.repositories import UserRepository
from storage.repositories.outbox import PUSH_CHANNELS

_NOTICE = re.compile(r"(알림|알람|푸시|노티)")
_QUESTION = re.compile(r"(어떻게|어떡|어케|왜|언제|무슨|뭐야|뭔가요|어디서)")
# Negated forms first: "끄지 마" keeps them on, "받고 싶지 않아" turns them off.
_KEEP_ON = re.compile(r"(끄지\s*마|끄지\s*말)")
_OFF = re.compile(
    r"(꺼|끄|끊|그만|중지|중단|해제|멈춰|멈추|싫|안\s*받|받지\s*않|싶지\s*않|필요\s*없|보내지\s*마|보내지\s*말|"
    r"안\s*보내|사절|차단|없애)"
)
_ON = re.compile(r"(켜|다시\s*받|받을래|받을게|받고\s*싶|받을\s*수\s*있게|보내\s*줘|보내\s*주세요|허용|다시\s*보내)")

OFF_REPLY = (
    '알겠어요. 이제 잔액 부족 알림과 쿠폰 만료 알림을 보내지 않을게요. 다시 받고 싶으면 "알림 켜줘"라고 말해 주세요.'
)
ALREADY_OFF = '지금은 알림을 보내지 않고 있어요. 다시 받고 싶으면 "알림 켜줘"라고 말해 주세요.'
ON_REPLY = "좋아요! 잔액이 얼마 남지 않았거나 쿠폰이 곧 끝나면 알려드릴게요. 밤에는 보내지 않아요."
ALREADY_ON = "이미 알림을 받고 있어요. 잔액이 얼마 남지 않았거나 쿠폰이 곧 끝나면 알려드릴게요."
NO_PUSH_CHANNEL = " 알림은 텔레그램이나 카카오톡으로 가니, 그곳에서도 끼니와 대화를 시작해 주세요."


def notice_switch(text: str) -> bool | None:
    """True for a request to switch notices on, False for off, None when the text is not such a request."""
    found = _NOTICE.search(text)
    if found is None or _QUESTION.search(text):
        return None
    after = text[found.start() :]
    if _KEEP_ON.search(after):
        return True
    if _OFF.search(after):
        return False
    if _ON.search(after):
        return True
    return None


class NoticeHandler:
    """Answers a notice switch: records it on the user and says what changes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def handle(self, ctx: TurnContext) -> Reply:
        wanted = notice_switch(ctx.text)
        if wanted is None:
            return Reply('알림을 끄려면 "알림 꺼줘", 다시 받으려면 "알림 켜줘"라고 말해 주세요.')
        async with self.db.session() as session:
            users = UserRepository(session)
            changed = await users.set_notices(ctx.user_id, wanted)
            identities = await users.identities(ctx.user_id)
        ctx.user.notify_low_balance = wanted
        if not wanted:
            return Reply(OFF_REPLY if changed else ALREADY_OFF)
        text = ON_REPLY if changed else ALREADY_ON
        if not any(identity.channel in PUSH_CHANNELS for identity in identities):
            text += NO_PUSH_CHANNEL
        return Reply(text)

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        """A notice switch ("알림 꺼줘", "알림 다시 켜줘") whichever intent it was read as (``dialogue.routing``)."""
        if notice_switch(ctx.text) is None:
            return None
        return await self.handle(ctx)
