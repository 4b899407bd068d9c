"""What to offer in place of what cannot be had: the alternatives to a sold-out item, the near names for something
not on the menu, the other sizes and flavours after adding. Pure choices over the menu; the words are `replies`."""

from __future__ import annotations

from collections.abc import Iterable

from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.ordering.matching import compact

SHOWN = 3
"""How many alternatives or near names are offered."""


def alternatives(menu: ShopMenu, item: MenuEntry) -> list[MenuEntry]:
    """What to offer for a sold-out ``item``: its other variants, then other products of its kind, the likest in name
    and the closest in price first, one of each product (three flavours of 양념감자 are one suggestion)."""
    family = [other for other in menu.family(item) if not other.sold_out]
    similar = [
        other
        for other in menu.items.values()
        if other.kind == item.kind and not other.sold_out and other.id != item.id and other not in family
    ]
    alike = {s.item_id: s.score for s in menu.matcher.score(item.family, [other.id for other in similar])}
    similar.sort(key=lambda other: (-alike.get(other.id, 0.0), abs(other.price - item.price), other.id))
    distinct = list({compact(other.family): other for other in reversed(similar)}.values())[::-1]
    return (family + distinct)[:SHOWN]


def shown_suggestions(suggestions: Iterable[MenuEntry]) -> list[MenuEntry]:
    """The near names worth offering for something not on the menu: those that can be ordered, the first few."""
    return [item for item in suggestions if not item.sold_out][:SHOWN]


def other_variants(variants: Iterable[MenuEntry], item: MenuEntry) -> list[MenuEntry]:
    """The other sizes or flavours shown after adding ``item`` (none for a set: its contents are shown instead)."""
    return [] if item.is_set else [variant for variant in variants if not variant.sold_out]
