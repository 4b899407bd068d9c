"""kkini's own meal-card FAQ, the ``meal`` assistant's collection.

Written here for children, teenagers and their guardians (the items are in ``meal_faq_card`` and ``meal_faq_kkini``).
Facts that differ by region or year are stated for the region they belong to, or sent to the 주민센터 that issued
the card; nothing here promises what kkini cannot do.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.corpus.meal_faq_card import CARD_ITEMS
from knowledge.corpus.meal_faq_kkini import KKINI_ITEMS
from knowledge.corpus.meal_items import MealFaqItem
from knowledge.types import FaqEntry

MEAL_COLLECTION = "meal"


def meal_faq() -> list[FaqEntry]:
    """Every meal-card FAQ entry, collection "meal": id = question, related = ids of other meal entries."""
    return build_entries((*CARD_ITEMS, *KKINI_ITEMS), MEAL_COLLECTION)


def build_entries(items: Sequence[MealFaqItem], collection: str) -> list[FaqEntry]:
    """``items`` as entries of ``collection``, their related keys turned into question ids.

    Raises ``ValueError`` when a key or a question repeats, or a related key names no item (or the item itself):
    a broken link in hand-written data is a bug to catch at once, not a link to drop.
    """
    questions: dict[str, str] = {}
    for item in items:
        if item.key in questions:
            raise ValueError(f"meal FAQ key {item.key!r} is used twice")
        if item.question in questions.values():
            raise ValueError(f"meal FAQ question {item.question!r} is written twice")
        questions[item.key] = item.question
    entries = []
    for item in items:
        unknown = [key for key in item.related if key not in questions or key == item.key]
        if unknown:
            raise ValueError(f"meal FAQ item {item.key!r} relates to unknown or own keys {unknown}")
        entries.append(
            FaqEntry(
                id=item.question,
                question=item.question,
                answer=item.answer,
                tags=item.tags,
                related=tuple(dict.fromkeys(questions[key] for key in item.related)),
                collection=collection,
            )
        )
    return entries
