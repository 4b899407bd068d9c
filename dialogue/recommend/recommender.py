"""The recommender: places and menus a child can pay for right now, ranked for them, with reasons in Korean.

``recommend_in`` is the whole decision over an in-memory snapshot and a user context (pure, so tests build both by
hand); ``Recommender`` feeds it from the ``Catalogue`` and the per-user cache. Hard rules are applied in
``candidates`` and never traded against ranking: every returned item is open, payable, within reach and allowed.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace

from dialogue.recommend import coupons
from dialogue.recommend.alternatives import (
    MAX_ALTERNATIVES,
    empty_reason,
    exhausted_reason,
    first_opening,
    suggest,
)
from dialogue.recommend.candidates import RULES, Candidate, Constraints, Screening, reach, screen
from dialogue.recommend.catalogue import Catalogue, CatalogueSnapshot
from dialogue.recommend.personal import ANONYMOUS, PersonalCache, UserContext
from dialogue.recommend.reasons import DietNotes, reasons_for
from dialogue.recommend.relax import relaxations
from dialogue.recommend.rules import MEAL_KINDS, MenuRules, card_exhausted, price_cap, spendable
from dialogue.recommend.scoring import Scored, Taste, diversify, score
from dialogue.recommend.types import AppliedCoupon, Recommendation, RecommendationQuery, RecommendationResult

logger = logging.getLogger(__name__)

_MILD = ("안 매", "안매", "순한", "담백", "mild", "not spicy")
_SPICY = ("매운", "매콤", "얼큰", "맵", "spicy")


class Recommender:
    def __init__(self, catalogue: Catalogue, personal: PersonalCache | None = None) -> None:
        self.catalogue = catalogue
        self.personal = personal

    async def recommend(self, query: RecommendationQuery) -> RecommendationResult:
        if query.at.tzinfo is None:
            raise ValueError("RecommendationQuery.at must be an aware datetime")
        snapshot = await self.catalogue.get(query.at)
        user = ANONYMOUS
        if query.user_id is not None and self.personal is not None:
            user = await self.personal.get(query.user_id)
        return recommend_in(snapshot, query, user)


def recommend_in(
    snapshot: CatalogueSnapshot, query: RecommendationQuery, user: UserContext = ANONYMOUS
) -> RecommendationResult:
    """Rank what fits ``query`` in ``snapshot`` for ``user``; explain and suggest when nothing (or little) does.

    ``considered`` counts the shops each hard rule removed, in the order they run (``candidates.RULES``: reach,
    excluded, card, closed, menu, food, wish, price), plus ``eligible``, the shops left; they add up to the catalogue.
    When the card has nothing left to pay with, only ``reach``, ``spendable`` (the shops in reach) and ``eligible``.
    """
    cap = price_cap(query)
    has_point = query.latitude is not None and query.longitude is not None
    wallet = (
        coupons.wallet_coupons(user.wallet, snapshot.coupons, query.at, pay_by_card=query.pay_by_card)
        if query.user_id is not None
        else ()
    )
    constraints = Constraints(
        at=query.at,
        latitude=query.latitude,
        longitude=query.longitude,
        radius_m=query.radius_m,
        area=query.area or (None if has_point else user.home_area),
        pay_by_card=query.pay_by_card,
        cap=cap,
        exclude_shop_ids=frozenset(query.exclude_shop_ids),
        menu=MenuRules.build(query, user.allergies),
        wallet=wallet,
        later=query.later,
        all_day=query.all_day,
    )
    exhausted = card_exhausted(query)
    if exhausted is not None:
        return _card_cannot_pay(snapshot, constraints, query, exhausted)

    screening = screen(snapshot, constraints, keep_rejects=True)
    taste = _taste(query, user, snapshot, cap)
    limit = max(1, query.limit)
    picked = diversify([score(candidate, taste) for candidate in screening.candidates], limit)
    menu = constraints.menu
    notes = DietNotes(
        no_spicy="spicy" in menu.forbidden_tags or "spicy" in user.dislikes,
        no_pork="pork" in menu.forbidden_tags,
        vegetarian="vegetarian" in menu.required_tags,
        asked=bool(query.dietary),
    )
    items = tuple(_recommendation(entry, taste, notes, later=query.later) for entry in picked)
    considered = {**screening.removed, "eligible": len(screening.candidates)}

    reason = None if items else empty_reason(screening, constraints)
    # Every item is the food wished for (a hard rule): with none, say when the first shop selling it opens.
    opening = first_opening(screening, constraints, query.food) if query.food and not items else None
    alternatives: list[str] = []
    no_meal = bool(items) and cap is not None and not any(entry.offer.item.kind in MEAL_KINDS for entry in picked)
    if len(items) < limit or no_meal:
        shown = {item.shop_id for item in items}
        ceiling = spendable(replace(query, budget=None))
        relaxed = relaxations(snapshot, constraints, shown, budget=query.budget, ceiling=ceiling)
        alternatives.extend(relaxed.said)
        meal = query.meal_amount if query.pay_by_card else None
        alternatives.extend(
            suggest(
                snapshot,
                constraints,
                screening,
                shown,
                budget=query.budget,
                no_meal=no_meal,
                meal_amount=meal,
                opening_said=opening is not None,
                more_money_said=relaxed.more_money,
            )
        )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("recommend: %d items, considered %s, alternatives %d", len(items), considered, len(alternatives))
    return RecommendationResult(
        items,
        spendable(query),
        reason,
        tuple(dict.fromkeys(alternatives))[:MAX_ALTERNATIVES],
        considered,
        areas=_areas(screening.candidates),
        first_opening=opening,
    )


def _areas(candidates: list[Candidate]) -> tuple[str, ...]:
    """The areas of the shops that fit, most shops first."""
    counts = Counter(candidate.shop.area for candidate in candidates)
    return tuple(area for area, _ in counts.most_common())


def _card_cannot_pay(
    snapshot: CatalogueSnapshot, constraints: Constraints, query: RecommendationQuery, exhausted: str
) -> RecommendationResult:
    """The card has no money left (balance or today's limit): nothing by card, maybe something with cash."""
    in_reach = len(reach(snapshot, constraints))
    considered = {"reach": len(snapshot) - in_reach, "spendable": in_reach, "eligible": 0}
    nothing = Screening([], dict.fromkeys(RULES, 0), len(snapshot))
    alternatives = suggest(snapshot, constraints, nothing, set(), budget=query.budget, card_blocked=True)
    return RecommendationResult((), spendable(query), exhausted_reason(exhausted), tuple(alternatives), considered)


def _taste(query: RecommendationQuery, user: UserContext, snapshot: CatalogueSnapshot, cap: int | None) -> Taste:
    category_visits: dict[str, int] = {}
    for shop_id, count in user.shop_visits.items():
        shop = snapshot.shops.get(shop_id)
        if shop is not None:
            category_visits[shop.category] = category_visits.get(shop.category, 0) + count
    return Taste(
        wanted=tuple(word.strip() for word in query.food if word.strip()),
        likes=user.likes,
        dislikes=user.dislikes,
        spicy=_spicy_wish(query.taste),
        urgent=query.urgent,
        cap=cap,
        budget_said=query.budget is not None,
        radius_m=query.radius_m,
        shop_visits=user.shop_visits,
        category_visits=category_visits,
    )


def _spicy_wish(taste: str | None) -> bool | None:
    if not taste:
        return None
    text = taste.lower()
    if any(word in text for word in _MILD):
        return False
    if any(word in text for word in _SPICY):
        return True
    return None


def _recommendation(entry: Scored, taste: Taste, notes: DietNotes, *, later: bool = False) -> Recommendation:
    candidate, offer = entry.candidate, entry.offer
    shop, item = candidate.shop, offer.item
    coupon = None
    if offer.coupon is not None and offer.discount > 0:
        coupon = AppliedCoupon(offer.coupon.user_coupon_id, offer.coupon.coupon.title, offer.discount)
    return Recommendation(
        shop_id=shop.id,
        shop_name=shop.name,
        category=shop.category,
        address=shop.address,
        item_id=item.id,
        item_name=item.name,
        price=item.price,
        final_price=offer.final_price,
        score=entry.score,
        reasons=reasons_for(entry, taste, notes, later=later),
        distance_m=candidate.distance_m,
        coupon=coupon,
        good_influence=shop.good_influence,
        closes_at=candidate.window.closes_at,
    )
