"""Each assistant's routing table: which handler answers a pressed button, the question kkini asked, the messages
answered first, and each intent, and which tools a model may call. The path every message takes through these
tables is ``dialogue.routing.route``; what each part is made of is built in ``bots.app`` (the composition root).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from dialogue.card_help import CardTroubleFirst
from dialogue.faq import PAYLOAD_PREFIX as FAQ_PREFIX
from dialogue.faq import FaqAnswers
from dialogue.handlers.account import BalanceHandler, CouponHandler
from dialogue.handlers.chat import OutOfScopeHandler, SmallTalkHandler
from dialogue.handlers.clarify import PAYLOAD_PREFIX as CLARIFY_PREFIX
from dialogue.handlers.clarify import ChosenMeaning
from dialogue.handlers.faq import FaqFollowUpFirst, FaqHandler
from dialogue.handlers.notify import NoticeHandler
from dialogue.handlers.onboarding import OnboardingAnswers
from dialogue.handlers.order import CART_COMMAND_INTENTS, CART_EDIT_INTENTS, ORDER_INTENTS, OrderHandler
from dialogue.handlers.order_first import CartFirst, OrderQuestions, ordering_now
from dialogue.handlers.profile import PreferenceHandler
from dialogue.handlers.recommend import RecommendHandler
from dialogue.handlers.select import PAYLOAD_PREFIX as SELECT_PREFIX
from dialogue.handlers.select import SelectHandler
from dialogue.handlers.shown import WHICH_PREFIX, WhichShopAnswer
from dialogue.nlu.types import SEARCH_INTENTS
from dialogue.notices import Notices
from dialogue.onboarding import PREFIX as ONBOARDING_PREFIX
from dialogue.ordering.tools import ordering_tools
from dialogue.preferences import Preferences
from dialogue.recommend.catalogue import Catalogue
from dialogue.recommend.search import MealSearch
from dialogue.routing import Always, Assistant, ButtonRoute, ForIntents, Interceptors
from dialogue.tools.account import BalanceTool, CouponsTool
from dialogue.tools.faq import FaqSearchTool
from dialogue.tools.profile import NoticesTool, PreferenceTool
from dialogue.tools.recommend import RecommendTool
from dialogue.tools.registry import ToolRegistry
from dialogue.turn import Handler
from dialogue.wallet import Coupons
from knowledge.gate.refusal import refusal
from storage.database import Database

RECOMMEND_INTENTS = SEARCH_INTENTS
"""Intents the recommender answers: each narrows or widens the same search."""


@dataclass(frozen=True, slots=True)
class MealParts:
    """What the meal assistant is made of: the services its handlers and its model tools share, built once."""

    db: Database
    search: MealSearch
    catalogue: Catalogue
    order: OrderHandler
    faq: FaqAnswers
    on_user_changed: Callable[[int], None] | None = None

    @property
    def notices(self) -> Notices:
        return Notices(self.db)

    @property
    def preferences(self) -> Preferences:
        return Preferences(self.db, on_change=self.on_user_changed)


def meal_assistant(parts: MealParts) -> Assistant:
    """The meal-card assistant: recommendations, the card, coupons, orders, its own FAQ, preferences, onboarding."""
    db, order = parts.db, parts.order
    faq = FaqHandler(parts.faq, partial(refusal, "meal"))
    onboarding = OnboardingAnswers(db, on_change=parts.on_user_changed)
    recommend = RecommendHandler(parts.search, parts.catalogue)
    handlers: dict[str, Handler] = {
        **dict.fromkeys(RECOMMEND_INTENTS, recommend),
        **dict.fromkeys(ORDER_INTENTS, order),
        "balance_inquiry": BalanceHandler(rules=faq),
        "coupon_inquiry": CouponHandler(Coupons(db)),
        "preference_update": PreferenceHandler(parts.preferences),
        "general_chat": SmallTalkHandler(),
        "out_of_scope": OutOfScopeHandler(),
        "faq": faq,
    }
    small_talk = SmallTalkHandler()
    return Assistant(
        "meal",
        handlers,
        fallback=small_talk,
        buttons=(
            ButtonRoute(CLARIFY_PREFIX, ChosenMeaning(handlers, small_talk)),  # "카드 사용법" under "…아니면 …?"
            ButtonRoute(ONBOARDING_PREFIX, onboarding),  # "onboard:diet:no_spicy"
            ButtonRoute(SELECT_PREFIX, SelectHandler(db, on_change=parts.on_user_changed)),  # "여기로 갈래요"
            ButtonRoute(WHICH_PREFIX, WhichShopAnswer(parts.catalogue)),  # "1번 우리동네떡볶이" under "어느 가게?"
            ButtonRoute(FAQ_PREFIX, faq),  # a follow-up question or "자세히 보기" under an answer
        ),
        pending=onboarding,  # "매운 거 못 먹어" while the diet question waits
        holds_onboarding=ordering_now,  # no onboarding question in the middle of an order
        interceptors=Interceptors(
            (
                NoticeHandler(parts.notices),  # "알림 꺼줘", whichever intent it was read as
                OrderQuestions(order),  # "이거 매워?", "얼마야?", "주문 들어갔어?" in the middle of an order
                ForIntents(CartFirst(order), frozenset(CART_EDIT_INTENTS)),  # "콜라 사이다로" with the cart open
                ForIntents(Always(order), frozenset(CART_COMMAND_INTENTS)),  # the cart as stored, never reworded
                CardTroubleFirst(),  # "왜 안돼?" when the card cannot pay: the reason and the next step
                ForIntents(FaqFollowUpFirst(faq), frozenset({"general_chat", "out_of_scope"})),  # "다른 방법은?"
            )
        ),
        asks_when_unsure=True,
    )


def meal_tools(parts: MealParts) -> ToolRegistry:
    """What a model may do for the meal assistant: everything its offline handlers do, through the same services."""
    return ToolRegistry(
        [
            RecommendTool(parts.search),
            BalanceTool(),
            CouponsTool(Coupons(parts.db)),
            FaqSearchTool(parts.faq, about="급식카드와 끼니 사용법"),
            NoticesTool(parts.notices),
            PreferenceTool(parts.preferences),
            *ordering_tools(parts.order.carts, parts.order.desk),
        ]
    )


def seller_assistant(faq: FaqAnswers) -> Assistant:
    """The SmartStore seller assistant: FAQ only, every message searched, no intents and no onboarding."""
    handler = FaqHandler(faq, partial(refusal, "seller"))
    return Assistant(
        "seller",
        {},
        fallback=handler,
        buttons=(ButtonRoute(FAQ_PREFIX, handler),),
        understands=False,
        onboarding=False,
    )


def seller_tools(faq: FaqAnswers) -> ToolRegistry:
    return ToolRegistry([FaqSearchTool(faq, about="스마트스토어 판매자")])


__all__ = ["RECOMMEND_INTENTS", "MealParts", "meal_assistant", "meal_tools", "seller_assistant", "seller_tools"]
