"""Messages that lean on earlier ones: a bare "3명", "그럼 중식은?", "딴 데는 없어?", "아 그리고 치즈스틱도".

``leans_on_context`` says whether a message is such a follow-up: once entities, back-references ("거기", "그거"),
"something else" ("딴 데") and fillers (connectives, particles, question endings) are taken away, nothing is left.
``follow`` then picks its intent from the previous messages' intents and from what the new message states: the
same question when it only changes a slot that question takes ("그럼 맘스터치는?" after opening hours), otherwise
the intent that the stated entity asks for ("3명" -> group_dining).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.nlu.analysis import Analysis
from dialogue.nlu.times import SPOKEN as TIME_WORDS
from dialogue.nlu.types import SEARCH_INTENTS

SEARCH_SLOTS = frozenset(
    {"budget", "food_type", "meal_time", "location", "companions", "party_size", "taste", "dietary_restrictions"}
)
# The entity types a follow-up may change while the question stays the same.
_CORE_SLOTS: dict[str, frozenset[str]] = {
    "food_request": frozenset({"food_type", "taste", "meal_time", "location"}),
    "budget_inquiry": frozenset({"budget", "meal_time"}),
    "location_inquiry": frozenset({"location"}),
    "time_inquiry": frozenset({"food_type", "location", "meal_time"}),
    "emergency_food": frozenset({"location", "meal_time"}),
    "group_dining": frozenset({"party_size", "companions", "location"}),
    "coupon_inquiry": frozenset(),  # the wallet is not filtered: "디저트는?" after it asks for food
    "menu_option": frozenset({"taste", "dietary_restrictions"}),
    "preference_update": frozenset({"taste", "dietary_restrictions"}),
    "order_add": frozenset({"food_type"}),
}
# What a message that states only this entity asks for, when the previous question does not take it.
_ENTITY_INTENT = (
    ("party_size", "group_dining"),
    ("companions", "group_dining"),
    ("food_type", "food_request"),
    ("budget", "budget_inquiry"),
    ("location", "location_inquiry"),
    ("dietary_restrictions", "menu_option"),
    ("taste", "menu_option"),
    ("meal_time", "food_request"),
)
_FILLER = re.compile(
    r"^(?:아|어|앗|음+|흠+|오|엥|헐|그럼|그러면|그름|글면|그면|아님|아니면|그리고|또|근데|그래서|혹시|그렇다면|그냥|"
    r"그럼은|아 ?그리고|아 ?그럼)(?![가-힣])|"
    r"아까|방금|거기서?|그 ?집|그 ?가게|그 ?식당|그곳|저기|그거|그걸|그것|그 ?메뉴|이거|이걸|"
    r"(?:다른|딴) ?(?:데|곳|거|것|집|가게|식당|메뉴|건|걸)|말고|빼고|대신|"
    r"[ⓂⒻⓁⓃ]|"
    r"(?:으로는|로는|이면|면|정도면|쯤이면|으론|론|으로|로|에서|에는|은요|는요|이요|은|는|도|이|가|요|랑|이랑|하고|만)(?![가-힣])|"
    r"(?:어때|어떄|어떰|어떻게 ?돼|어떨까|어떰|괜찮아|돼|되나|됨|있어|없어|있나|없나|있음|없음|있을까|없을까|는\?|추가|하나 ?더|더|"
    r"보여 ?줘|보여 ?주세요|알려 ?줘|알려 ?주세요|추천해 ?줘|추천해 ?주세요|찾아 ?줘|찾아 ?주세요|좀)"
    r"(?![가-힣])|[?!.~,ㅋㅎㅠㅜ ]"
)


# Questions about how something works, whose follow-ups ("왜?", "그럼 배달은?", "언제까지야?") keep the topic.
_ASKING = frozenset({"faq", "coupon_inquiry", "balance_inquiry"})
_CARRYING = _ASKING | {"order_add", "cart_view", "menu_option", "checkout", "cart_clear"}
# Searches, whose list a short question ("왜?", "그럼?", "거기 어디야?") or a go-ahead ("ㄱㄱ", "좋아") is about.
SEARCHING = frozenset(SEARCH_INTENTS)
_GO = re.compile(r"^(?:ㄱ+|고고|ㄱㄱ+|가자|고|콜|ㅇㅋ ?ㄱㄱ|그걸로 ?(?:해|할게|ㄱ)?|이대로)[!~.]*$")
_QUESTION = re.compile(r"\?$|왜|어디|언제|얼마|어떻게|어케|뭐|몇|되|돼|있")
_SHORT_WORDS = 3
_SWITCH = re.compile(r"바꿔|바꿀|바꾸|변경|말고|대신")
"""A change of what is searched for ("햄버거로 바꿔" after a list), which an order reads as an option change."""
# What a short message says about what was just shown, by kind; checked in this order. "pick" names one by its
# number ("2번으로 할래"), "go" takes the first ("ㄱㄱ", "좋아"), "then" asks what now ("그럼?", "그래서?").
_ABOUT_SHOWN: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "pick",
        re.compile(
            r"^(?:[1-9]|첫 ?번째|두 ?번째|세 ?번째)(?: ?번)?(?: ?(?:째|으로|로|꺼|거|집|가게|데))*"
            r" ?(?:할래|할게|갈래|갈게|해|ㄱ+|고|좋아|요|$)"
        ),
    ),
    ("why", re.compile(r"^(?:왜|어째서|이유|무슨 ?이유|왜 ?그런)|(?:왜|어째서) ?(?:이거|그거|여기|거기|골랐|추천)")),
    (
        "where",
        re.compile(
            r"어디(?:야|예요|에요|임|있|에 ?있|쯤|서 ?(?:써|쓰|사|해|하|받))|(?:거기|그거|그 ?집|그 ?가게) ?어디"
        ),
    ),
    ("when", re.compile(r"언제|몇 ?시")),
    (
        "go",
        re.compile(
            r"^(?:ㄱ+|고고|ㄱㄱ+|가자|고|콜|ㅇㅋ|ㅇㅇ|오케이|ok|응|웅|그래|좋아|좋아요|좋네|굿|그걸로|거기로|이대로|"
            r"거기 ?갈래|거기 ?갈게|거기로 ?할래)(?: ?(?:할래|할게|해|갈래|갈게|ㄱ+|요))?[!~.]*$"
        ),
    ),
    ("then", re.compile(r"^(?:그럼|그러면|그래서|그 ?다음|그담|다음은|그 ?담엔|그 ?다음엔|그럼 ?이제|이제)[?!.~]*$")),
)
_PICK_NUMBER = {"첫": 1, "두": 2, "세": 3}
# "2번", "2 번째", "두 번째", or a number alone; never the hour of "24시간" or "3시에".
_RANK = re.compile(
    r"\s*(?:([1-9])(?= ?번|(?: ?(?:으로|로|꺼|거|집|가게|데))*\s*(?:할래|할게|갈래|갈게|$))|(첫|두|세) ?번째)"
)
_ASKS_OF_SHOWN = frozenset({"why", "then", "where", "when"})
"""The kinds that are questions about what came before; "go" and "pick" may also answer a question kkini asked."""


def inherited(analysis: Analysis, own_intent: str, previous: str) -> str | None:
    """The previous intent, when a short message that is no reply of its own continues it; else None.

    "ㄱㄱ" after an order confirms it (checkout) and after a search repeats it; "라지로" or "두 개로" after an order
    changes it; "왜?" or "언제까지야?" after a question about the card or a coupon keeps asking about it. Greetings,
    thanks and anything off the topic are replies of their own.
    """
    text = analysis.text
    if not previous or previous in {"general_chat", "out_of_scope"} or len(text.split()) > _SHORT_WORDS:
        return None
    if {"greeting", "off_topic"} & analysis.cues:
        return None
    if previous in SEARCHING and own_intent in {"order_add", "menu_option"} and _SWITCH.search(text):
        if analysis.extraction.foods or analysis.extraction.food_category:
            return previous  # "햄버거로 바꿔" after a list changes the food searched for, not an order
    if stated(analysis):
        return None
    if _GO.match(text):
        return "checkout" if previous in {"order_add", "cart_view", "checkout"} else previous
    weak = own_intent in {"general_chat", "out_of_scope"} or (previous in _ASKING and own_intent == "time_inquiry")
    if previous in SEARCHING and weak and about_shown(text) is not None:
        return previous  # "왜?", "그럼?", "좋아" after a list are about the list
    eats = bool({"hunger", "eat", "recommend"} & analysis.cues) and own_intent in SEARCHING
    if previous in _ASKING and (weak or _QUESTION.search(text)) and own_intent not in _CARRYING - _ASKING and not eats:
        return previous  # "그럼 언제 돼?" after the balance; not "뭐 먹지", a question of its own
    if weak and previous in _CARRYING and previous != "cart_clear":
        return "order_add" if previous in {"cart_view", "checkout", "menu_option"} else previous
    return None


def residue(analysis: Analysis) -> str:
    """What is left of the message once entities, time words, references and fillers are removed."""
    text = analysis.extraction.delexicalised
    if analysis.extraction.time is not None:
        text = TIME_WORDS.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _FILLER.sub("", text.strip())
    return text


def stated(analysis: Analysis) -> list[str]:
    """The search slots the message states, in extraction order."""
    return [name for name in analysis.extraction.entities if name in SEARCH_SLOTS]


def leans_on_context(analysis: Analysis) -> bool:
    """True when the message means little without the messages before it: "왜?", "그럼?" and "거기 어디야?" ask
    about what came before, and so does a message with nothing left beside entities and references."""
    extraction = analysis.extraction
    if about_shown(analysis.text) in _ASKS_OF_SHOWN:
        return True
    if residue(analysis):
        return False
    return bool(
        stated(analysis) or extraction.wants_other or extraction.reference or extraction.foods or extraction.time
    )


def follow(analysis: Analysis, own_intent: str, earlier: Sequence[str]) -> tuple[str, float]:
    """The intent of a follow-up, given the intents of the earlier messages (most recent last)."""
    said = stated(analysis)
    if analysis.extraction.foods and "order_add" in earlier[-2:]:
        return "order_add", 0.75
    previous = earlier[-1] if earlier else ""
    if previous in _ASKING and all(name in {"food_type", "location", "meal_time"} for name in said):
        # "편의점은?" after a question about where the card works asks the same question about another place;
        # after the balance or the coupons, "편의점에서도 돼?" asks where the card works and "디저트는?" asks for
        # food: neither answer depends on a place or a food.
        if previous == "faq" or not said:
            return previous, 0.75
        if own_intent == "faq":
            return own_intent, 0.75
    if previous in _CORE_SLOTS and (not said or all(name in _CORE_SLOTS[previous] for name in said)):
        return previous, 0.8
    for name, intent in _ENTITY_INTENT:
        if name in said:
            return intent, 0.75
    if previous in _CORE_SLOTS:
        return previous, 0.7
    return own_intent, 0.5


def about_shown(text: str) -> str | None:
    """What a short message asks of the list or answer just shown: pick, why, where, when, go or then; else None.

    ``text`` is the matching form. Only messages of a few words count: a longer one says what it wants itself.
    """
    if len(text.split()) > _SHORT_WORDS:
        return None
    return next((kind for kind, pattern in _ABOUT_SHOWN if pattern.search(text)), None)


def picked_rank(text: str) -> int:
    """The number a "pick" message names ("2번으로 할래" -> 2, "두 번째" -> 2), 1 when it names none."""
    return named_rank(text) or 1


def named_rank(text: str) -> int | None:
    """The number of the list a message starts with ("2번 어디야?", "두 번째 거"), or None."""
    match = _RANK.match(text)
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else _PICK_NUMBER[match.group(2)]
