"""Recommendations: turn the conversation's slots into a query, ask the recommender, say what fits and why
(``dialogue.recommend.search`` and ``dialogue.recommend.replies``); "거기 몇 시까지 해?" answers a shop's hours, and
short follow-ups of the list ("왜?", "ㄱㄱ", "그거 어디서 써?") are answered from it (``dialogue.handlers.shown``).

A correction ("5천원 말고 8천원", "빵집 말고") searches anew and says what changed; food emoji alone ("🍕🥤") are
read as the foods they show, and the reply says how it read them. A worry read as a search ("엄마한테 혼날까 봐"
as group dining, for the word 엄마) that states nothing to search for gets a kind answer instead of a list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from dialogue.card_help import remember_payment
from dialogue.handlers.context import finished
from dialogue.handlers.feelings import feeling, feeling_reply
from dialogue.handlers.shop_hours import hours_reply, named_shop
from dialogue.handlers.shown import ShownAnswers, asks_which, focused, shown_kind, which_shop
from dialogue.korean import ro, won
from dialogue.nlu.cues import CUES
from dialogue.nlu.followup import SEARCH_SLOTS, named_rank
from dialogue.nlu.normalize import for_matching
from dialogue.recommend.catalogue import Catalogue, CatalogueShop
from dialogue.recommend.replies import change_note, render
from dialogue.recommend.search import MealSearch
from dialogue.turn import Reply, TurnContext

_CHEAPER = re.compile(r"더\s?싼|더\s?저렴|(?<!비)싼\s?(?:거|걸|데|곳)|저렴한")
_PRICIER = re.compile(r"더\s?비싼|비싼\s?(?:거|걸|데|곳|것)|더\s?좋은\s?(?:거|걸|데|곳)|더\s?든든한")
SAME_LIST = "조건이 그대로라 아까와 같은 곳이에요."
"""What a list the same as the one just shown starts with."""
_NOT_A_SEARCH = frozenset({"hurt", "shame", "worry"})
"""Feelings that a message with nothing to search for is about; sadness alone ("ㅠㅠ") may still want food."""


class RecommendHandler:
    """Serves food, budget, place, open-now, urgent, group and option requests with the same search."""

    def __init__(self, search: MealSearch, catalogue: Catalogue) -> None:
        self.search = search
        self.catalogue = catalogue
        self.shown = ShownAnswers(search, catalogue)

    async def handle(self, ctx: TurnContext) -> Reply:
        reply = await self._reply(ctx)
        return finished(ctx, reply, again=SAME_LIST) if reply.shown else finished(ctx, reply)

    async def _reply(self, ctx: TurnContext) -> Reply:
        felt = _worry_without_search(ctx)
        if felt is not None:
            return feeling_reply(ctx, felt)
        if ctx.understanding.intent == "time_inquiry":
            if asks_which(ctx):  # "거기 몇 시까지 해?" with five shown
                shown = await self.shown.shown_list(ctx)
                if shown:
                    return which_shop(shown, "when")
            shop = await self._shop_asked_about(ctx)
            if shop is not None:
                return hours_reply(shop, ctx)
        kind = shown_kind(ctx)
        if kind is not None:
            answered = await self.shown.answer(ctx, kind)
            if answered is not None:
                return answered
        remember_payment(ctx)  # "현금으로 먹을 곳" when the card cannot pay
        cheaper_than = pricier_than = None
        if _PRICIER.search(ctx.text) and (ctx.session.last_prices or "budget" in ctx.session.slots):
            # "5천원 말고 더 비싼 거": above the budget said (which no longer holds) or the dearest just shown.
            said = ctx.session.slots.pop("budget", None)
            pricier_than = int(said) if said is not None else max(ctx.session.last_prices)
            ctx.understanding = replace(ctx.understanding, wants_other=True)
        elif _CHEAPER.search(ctx.text) and ctx.session.last_prices:
            # "더 싼 거": cheaper than the cheapest just shown, elsewhere; for this turn only, never a budget.
            cheaper_than = min(ctx.session.last_prices)
            ctx.understanding = replace(ctx.understanding, wants_other=True)
        found = await self.search.find(ctx, cheaper_than=cheaper_than, pricier_than=pricier_than)
        food = ctx.session.slots.get("food")
        notes = [
            f"아까 본 {won(cheaper_than)}보다 싼 곳이에요."
            if cheaper_than is not None and found.result.items
            else None,
            f"{won(pricier_than)}보다 비싼 메뉴로 찾았어요."
            if pricier_than is not None and found.result.items
            else None,
            change_note(ctx.text, ctx.understanding, found.result.spendable),
            _emoji_note(ctx.text, str(food)) if food else None,
        ]
        notice = " ".join(note for note in notes if note) or None
        return render(ctx, found.query, found.result, found.where, notice, found.choices)

    async def _shop_asked_about(self, ctx: TurnContext) -> CatalogueShop | None:
        """The shop an hours question is about: "2번", "거기" (the one in focus, else the first), or by name; one of
        the last list becomes the focus of the next "거기"."""
        snapshot = await self.catalogue.get(ctx.now)
        session = ctx.session
        rank = named_rank(for_matching(ctx.text))
        if session.last_shops and rank is not None and rank <= len(session.last_shops):
            shop = snapshot.shops.get(session.last_shops[rank - 1])
        elif ctx.understanding.reference == "shop" and session.last_shops:
            shop = snapshot.shops.get(focused(session) or session.last_shops[0])
        else:
            shop = named_shop(snapshot, ctx.text, ctx.user.preferences.get("home_area"))
        if shop is not None and shop.id in session.last_shops:
            session.focus_shop = shop.id
        return shop


def _worry_without_search(ctx: TurnContext) -> str | None:
    """The feeling of a message that states one and nothing to search for (no food, budget, place, people), when
    it is not hunger: such a message was read as a search for a word in it, not for what it asks."""
    understanding = ctx.understanding
    if understanding.intent == "emergency_food" or set(understanding.entities) & SEARCH_SLOTS:
        return None
    matching = for_matching(ctx.text)
    if any(CUES[cue].search(matching) for cue in ("hunger", "eat", "recommend", "money_word")):
        return None  # "배고파서 속상해", "혼날까 봐 싼 데 알려줘" ask for food first
    felt = feeling(ctx.text)
    return felt if felt in _NOT_A_SEARCH else None


def _emoji_note(text: str, food: str) -> str | None:
    """How a message of emoji alone was read ("피자로 찾아봤어요."), so the child sees what kkini understood."""
    if any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return None
    return f"{ro(food)} 찾아봤어요."
