"""Asking instead of guessing: when the reading of a message is unsure and its two likeliest intents would lead to
different answers, kkini asks which one was meant, with a button for each, instead of answering the likelier one.

"Unsure" uses the calibrated confidence of the understanding (right about that share of the time on messages the
model never saw, dialogue/nlu/calibration.py) and the margin to the runner-up: a message at 0.4 is misread more
often than not, and a wrong list of restaurants costs a child more than one short question. A message that a rule
of the spec or the conversation decided carries a fixed confidence of 0.7 or more, so it is never asked about; nor
is a greeting or small talk, whose wrong answer costs nothing.

The message is kept in the session (``Session.unsure``) until a button is pressed; the button's handler answers it
as the intent chosen, with the entities read from it the first time, through the assistant's own handler table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dialogue.messages import Button
from dialogue.nlu.types import Understanding
from dialogue.turn import Handler, Reply, TurnContext

PAYLOAD_PREFIX = "clarify:"
"""The buttons of a clarifying question: the intent chosen follows ("clarify:faq")."""
NOT_THESE = "none"
"""The payload suffix of "둘 다 아니에요"."""

UNSURE_BELOW = 0.5
"""A calibrated confidence below this is more often wrong than right: ask."""
CLOSE_MARGIN = 0.25
"""...and only when the runner-up is this close (a confident second opinion is what makes the question useful)."""

_OFFERS: dict[str, tuple[str, str]] = {
    # intent: (button label, what kkini offers to do, as the end of "…할까요?")
    "food_request": ("메뉴 추천", "먹을 곳을 추천해 드릴까요"),
    "budget_inquiry": ("예산으로 추천", "가진 돈으로 먹을 수 있는 걸 찾아 드릴까요"),
    "location_inquiry": ("근처 가게 찾기", "근처 가게를 찾아 드릴까요"),
    "time_inquiry": ("영업시간 보기", "지금 문 연 곳을 찾아 드릴까요"),
    "group_dining": ("여럿이 먹을 곳", "여럿이 먹을 곳을 찾아 드릴까요"),
    "emergency_food": ("바로 먹을 곳", "지금 바로 먹을 수 있는 곳을 찾아 드릴까요"),
    "faq": ("카드 사용법", "급식카드 사용법을 알려 드릴까요"),
    "balance_inquiry": ("잔액 확인", "카드 잔액을 알려 드릴까요"),
    "coupon_inquiry": ("쿠폰 확인", "쓸 수 있는 쿠폰을 알려 드릴까요"),
    "order_add": ("주문하기", "주문을 도와드릴까요"),
    "menu_option": ("옵션 바꾸기", "메뉴 옵션을 바꿔 드릴까요"),
    "cart_view": ("장바구니 보기", "장바구니를 보여 드릴까요"),
    "checkout": ("결제하기", "주문을 결제할까요"),
    "preference_update": ("취향 저장", "취향을 기억해 둘까요"),
}
_FAMILY: dict[str, str] = {
    **dict.fromkeys(
        ("food_request", "budget_inquiry", "location_inquiry", "time_inquiry", "group_dining", "emergency_food"),
        "search",
    ),
    **dict.fromkeys(("order_add", "menu_option", "cart_view", "cart_clear", "checkout"), "order"),
    **dict.fromkeys(("balance_inquiry", "coupon_inquiry"), "wallet"),
}
"""Intents whose answers are alike (a list of places, whichever of these): a close call among them is not asked."""
_CHAT = frozenset({"general_chat", "out_of_scope"})


def _family(intent: str) -> str:
    return _FAMILY.get(intent, intent)


def choices(understanding: Understanding, previous: str | None = None) -> tuple[str, ...]:
    """The intents to ask between (one or two, likelier first), or () when the reading is sure enough to answer.
    ``previous`` is the intent of the user's message before: a reading that keeps the conversation's topic ("편의점
    에서도 쓸 수 있어?" after a card question) is answered, not asked about."""
    intent, second = understanding.intent, understanding.runner_up
    if understanding.confidence >= UNSURE_BELOW or understanding.margin >= CLOSE_MARGIN or second is None:
        return ()
    if intent == previous:
        return ()
    if intent == "general_chat" or _family(intent) == _family(second):
        return ()
    offered = tuple(name for name in (intent, second) if name in _OFFERS)
    if intent == "out_of_scope" and second not in _OFFERS:
        return ()
    return offered


def question(offered: tuple[str, ...]) -> Reply:
    """The clarifying question with one button per choice and one for neither."""
    asks = [_OFFERS[name][1] for name in offered]
    if len(asks) == 2:
        text = f"제가 잘 이해했는지 모르겠어요. {asks[0]}, 아니면 {asks[1]}?"
    else:
        text = f"혹시 {asks[0]}?"
    buttons = [Button(_OFFERS[name][0], PAYLOAD_PREFIX + name) for name in offered]
    buttons.append(Button("둘 다 아니에요" if len(offered) == 2 else "아니요", PAYLOAD_PREFIX + NOT_THESE))
    return Reply(text, quick_replies=tuple(buttons))


def kept(text: str, understanding: Understanding) -> dict[str, Any]:
    """What the session keeps of the unsure message until a button is pressed (JSON-ready)."""
    return {
        "text": text,
        "entities": understanding.entities,
        "food_category": understanding.food_category,
        "excluded_food": list(understanding.excluded_food),
        "reference": understanding.reference,
        "wants_other": understanding.wants_other,
    }


def ask_which_one(ctx: TurnContext) -> Reply | None:
    """The clarifying question for an unsure message (kept in the session for the button), or None to answer it."""
    said = [turn.intent for turn in ctx.session.turns if turn.role == "user" and turn.intent]
    offered = choices(ctx.understanding, said[-1] if said else None)
    if not offered:
        return None
    ctx.session.unsure = kept(ctx.text, ctx.understanding)
    return question(offered)


class ChosenMeaning:
    """A button of the clarifying question: the kept message answered as the intent chosen."""

    def __init__(self, handlers: Mapping[str, Handler], fallback: Handler) -> None:
        self.handlers = handlers
        self.fallback = fallback

    async def handle(self, ctx: TurnContext) -> Reply:
        chosen = (ctx.message.payload or "").removeprefix(PAYLOAD_PREFIX)
        asked, ctx.session.unsure = ctx.session.unsure, None
        if chosen == NOT_THESE:
            return Reply(
                "알겠어요! 다시 한 번 편하게 말해 주세요. 먹을 곳 추천, 급식카드 잔액이나 사용법, 주문을 도와드릴 수 있어요."
            )
        if asked is None or chosen not in _OFFERS:
            return Reply("어떤 걸 물어보셨는지 놓쳤어요. 한 번만 다시 말해 주실래요?")
        understanding = Understanding(
            intent=chosen,
            confidence=1.0,
            entities=dict(asked.get("entities") or {}),
            food_category=asked.get("food_category"),
            excluded_food=tuple(asked.get("excluded_food") or ()),
            reference=asked.get("reference"),
            wants_other=bool(asked.get("wants_other")),
        )
        ctx.understanding = understanding
        ctx.text = str(asked.get("text") or ctx.text)
        ctx.message = replace(ctx.message, text=ctx.text, payload=None)
        # The slots are the message's already: routing merged them when it came, before asking what it meant.
        return await self.handlers.get(chosen, self.fallback).handle(ctx)
