"""Slots carried across turns: "5천원으로 뭐 먹지?" then "그럼 중식은?" keeps the budget and changes the food."""

from __future__ import annotations

import re
from typing import Any

from dialogue.nlu.types import SEARCH_INTENTS, Understanding
from dialogue.recommend.when import merge_time

# An open question that names no food ("5천원으로 뭐 먹지?", "아침 7시에 먹을 데"): the food wished before is over.
_OPEN_QUESTION = re.compile(r"뭐 ?먹|뭘 ?먹|뭐 ?먹을|먹을 ?(?:데|곳|거|만한)|아무거나|메뉴 ?추천|뭐 ?있(?:어|나|을까)")

SLOT_IDLE_S = 2 * 3600
"""Slots older than this (a lunch budget at dinner time) are dropped before the next message is read."""


def merge_slots(slots: dict[str, Any], understanding: Understanding, text: str = "") -> dict[str, Any]:
    """The slots after this message (``text``): stated values replace old ones; a few accumulate; some last one turn.

    An open question that names no food ("5천원으로 뭐 먹지?") starts over on the food; a fragment ("그럼 8천원은?"),
    a correction or "다른 데" keeps it."""
    entities = understanding.entities
    merged = dict(slots)
    merged.pop("urgency", None)
    if "food_type" not in entities and _opens_afresh(text, understanding):
        merged.pop("food", None)
        merged.pop("food_category", None)
    if "budget" in entities:
        merged["budget"] = int(entities["budget"])
    if "food_type" in entities:
        merged["food"] = str(entities["food_type"])
        merged["food_category"] = understanding.food_category
        merged["excluded_food"] = [
            food for food in merged.get("excluded_food", []) if food not in {merged["food"], merged["food_category"]}
        ]
    if understanding.excluded_food:
        excluded = list(dict.fromkeys([*merged.get("excluded_food", []), *understanding.excluded_food]))
        merged["excluded_food"] = excluded
        if merged.get("food") in excluded or merged.get("food_category") in excluded:
            merged.pop("food", None)
            merged.pop("food_category", None)
    said_meal = entities.get("meal_time")
    time = merge_time(merged.get("time"), understanding.time, str(said_meal) if said_meal else None)
    if time:
        merged["time"] = time
    else:
        merged.pop("time", None)
    for name in ("location", "meal_time", "party_size", "companions", "taste"):
        if name in entities:
            merged[name] = entities[name]
    if "dietary_restrictions" in entities:
        merged["dietary"] = list(dict.fromkeys([*merged.get("dietary", []), *entities["dietary_restrictions"]]))
    if entities.get("urgency") == "high" or understanding.intent == "emergency_food":
        merged["urgency"] = "high"
    return merged


def _opens_afresh(text: str, understanding: Understanding) -> bool:
    if understanding.wants_other or understanding.reference or understanding.excluded_food:
        return False
    return understanding.intent in SEARCH_INTENTS and bool(_OPEN_QUESTION.search(text))
