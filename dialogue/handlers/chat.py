"""Small talk, out-of-scope messages, and intents this deployment does not serve yet."""

from __future__ import annotations

import re

from dialogue.korean import particle
from dialogue.messages import Button
from dialogue.turn import Reply, TurnContext

HINT_BUTTONS = (
    Button("지금 먹을 곳", "근처에 지금 열린 곳 알려줘"),
    Button("잔액 확인", "카드 잔액 얼마야?"),
    Button("쿠폰 보기", "쓸 수 있는 쿠폰 있어?"),
)

CAN_DO = "지금 영업 중이고 급식카드 되는 가게 찾기, 예산에 맞는 메뉴 추천, 카드 잔액과 쿠폰 확인"

_GREETING = re.compile(r"안녕|하이|ㅎㅇ|반가|hello|hi\b|헬로|좋은 ?아침", re.IGNORECASE)
_THANKS = re.compile(r"고마|감사|땡큐|ㄱㅅ|thank", re.IGNORECASE)
_WHO = re.compile(r"누구|뭐 ?하는|뭘 ?할 ?수|뭐 ?할 ?수|뭐 ?해 ?줄|기능|사용법|도움말|help", re.IGNORECASE)
_BYE = re.compile(r"잘 ?있어|잘 ?가|바이|빠이|bye|다음에 ?봐|수고", re.IGNORECASE)


class SmallTalkHandler:
    async def handle(self, ctx: TurnContext) -> Reply:
        text = ctx.text
        if _THANKS.search(text):
            return Reply("천만에요! 배고플 때 언제든 불러 주세요 🍚", quick_replies=HINT_BUTTONS)
        if _BYE.search(text):
            return Reply("잘 가요! 맛있게 먹어요 👋")
        if _WHO.search(text):
            return Reply(f"저는 끼니예요. 급식카드로 먹을 곳을 함께 찾아요: {CAN_DO}.", quick_replies=HINT_BUTTONS)
        if _GREETING.search(text):
            return Reply(
                "안녕하세요! 끼니예요 😊 배고프면 예산이나 먹고 싶은 걸 말해 주세요.", quick_replies=HINT_BUTTONS
            )
        return Reply(f"저는 먹을 곳 찾기를 도와드려요. 할 수 있는 일: {CAN_DO}.", quick_replies=HINT_BUTTONS)


class OutOfScopeHandler:
    async def handle(self, ctx: TurnContext) -> Reply:
        return Reply(
            f'그건 제가 도와드리기 어려워요. 저는 {particle(CAN_DO, "을", "를")} 할 수 있어요. 예: "5천원으로 뭐 먹지?"',
            quick_replies=HINT_BUTTONS,
        )


class NotServedHandler:
    """Intents this deployment understands but has no service for; says so honestly and offers what it can do."""

    def __init__(self, what: str) -> None:
        self.what = what

    async def handle(self, ctx: TurnContext) -> Reply:
        return Reply(
            f"{particle(self.what, '은', '는')} 아직 끼니에서 할 수 없어요. 대신 {particle(CAN_DO, '은', '는')} 바로 도와드릴 수 있어요.",
            quick_replies=HINT_BUTTONS,
        )
