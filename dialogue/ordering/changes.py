"""Changing a cart line, apart from wording: what a change of a set's component (or of a single side or drink)
becomes and costs, set and single switches, and partial removals.

Deciding is pure: ``plan_change`` and ``switch_target`` leave the line as it was; the ``apply_*`` functions then change
only the line given, in memory, and the service saves the cart. Prices come from the menu (``ShopMenu.change_delta``
is the shop's price for a component change); unit prices are those of `cart`, so every difference here is the one the
cart will show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogue.ordering.cart import CartLine, OptionChange
from dialogue.ordering.cart_rules import ELSEWHERE_KINDS, SWAPPABLE_KINDS, ChangeRequest, Slot, names_match, slots_of
from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.ordering.matching import compact, group_of_word, variant_of, without_variant_words


@dataclass(frozen=True, slots=True)
class ComponentSwap:
    """A set's component becomes ``target`` at ``delta`` over the default (the shop's price for the change)."""

    default: MenuEntry
    current: MenuEntry
    target: MenuEntry
    delta: int
    flavours: tuple[MenuEntry, ...] = ()
    """The other flavours of ``target`` that can be ordered, offered when a flavour was picked for a family name."""


@dataclass(frozen=True, slots=True)
class Resized:
    default: MenuEntry
    target: MenuEntry
    delta: int
    previous: int
    """The delta the line had for this component before."""


@dataclass(frozen=True, slots=True)
class Resize:
    """ "라지로": every changeable component of the set that comes in ``size`` becomes that size."""

    size: str
    parts: tuple[Resized, ...]

    @property
    def difference(self) -> int:
        return sum(part.delta - part.previous for part in self.parts)


@dataclass(frozen=True, slots=True)
class SingleSwap:
    """A side or drink line by itself becomes another item of its group, at that item's price."""

    before: MenuEntry
    target: MenuEntry
    difference: int
    """What the line's unit price changes by."""


@dataclass(frozen=True, slots=True)
class Ambiguous:
    choices: tuple[MenuEntry, ...]


@dataclass(frozen=True, slots=True)
class OtherGroup:
    """The target is of another group than the component named ("감자튀김 사이다로"): it can be added instead."""

    current: MenuEntry
    default: MenuEntry
    other: MenuEntry


@dataclass(frozen=True, slots=True)
class Fixed:
    """The shop wrote no change rules for this component: it stays."""

    default: MenuEntry


@dataclass(frozen=True, slots=True)
class AlreadyThere:
    target: MenuEntry


@dataclass(frozen=True, slots=True)
class SoldOut:
    item: MenuEntry


@dataclass(frozen=True, slots=True)
class NoSize:
    size: str


Plan = ComponentSwap | Resize | SingleSwap
Refusal = Ambiguous | OtherGroup | Fixed | AlreadyThere | SoldOut | NoSize
"""The request fits the line but cannot be done as asked: worth telling rather than trying another reading."""


def plan_change(menu: ShopMenu, line: CartLine, request: ChangeRequest) -> Plan | Refusal | None:
    """What ``request`` means for ``line``: a change to apply, a refusal to tell, or None when it does not fit the
    line (another line or another reading may). Leaves the line as it is.

    A set's component changes only within its group, to an item the shop sells now, and only where the shop allows
    changing it; the charge is the shop's price for the change (``ShopMenu.change_delta``). A size alone ("라지로")
    resizes every component that comes in that size. A side or drink line by itself swaps within its group.
    """
    slots = slots_of(menu, line)
    if not slots:
        return _single_swap(menu, line, request)
    chosen = slots if request.source is None else [slot for slot in slots if _names_slot(request.source, slot)]
    if not chosen:
        return None
    size = variant_of(request.target)
    if size is not None and not compact(without_variant_words(request.target)):
        return _resize(menu, line, chosen, size)
    groups = {slot.default.group for slot in chosen if slot.default.group}
    candidates = [
        item.id for item in menu.items.values() if item.group in groups and not item.is_set and not item.is_topping
    ]
    prefer = chosen[0].current.variant if len(chosen) == 1 else None
    found = menu.find(request.target, among=candidates, prefer_variant=prefer)
    if found.choices:
        return Ambiguous(found.choices)
    target = found.item
    if target is None:
        # Only a component named outright is told that the target belongs elsewhere.
        other = None if request.source is None else menu.find(request.target, kinds=ELSEWHERE_KINDS).item
        return None if other is None else OtherGroup(chosen[0].current, chosen[0].default, other)
    slot = next((slot for slot in chosen if slot.default.group == target.group), None)
    if slot is None:
        return None
    if not menu.changeable(slot.default):
        return Fixed(slot.default)
    if target.id == slot.current.id:
        return AlreadyThere(target)
    if target.sold_out:
        return SoldOut(target)
    delta = menu.change_delta(slot.default, target)
    if delta is None:
        return None
    flavours: tuple[MenuEntry, ...] = ()
    if target.variant and not variant_of(target.variant):
        # A flavour was picked for "양념감자": the others are offered.
        flavours = tuple(item for item in menu.family(target) if item.id != target.id and not item.sold_out)
    return ComponentSwap(slot.default, slot.current, target, delta, flavours)


def _names_slot(said: str, slot: Slot) -> bool:
    group = group_of_word(said)
    return (group is not None and slot.default.group == group) or names_match(
        said, slot.current.name, slot.default.name
    )


def _resize(menu: ShopMenu, line: CartLine, slots: list[Slot], size: str) -> Resize | NoSize:
    parts: list[Resized] = []
    for slot in slots:
        bigger = next((item for item in menu.family(slot.current) if item.is_variant(size) and not item.sold_out), None)
        delta = (
            menu.change_delta(slot.default, bigger) if bigger is not None and menu.changeable(slot.default) else None
        )
        if bigger is None or delta is None:
            continue
        previous = line.change_for(slot.default.id)
        parts.append(Resized(slot.default, bigger, delta, previous.delta if previous else 0))
    return Resize(size, tuple(parts)) if parts else NoSize(size)


def _single_swap(menu: ShopMenu, line: CartLine, request: ChangeRequest) -> SingleSwap | SoldOut | None:
    item = menu.items.get(line.item_id)
    if item is None or item.kind not in SWAPPABLE_KINDS or line.extras:
        return None
    source = request.source
    if source is not None and not names_match(source, item.name) and group_of_word(source) != item.group:
        return None
    same_group = [other.id for other in menu.items.values() if other.group == item.group and not other.is_set]
    target = menu.find(request.target, among=same_group, prefer_variant=item.variant).item
    if target is None or target.id == item.id:
        return None
    if target.sold_out:
        return SoldOut(target)
    difference = replace(line, base_price=target.price).unit_price - line.unit_price
    return SingleSwap(item, target, difference)


def apply_plan(line: CartLine, plan: Plan) -> None:
    """Make the change ``plan_change`` planned for ``line``."""
    match plan:
        case ComponentSwap(default=default, target=target, delta=delta):
            _set_component(line, default, target, delta)
        case Resize(parts=parts):
            for part in parts:
                _set_component(line, part.default, part.target, part.delta)
        case SingleSwap(target=target):
            _become(line, target)


def _set_component(line: CartLine, default: MenuEntry, target: MenuEntry, delta: int) -> None:
    line.changes = [change for change in line.changes if change.from_id != default.id]
    if target.id != default.id:
        line.changes.append(OptionChange(default.group or "", default.id, default.name, target.id, target.name, delta))


def _become(line: CartLine, item: MenuEntry) -> None:
    line.item_id, line.name, line.kind, line.base_price = item.id, item.name, item.kind, item.price


# ---- set and single -------------------------------------------------------------------------------------------------


def switch_target(menu: ShopMenu, line: CartLine, *, single: bool) -> MenuEntry | None:
    """What a set line becomes as a single (its main), or a main line as a set; None when there is none to order."""
    current = menu.items.get(line.item_id)
    target = None if current is None else menu.main_of(current) if single else menu.set_of(current)
    return None if target is None or target.sold_out else target


def switch_difference(line: CartLine, target: MenuEntry, *, single: bool) -> int:
    """What switching ``line`` to ``target`` changes its unit price by: a single drops the set's component changes
    and keeps the toppings."""
    after = replace(line, base_price=target.price, changes=[] if single else line.changes)
    return after.unit_price - line.unit_price


def apply_switch(line: CartLine, target: MenuEntry, *, single: bool) -> int:
    """Make ``line`` the ``target`` of `switch_target`; what its unit price changed by (`switch_difference`)."""
    difference = switch_difference(line, target, single=single)
    _become(line, target)
    if single:
        line.changes = []
    return difference


def partial_removal(line: CartLine, quantity: int | None) -> bool:
    """Whether taking ``quantity`` out of ``line`` leaves some of it (None: the whole line goes)."""
    return quantity is not None and quantity < line.quantity
