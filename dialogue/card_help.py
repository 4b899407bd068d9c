"""When the card cannot pay: why, in one sentence; when that changes; what to do; and what is possible now.

A card cannot pay when its balance is 0, today's limit is spent, or it is suspended, expired or reported lost.
``card_trouble`` reads which from the card; the recommender's reply, the balance reply and "왜 안돼?" all word it
from the same ``CardTrouble``, kindly and briefly: a child who cannot pay for a meal needs the next step, not a
lecture. The sample data has no free-meal places, so what is possible now is cash, or waiting for the date given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.account import CardView
from dialogue.handlers.context import finished
from dialogue.korean import won
from dialogue.messages import Button
from dialogue.nlu.normalize import for_matching
from dialogue.turn import Reply, TurnContext
from storage.models import CardStatus

CENTRE = "카드를 발급한 주민센터"
ASK_ADULT = "보호자나 선생님께 도와 달라고 해도 돼요."
CASH_BUTTON = Button("현금으로 갈 곳", "현금으로 먹을 곳 알려줘")
BALANCE_BUTTON = Button("잔액 확인", "카드 잔액 얼마야?")
# "왜 안돼?", "카드 왜 안 돼", "결제가 안 돼요", "못 써?": a question about the card not paying.
_CANNOT = re.compile(
    r"왜 ?(?:안|못)|안 ?(?:돼|되|됨|됐|된)|안돼|못 ?(?:써|쓰|씀|써요)|거절|승인|정지|막혔|막혀|결제 ?(?:가|이)? ?안"
)
_CARD_WORDS = re.compile(r"카드|결제|계산|잔액|한도|돈")
_BARE_WHY = re.compile(r"^(?:왜|어째서|왜요|왜 ?그래|이유가 ?뭐)[?!.~ ]*$")
# "언제 돼?", "언제 다시 쓸 수 있어?", "충전 언제 돼", "언제 풀려?": when the card pays again.
_WHEN_AGAIN = re.compile(
    r"언제(?: ?부터)? ?(?:돼|되|풀려|풀리|충전|쓸 ?수|다시|채워)|충전 ?(?:은|이)? ?언제|^언제(?:요)?[?!.~ ]*$"
)
_SHORT = 4
_CASH = re.compile(r"현금|현장 ?결제|카드 ?말고|카드 ?없이|내 ?돈")
_BY_CARD = re.compile(r"카드로 ?(?:먹|갈|결제|낼|살|찾)|급식 ?카드로")


@dataclass(frozen=True, slots=True)
class CardTrouble:
    """Why the card cannot pay, in the words each reply needs."""

    kind: str
    """"balance", "daily", "suspended", "expired", "lost" or "unusable"."""
    reason: str
    """One sentence: why the card cannot pay now."""
    because: str
    """The same reason as an answer to "왜 안돼?"."""
    changes: str
    """When it changes: the next top-up, tomorrow's limit, a new card."""
    todo: str
    """What to do: the centre, a guardian or teacher; empty when waiting is all it takes."""

    def full(self) -> str:
        return " ".join(part for part in (self.reason, self.changes, self.todo) if part)

    def brief(self) -> str:
        """Why and what to do, before a search that goes on in cash."""
        return " ".join(part for part in (self.reason, self.todo) if part)

    def answer(self) -> str:
        return " ".join(part for part in (self.because, self.changes, self.todo) if part)

    def when_again(self) -> str:
        return " ".join(
            part for part in (self.changes or "언제 다시 쓸 수 있는지는 아직 알 수 없어요.", self.todo) if part
        )


def card_trouble(card: CardView | None) -> CardTrouble | None:
    """What keeps ``card`` from paying, or None when it can pay (or there is no card)."""
    if card is None:
        return None
    if card.status == CardStatus.SUSPENDED:
        return CardTrouble(
            "suspended",
            "지금 카드 사용이 정지돼 있어서 카드로는 결제가 안 돼요.",
            "카드 사용이 정지된 상태라서 결제가 안 되는 거예요.",
            "정지가 풀리면 다시 쓸 수 있어요.",
            f"왜 정지됐는지는 {CENTRE}에 물어보면 알려 줘요. {ASK_ADULT}",
        )
    if card.status == CardStatus.EXPIRED:
        return CardTrouble(
            "expired",
            "카드 유효기간이 지나서 카드로는 결제가 안 돼요.",
            "카드 유효기간이 지나서 결제가 안 되는 거예요.",
            "새 카드를 받으면 다시 쓸 수 있어요.",
            f"{CENTRE}에 새 카드를 어떻게 받는지 물어봐 주세요. {ASK_ADULT}",
        )
    if card.status == CardStatus.LOST:
        return CardTrouble(
            "lost",
            "분실 신고된 카드라서 카드로는 결제가 안 돼요.",
            "카드가 분실 신고돼 있어서, 다른 사람이 못 쓰게 결제를 막아 둔 거예요.",
            "새 카드를 받으면 다시 쓸 수 있어요.",
            f"새 카드는 {CENTRE}에 신청하면 돼요. {ASK_ADULT}",
        )
    if not card.active:
        return CardTrouble(
            "unusable",
            "지금은 이 카드로 결제가 안 돼요.",
            "카드 상태 때문에 지금은 결제가 안 되는 거예요.",
            "",
            f"자세한 이유는 {CENTRE}에 물어봐 주세요. {ASK_ADULT}",
        )
    top_up = (
        f"다음 충전일인 {card.next_top_up.month}월 {card.next_top_up.day}일에 다시 채워져요."
        if card.next_top_up is not None
        else "충전되면 다시 쓸 수 있어요."
    )
    if card.balance <= 0:
        return CardTrouble(
            "balance",
            "카드 잔액이 0원이라서 지금은 카드로 결제할 수 없어요.",
            "카드에 남은 돈이 0원이라서 결제가 안 되는 거예요.",
            top_up,
            f"그 전에 밥값이 필요하면 보호자나 선생님께 말해 주세요. 충전이 안 되면 {CENTRE}에 물어봐요.",
        )
    if card.daily_remaining <= 0:
        tomorrow = min(card.daily_limit, card.balance)
        return CardTrouble(
            "daily",
            f"오늘 쓸 수 있는 한도 {won(card.daily_limit)}을 다 써서 오늘은 카드로 결제할 수 없어요.",
            f"하루에 쓸 수 있는 한도 {won(card.daily_limit)}을 오늘 다 써서 결제가 안 되는 거예요.",
            f"내일이 되면 다시 {won(tomorrow)}까지 쓸 수 있어요.",
            "오늘 더 먹어야 하면 보호자나 선생님께 말해 주세요.",
        )
    return None


def remember_payment(ctx: TurnContext) -> None:
    """ "현금으로 먹을 곳" searches for cash from now on (``slots["pay"]``); "카드로 먹을 곳" goes back to the card."""
    slots = ctx.session.slots
    if _CASH.search(ctx.text):
        slots["pay"] = "cash"
    elif _BY_CARD.search(ctx.text):
        slots.pop("pay", None)


def trouble_buttons(trouble: CardTrouble) -> tuple[Button, ...]:
    return (CASH_BUTTON, BALANCE_BUTTON) if trouble.kind in {"balance", "daily"} else (CASH_BUTTON,)


def asks_when_again(text: str) -> bool:
    """Whether ``text`` asks when the card pays again: "언제 돼?", "충전 언제 돼", a bare "언제?"."""
    return bool(_WHEN_AGAIN.search(for_matching(text)))


def asks_why_not(text: str, states_something: bool = False) -> bool:
    """Whether ``text`` asks why paying does not work: "왜 안돼?", "카드 안 돼요", "결제가 왜 안 돼" or a bare "왜?".

    ``states_something``: the message names a food, a taste or a diet ("매운 거 안 돼"); then only words about the
    card or paying count."""
    matching = for_matching(text)
    if _BARE_WHY.match(matching):
        return True
    if _CARD_WORDS.search(matching):
        return bool(_CANNOT.search(matching))
    return not states_something and len(matching.split()) <= _SHORT and bool(_CANNOT.search(matching))


class CardTroubleFirst:
    """Interceptor: "왜 안돼?" and "카드 안 돼요" from a child whose card cannot pay get the reason and the next step,
    whatever intent the words were read as (a bare why is often read as small talk, "결제 안 돼" as the FAQ)."""

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        trouble = card_trouble(ctx.card)
        if trouble is None or ctx.message.payload:
            return None
        understanding = ctx.understanding
        said = set(understanding.entities) - {"urgency"}  # "배고파 … 왜 안돼?" is still about the card
        stated = bool(said or understanding.excluded_food or understanding.food_category)
        if asks_why_not(ctx.text, stated):
            return finished(ctx, Reply(trouble.answer(), quick_replies=trouble_buttons(trouble)))
        if not stated and asks_when_again(ctx.text):
            return finished(ctx, Reply(trouble.when_again(), quick_replies=trouble_buttons(trouble)))
        return None
