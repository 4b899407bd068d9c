"""The shape of kkini's own meal-card FAQ items, before they become ``FaqEntry`` objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MealFaqItem:
    """One written question and answer. ``key`` is a short stable name that ``related`` uses to point at other
    items, so that rewording a question never breaks a link; ``meal_faq`` turns keys into question ids."""

    key: str
    question: str
    answer: str
    tags: tuple[str, ...]
    related: tuple[str, ...] = ()
