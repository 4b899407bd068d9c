"""What a child says they feel ("엄마한테 혼날까 봐", "창피해", "속상해"), and a kind first answer to it.

A feeling is read from words alone, so that any handler can answer it before anything else: a worried message is
no search because it names a parent, and a child who said nothing of shame is never told not to be ashamed
(``said_shame``). Someone hurting a child, or a child wanting to hurt themselves, gets a help line first.
"""

from __future__ import annotations

import re

from dialogue.handlers.context import varied
from dialogue.messages import Button
from dialogue.turn import Reply, TurnContext

# In order: the first that matches is the feeling answered.
_FEELINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "hurt",
        re.compile(
            r"죽고 ?싶|죽어 ?버리|사라지고 ?싶|자해|(?:한테|에게) ?(?:맞았|맞아|맞고|맞을)|때려|때리|학대|괴롭혀|괴롭힘|왕따"
        ),
    ),
    ("shame", re.compile(r"창피|부끄|쪽팔|민망|눈치|(?:알|알아챌|들킬|볼|놀릴)까 ?봐|들킬|놀려|놀림|숨기고 ?싶")),
    ("worry", re.compile(r"걱정|혼날|혼나|혼낼|혼내|혼났|야단|무서|겁나|불안|떨려|떨리|긴장|까 ?봐")),
    ("sad", re.compile(r"슬퍼|슬프|속상|우울|울고 ?싶|울었|눈물|힘들|지쳐|외로|서운|ㅠ")),
)
_WORDS: dict[str, tuple[str, ...]] = {
    "hurt": (
        "많이 힘들었겠어요. 혼자 참지 말고 꼭 믿을 수 있는 어른에게 말해 주세요. 청소년상담전화 1388은 언제든 "
        "이야기를 들어 줘요. 위험하면 바로 112에 전화해요.",
        "말해 줘서 정말 고마워요. 혼자 견디지 않아도 돼요. 1388에 전화하거나 문자하면 어른이 도와줘요. "
        "지금 위험하면 112에 전화해요.",
    ),
    "shame": (
        "전혀 부끄러운 일이 아니에요. 급식카드는 많은 친구들이 쓰는 카드예요. 마음 편한 가게를 같이 찾아봐요.",
        "그런 마음이 들 수 있어요. 그래도 급식카드를 쓰는 건 창피한 일이 아니에요. 계산할 때 보통 카드처럼 내면 돼요.",
    ),
    "worry": (
        "걱정되는구나. 말해 줘서 고마워요. 돈이 걱정되면 남은 잔액 안에서 먹을 수 있는 곳을 같이 찾아봐요.",
        "걱정이 많이 됐겠어요. 괜찮아요, 천천히 같이 생각해 봐요. 잔액부터 확인해 볼까요?",
    ),
    "sad": (
        "속상했겠어요. 말해 줘서 고마워요. 따뜻한 밥 먹고 힘내요. 먹을 곳이 필요하면 같이 찾아봐요.",
        "힘든 날이네요. 끼니가 옆에 있을게요. 맛있는 걸 먹으면 조금 나아질 거예요.",
    ),
}
_BUTTONS: dict[str, tuple[Button, ...]] = {
    "hurt": (),
    "shame": (Button("가게 찾기", "근처에 지금 열린 곳 알려줘"),),
    "worry": (Button("잔액 확인", "카드 잔액 얼마야?"), Button("싼 곳 찾기", "더 싼 거 없어?")),
    "sad": (Button("지금 먹을 곳", "근처에 지금 열린 곳 알려줘"),),
}


def feeling(text: str) -> str | None:
    """The feeling a message states: hurt, shame, worry or sad; None when it states none."""
    return next((name for name, pattern in _FEELINGS if pattern.search(text)), None)


def said_shame(text: str) -> bool:
    """Whether the message says the child feels ashamed or fears being seen ("창피해", "친구들이 알까 봐")."""
    return _FEELINGS[1][1].search(text) is not None


def feeling_reply(ctx: TurnContext, name: str) -> Reply:
    """A short, kind answer to the feeling ``name`` (``feeling``), with a next step where one fits."""
    return Reply(varied(ctx, _WORDS[name]), quick_replies=_BUTTONS[name])
