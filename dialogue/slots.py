"""Slots carried across turns: "5천원으로 뭐 먹지?" then "그럼 중식은?" keeps the budget and changes the food."""

from __future__ import annotations

from typing import Any

from dialogue.nlu.types import Understanding
from dialogue.recommend.when import merge_time

SLOT_IDLE_S = 2 * 3600
"""Slots older than this (a lunch budget at dinner time) are dropped before the next message is read."""


def merge_slots(slots: dict[str, Any], understanding: Understanding) -> dict[str, Any]:
    """The slots after this message: stated values replace old ones; a few accumulate; some last one turn."""
    entities = understanding.entities
    merged = dict(slots)
    merged.pop("urgency", None)
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
