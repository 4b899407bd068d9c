"""Short Korean reasons shown under each recommendation, and the small wording helpers they need."""

from __future__ import annotations

from dataclasses import dataclass

from dialogue.korean import has_final_consonant, won
from dialogue.recommend.scoring import Scored, Taste, walk_minutes

MAX_REASONS = 4
CLOSING_SOON_MIN = 30


def distance_text(metres: float) -> str:
    """Metres as a child reads them: "800m", "1.2km", "2km"."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f}m"
    km = round(metres / 1000, 1)
    return f"{km:g}km"


def topic(word: str) -> str:
    return word + ("은" if has_final_consonant(word) else "는")


def if_it_is(word: str) -> str:
    """The word with "if it is": "분식이라면", "피자라면"."""
    return word + ("이라면" if has_final_consonant(word) else "라면")


@dataclass(frozen=True, slots=True)
class DietNotes:
    """Restrictions worth confirming on the card ("매운 거 없음"), each shown when the item honours it."""

    no_spicy: bool = False
    no_pork: bool = False
    vegetarian: bool = False
    asked: bool = False
    """The restriction came with the query (a hard rule, worth confirming before the distance)."""


def reasons_for(entry: Scored, taste: Taste, notes: DietNotes, *, later: bool = False) -> tuple[str, ...]:
    """1-4 reasons, most telling first: the wish met, within budget, open hours, then coupon, habit, diet, distance, mark.

    ``later``: the search is for a moment asked about, not now, so the hours say "그때" ("그때 영업 중 (21:00까지)").
    """
    candidate, offer = entry.candidate, entry.offer
    shop, window = candidate.shop, candidate.window
    reasons: list[str] = []
    if entry.wanted:
        reasons.append(f"원하던 {entry.wanted}")
    elif entry.liked:
        reasons.append(f"좋아하는 {shop.category}")
    if taste.cap is not None and taste.budget_said:
        # The price itself is shown beside the item name; repeating it here only adds noise.
        reasons.append("예산 안")
    walk = _walk(candidate.distance_m)
    if taste.urgent and walk:
        reasons.append(walk)
    when = "그때" if later else "지금"
    if window.all_day:
        reasons.append("24시간 영업")
    elif window.closes_at is None:
        reasons.append(f"{when} 영업 중")
    elif window.minutes_left is not None and window.minutes_left <= CLOSING_SOON_MIN:
        reasons.append(f"{'그때 ' if later else ''}곧 마감 ({window.closes_at}까지)")
    else:
        reasons.append(f"{when} 영업 중 ({window.closes_at}까지)")
    optional: list[str] = []
    if offer.coupon is not None and offer.discount > 0:
        optional.append(f"쿠폰 {won(offer.discount)} 할인")
    if taste.category_visits.get(shop.category, 0) >= 2:
        optional.append(f"자주 가신 {shop.category}")
    elif taste.shop_visits.get(shop.id, 0) >= 1:
        optional.append("전에 가 본 가게")
    diet = _diet_note(offer.item.tags, notes)
    if diet and notes.asked:
        optional.append(diet)
    if walk and not taste.urgent:
        optional.append(walk)
    if diet and not notes.asked:
        optional.append(diet)
    if shop.good_influence:
        optional.append("선한영향력가게")
    reasons.extend(optional)
    return tuple(reasons[:MAX_REASONS])


def _diet_note(tags: frozenset[str], notes: DietNotes) -> str | None:
    if notes.vegetarian and "vegetarian" in tags:
        return "채식 메뉴"
    if notes.no_spicy and "spicy" not in tags:
        return "매운 거 없음"
    if notes.no_pork and "pork" not in tags:
        return "돼지고기 없음"
    return None


def _walk(distance: float | None) -> str | None:
    if distance is None:
        return None
    minutes = walk_minutes(distance)
    return f"걸어서 {minutes}분" if minutes <= 30 else distance_text(distance)
