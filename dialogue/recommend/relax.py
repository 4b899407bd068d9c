"""When fewer places fit than a list holds: the nearest relaxation that finds more, counted in the data.

Each relaxation loosens one thing the child chose (their budget, the food they named) and runs the same screening
again, so "6천원이면 3곳 더 있어요" is true: three more shops, none of them already shown, with every other rule
kept. Rules that protect the child (the card's money, the meal amount, diet, open hours) are never loosened here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogue.recommend.candidates import Constraints, screen
from dialogue.recommend.catalogue import CatalogueSnapshot

BUDGET_STEPS = 3
"""How many thousand-won steps above the budget are tried."""


def money_words(amount: int) -> str:
    """Won as a child says it: 6000 -> "6천원", 10000 -> "만원", 12500 -> "1만 2,500원"."""
    man, rest = divmod(amount, 10_000)
    parts = []
    if man:
        parts.append("만" if man == 1 and not rest else f"{man}만")
    if rest:
        parts.append(f"{rest // 1000}천" if rest % 1000 == 0 else f"{rest:,}")
    return " ".join(parts) + "원" if parts else "0원"


@dataclass(frozen=True, slots=True)
class Relaxed:
    said: tuple[str, ...]
    """The sentences, nearest first."""
    more_money: bool
    """One of them is a higher budget."""


def relaxations(
    snapshot: CatalogueSnapshot,
    constraints: Constraints,
    shown: set[int],
    *,
    budget: int | None,
    ceiling: int | None,
) -> Relaxed:
    """At most one sentence per relaxation, nearest first: a little more budget, then any food.

    ``budget`` is what the child said; ``ceiling`` is what the card allows without it (None: no bound), which a
    higher budget never passes.
    """
    more = _higher_budget(snapshot, constraints, shown, budget, ceiling)
    other_food = _any_food(snapshot, constraints, shown)
    return Relaxed(tuple(words for words in (more, other_food) if words), more is not None)


def _higher_budget(
    snapshot: CatalogueSnapshot, constraints: Constraints, shown: set[int], budget: int | None, ceiling: int | None
) -> str | None:
    cap = constraints.cap
    if budget is None or cap is None or cap != budget:
        return None  # the budget did not bound the list: more of it finds nothing
    step = (cap // 1000 + 1) * 1000
    for _ in range(BUDGET_STEPS):
        if ceiling is not None and step > ceiling:
            return None
        wider = screen(snapshot, replace(constraints, cap=step))
        extra = [c for c in wider.candidates if c.shop.id not in shown]
        if extra:
            return f"{money_words(step)}이면 {len(extra)}곳 더 있어요"
        step += 1000
    return None


def _any_food(snapshot: CatalogueSnapshot, constraints: Constraints, shown: set[int]) -> str | None:
    wanted = constraints.menu.wanted
    if not wanted:
        return None
    anything = screen(snapshot, replace(constraints, menu=replace(constraints.menu, wanted=())))
    extra = [c for c in anything.candidates if c.shop.id not in shown]
    if not extra:
        return None
    return f"{wanted[0]} 말고 다른 음식도 보면 {len(extra)}곳 더 있어요"
