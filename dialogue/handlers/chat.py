"""Small talk, out-of-scope messages, and intents this deployment does not serve yet.

Greetings, thanks, laughter and remarks get a short warm answer in a few wordings (``dialogue.handlers.context.
varied``); feelings get a kind one (``dialogue.handlers.feelings``). The list of what kkini can do is for a child
who asks for something kkini cannot do, or asks what it can.
"""

from __future__ import annotations

import re

from dialogue.handlers.context import finished, last_request, varied
from dialogue.handlers.feelings import feeling, feeling_reply
from dialogue.korean import particle
from dialogue.messages import Button
from dialogue.nlu.followup import SEARCHING, about_shown
from dialogue.nlu.normalize import for_matching
from dialogue.turn import Reply, TurnContext

HINT_BUTTONS = (
    Button("지금 먹을 곳", "근처에 지금 열린 곳 알려줘"),
    Button("잔액 확인", "카드 잔액 얼마야?"),
    Button("쿠폰 보기", "쓸 수 있는 쿠폰 있어?"),
)

CAN_DO = "지금 영업 중이고 급식카드 되는 가게 찾기, 예산에 맞는 메뉴 추천, 카드 잔액과 쿠폰 확인"

_GREETING = re.compile(r"안녕|하이|ㅎㅇ|반가|hello|hi\b|헬로|좋은 ?아침", re.IGNORECASE)
_THANKS = re.compile(r"고마|감사|땡큐|ㄱㅅ|ㄳ|thank", re.IGNORECASE)
_WHO = re.compile(r"누구|뭐 ?하는|뭘 ?할 ?수|뭐 ?할 ?수|뭐 ?해 ?줄|기능|사용법|도움말|help", re.IGNORECASE)
_BYE = re.compile(r"잘 ?있어|잘 ?가|바이|빠이|bye|다음에 ?봐|수고", re.IGNORECASE)
_LAUGH = re.compile(r"[ㅋㅎ]{2,}|하하|헤헤|히히|호호|lol|😂|🤣|😆|😄", re.IGNORECASE)
# A message that asks for something (a question, a request): out of scope when nothing in it is kkini's. Without
# one, an out-of-scope reading is small talk ("오늘 날씨 좋다", "나 시험 봤어") and gets a warm word, not a refusal.
_ASKS = re.compile(
    r"\?|줘|주세요|주라|줄래|알려|추천|찾아|가르쳐|골라|뭐|무엇|어때|어떻게|어떡|어케|할 ?수|돼|되나|되요|어디|언제|얼마|몇|"
    r"누가|무슨|왜|있나|하자|할래|싶어|싶다|해 ?봐|해야"
)

GREETINGS = (
    "안녕하세요! 끼니예요 😊 배고프면 예산이나 먹고 싶은 걸 말해 주세요.",
    "반가워요! 오늘은 뭐 먹고 싶어요?",
    "안녕! 또 만나서 좋아요 😊 먹고 싶은 게 생기면 말해 줘요.",
)
THANKS = (
    "천만에요! 배고플 때 언제든 불러 주세요 🍚",
    "도움이 됐다니 기뻐요 😊 맛있게 먹어요!",
    "별말씀을요! 또 필요하면 불러 주세요.",
)
BYES = ("잘 가요! 맛있게 먹어요 👋", "다음에 또 봐요! 밥 꼭 챙겨 먹어요 🍚")
LAUGHS = ("ㅎㅎ 기분 좋아 보여요! 😄", "저도 덩달아 웃음이 나요 😊", "ㅋㅋ 좋아요! 배고파지면 말해 줘요.")
CHATS = (
    "그렇구나! 얘기해 줘서 고마워요 😊",
    "오, 그랬군요! 배고파지면 언제든 말해 줘요.",
    "좋네요! 먹고 싶은 게 생기면 알려 줘요 🍚",
)
ASK_MORE = (
    "어떤 게 궁금한지 조금만 더 말해 줄래요?",
    "무슨 얘기인지 조금 더 알려 줄래요? 먹을 곳 찾기라면 바로 도와줄게요.",
)
"""For a bare "왜?" or "그럼?" with nothing before it to be about."""
ABOUT_THE_LIST = (
    "방금 보여 드린 곳 얘기죠? '1번 어디야?', '왜 골랐어?'처럼 물어봐 주면 바로 알려 줄게요.",
    "어느 가게가 궁금해요? '2번 몇 시까지 해?'처럼 번호로 물어봐 주세요.",
)
"""For a question about the list shown that the understanding could no longer tie to it (a long chain of
follow-ups): it asks again in words that name the list."""


def after_search(ctx: TurnContext) -> bool:
    """Whether the last thing the child asked for (small talk aside) was a search that showed a list."""
    return last_request(ctx.session) in SEARCHING and bool(ctx.session.last_shops)


def small_talk(ctx: TurnContext) -> Reply:
    """A short, warm answer to a feeling, thanks, a goodbye, a greeting, laughter or a remark; each in a few
    wordings, so that the same message twice is not answered with the same words."""
    text = ctx.text
    felt = feeling(text)
    if felt is not None:
        return feeling_reply(ctx, felt)
    if _THANKS.search(text):
        return Reply(varied(ctx, THANKS), quick_replies=HINT_BUTTONS)
    if _BYE.search(text):
        return Reply(varied(ctx, BYES))
    if _WHO.search(text):
        return Reply(f"저는 끼니예요. 급식카드로 먹을 곳을 함께 찾아요: {CAN_DO}.", quick_replies=HINT_BUTTONS)
    if _GREETING.search(text):
        return Reply(varied(ctx, GREETINGS), quick_replies=HINT_BUTTONS)
    if _LAUGH.search(text):
        return Reply(varied(ctx, LAUGHS))
    if about_shown(for_matching(text)) is not None:
        if after_search(ctx):
            return Reply(varied(ctx, ABOUT_THE_LIST))
        return Reply(varied(ctx, ASK_MORE), quick_replies=HINT_BUTTONS)
    return Reply(varied(ctx, CHATS), quick_replies=HINT_BUTTONS)


class SmallTalkHandler:
    async def handle(self, ctx: TurnContext) -> Reply:
        return finished(ctx, small_talk(ctx))


REFUSALS = (
    f'그건 제가 도와드리기 어려워요. 저는 {particle(CAN_DO, "을", "를")} 할 수 있어요. 예: "5천원으로 뭐 먹지?"',
    "미안해요, 그것도 제가 도와드리기 어려워요. 먹을 곳 찾기나 잔액, 쿠폰 확인이라면 바로 도와줄게요.",
)


def chatter(text: str) -> bool:
    """Whether a message is small talk rather than a request: a feeling, laughter, a greeting, thanks, a goodbye,
    or a remark that asks for nothing."""
    social = (_THANKS, _BYE, _GREETING, _LAUGH)
    return feeling(text) is not None or any(p.search(text) for p in social) or not _ASKS.search(text)


class OutOfScopeHandler:
    """Says what kkini can do when asked for something else; a feeling or a remark read as out of scope is
    answered as small talk, since nothing was asked."""

    async def handle(self, ctx: TurnContext) -> Reply:
        if chatter(ctx.text) or about_shown(for_matching(ctx.text)) is not None:
            return finished(ctx, small_talk(ctx))  # a remark, or a question about what came before
        return finished(ctx, Reply(varied(ctx, REFUSALS), quick_replies=HINT_BUTTONS))


class NotServedHandler:
    """Intents this deployment understands but has no service for; says so honestly and offers what it can do."""

    def __init__(self, what: str) -> None:
        self.what = what

    async def handle(self, ctx: TurnContext) -> Reply:
        return Reply(
            f"{particle(self.what, '은', '는')} 아직 끼니에서 할 수 없어요. 대신 {particle(CAN_DO, '은', '는')} 바로 도와드릴 수 있어요.",
            quick_replies=HINT_BUTTONS,
        )
