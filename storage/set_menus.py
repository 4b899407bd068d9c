"""Set menus: the rules for changing a set's side or drink, derived from the menu's own prices.

A set comes with a default burger, side and drink. Changing the side or the drink to another item of the same
group costs the price difference, never less than nothing (감자튀김 (M) 2,000 -> 양념감자 (칠리) 2,600 = +600,
콜라 (M) -> 사이다 (M) = +0). A shop may write its own rule for one change instead, which can then be a discount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CHANGEABLE_GROUPS = ("side", "drink")


@dataclass(frozen=True, slots=True)
class ComponentSeed:
    """A set's component, both named by their position in the shop's menu."""

    set_index: int
    component_index: int
    quantity: int = 1
    is_default: bool = True


@dataclass(frozen=True, slots=True)
class ChangeRuleSeed:
    from_index: int
    to_index: int
    price_delta: int
    allow_discount: bool = False


def change_rules(
    menu: Sequence[Mapping[str, Any]],
    components: Iterable[ComponentSeed],
    written: Iterable[ChangeRuleSeed] = (),
) -> list[ChangeRuleSeed]:
    """From every set's default side or drink to each other item of its group, at the price difference; a rule the
    shop has ``written`` for one change replaces the derived one. Sold-out items keep their rules: stock is checked
    when a change is asked for, so a restocked item needs nothing rewritten."""
    rules: dict[tuple[int, int], ChangeRuleSeed] = {}
    for component in components:
        source = menu[component.component_index]
        if not component.is_default or source["group"] not in CHANGEABLE_GROUPS:
            continue
        for target_index, target in enumerate(menu):
            if target_index == component.component_index or target["group"] != source["group"]:
                continue
            delta = max(0, int(target["price"]) - int(source["price"]))
            rules[(component.component_index, target_index)] = ChangeRuleSeed(
                component.component_index, target_index, delta
            )
    for rule in written:
        rules[(rule.from_index, rule.to_index)] = rule
    return list(rules.values())
