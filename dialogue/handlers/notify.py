"""Switching kkini's own pushes (low-balance and coupon-expiry notices) off and on: "알림 꺼줘", "알림 다시 켜줘".

The intent list has no intent for it, so a precise rule recognises the request: a word for notices followed by a
verb that switches, and no question word ("주문 알림 어떻게 받아요?" is a question about the service, not a request).
`NoticeHandler.intercept` answers it before any handler or the model (``dialogue.routing``), so the request is served
whichever intent the classifier picked (its training examples file it under preference_update) and on the model path
too. Right after a switch, a short message with the verb alone ("다시 켜줘", "아니 꺼줘") switches again: the notices
are what the conversation is about.
"""

from __future__ import annotations

import re

from dialogue.handlers.context import finished, previous_reply
from dialogue.notices import Notices, is_switch_reply, switch_reply
from dialogue.turn import Reply, TurnContext

_NOTICE = re.compile(r"(알림|알람|푸시|노티)")
_QUESTION = re.compile(r"(어떻게|어떡|어케|왜|언제|무슨|뭐야|뭔가요|어디서)")
# Negated forms first: "끄지 마" keeps them on, "받고 싶지 않아" turns them off.
_KEEP_ON = re.compile(r"(끄지\s*마|끄지\s*말)")
_OFF = re.compile(
    r"(꺼|끄|끊|그만|중지|중단|해제|멈춰|멈추|싫|안\s*받|받지\s*않|싶지\s*않|필요\s*없|보내지\s*마|보내지\s*말|"
    r"안\s*보내|사절|차단|없애)"
)
_ON = re.compile(r"(켜|다시\s*받|받을래|받을게|받고\s*싶|받을\s*수\s*있게|보내\s*줘|보내\s*주세요|허용|다시\s*보내)")


# The verb of a switch said alone, right after one: the words that switch, never "싫어" or "그만" on their own.
_BARE_SWITCH = re.compile(r"켜|꺼|끄|끊|다시\s*받|받을래|보내\s*줘|보내지\s*마|중지|해제|허용|멈춰")
_BARE_WORDS = 3


def notice_switch(text: str) -> bool | None:
    """True for a request to switch notices on, False for off, None when the text is not such a request."""
    found = _NOTICE.search(text)
    if found is None or _QUESTION.search(text):
        return None
    return _switch_in(text[found.start() :])


def bare_switch(text: str) -> bool | None:
    """The switch a short message asks for with its verb alone ("다시 켜줘" -> True, "아니 꺼줘" -> False), or None;
    it means notices only right after a switch (``NoticeHandler.intercept``)."""
    if len(text.split()) > _BARE_WORDS or _QUESTION.search(text) or not _BARE_SWITCH.search(text):
        return None
    return _switch_in(text)


def _switch_in(words: str) -> bool | None:
    if _KEEP_ON.search(words):
        return True
    if _OFF.search(words):
        return False
    if _ON.search(words):
        return True
    return None


class NoticeHandler:
    """Answers a notice switch in words: records it on the user and says what changes."""

    def __init__(self, notices: Notices) -> None:
        self.notices = notices

    async def handle(self, ctx: TurnContext) -> Reply:
        wanted = self._wanted(ctx)
        if wanted is None:
            return finished(ctx, Reply('알림을 끄려면 "알림 꺼줘", 다시 받으려면 "알림 켜줘"라고 말해 주세요.'))
        return finished(ctx, switch_reply(await self.notices.switch(ctx, wanted)))

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        """A notice switch ("알림 꺼줘", "알림 다시 켜줘") whichever intent it was read as (``dialogue.routing``),
        and the verb alone ("다시 켜줘") right after a switch."""
        if self._wanted(ctx) is None:
            return None
        return await self.handle(ctx)

    @staticmethod
    def _wanted(ctx: TurnContext) -> bool | None:
        wanted = notice_switch(ctx.text)
        if wanted is None and is_switch_reply(previous_reply(ctx.session) or ""):
            wanted = bare_switch(ctx.text)
        return wanted
