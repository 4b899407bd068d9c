"""Recommendations: turn the conversation's slots into a query, ask the recommender, say what fits and why
(``dialogue.recommend.search`` and ``dialogue.recommend.replies``); "거기 몇 시까지 해?" answers a shop's hours."""

from __future__ import annotations

import re
from dataclasses import replace

from dialogue.handlers.shop_hours import hours_reply, named_shop
from dialogue.recommend.catalogue import Catalogue, CatalogueShop
from dialogue.recommend.replies import food_notice, render
from dialogue.recommend.search import MealSearch
from dialogue.turn import Reply, TurnContext

_CHEAPER = re.compile(r"더\s?싼|더\s?저렴|싼\s?(?:거|걸|데|곳)|저렴한")


class RecommendHandler:
    """Serves food, budget, place, open-now, urgent, group and option requests with the same search."""

    def __init__(self, search: MealSearch, catalogue: Catalogue) -> None:
        self.search = search
        self.catalogue = catalogue

    async def handle(self, ctx: TurnContext) -> Reply:
        if ctx.understanding.intent == "time_inquiry":
            shop = await self._shop_asked_about(ctx)
            if shop is not None:
                return hours_reply(shop, ctx)
        if _CHEAPER.search(ctx.text) and ctx.session.last_prices:
            # "더 싼 거": cheaper than the cheapest just shown, elsewhere.
            ctx.session.slots["budget"] = max(0, (min(ctx.session.last_prices) - 1) // 100 * 100)
            ctx.understanding = replace(ctx.understanding, wants_other=True)
        found = await self.search.find(ctx)
        food = ctx.session.slots.get("food")
        notice = food_notice(found.result.items, str(food), ctx.session.slots.get("food_category")) if food else None
        return render(ctx, found.query, found.result, found.where, notice)

    async def _shop_asked_about(self, ctx: TurnContext) -> CatalogueShop | None:
        snapshot = await self.catalogue.get(ctx.now)
        if ctx.understanding.reference == "shop" and ctx.session.last_shops:
            return snapshot.shops.get(ctx.session.last_shops[0])
        return named_shop(snapshot, ctx.text, ctx.user.preferences.get("home_area"))
