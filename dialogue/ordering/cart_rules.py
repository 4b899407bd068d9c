"""The cart's rules, apart from their wording: which line, component, extra or change a request names, what a change
of a set's component (or of a single side or drink) becomes and costs, set and single switches, toppings, quantities.

Nothing here reads storage or the session, and nothing is Korean wording (`replies` words the outcomes). Deciding is
pure: ``plan_change``, ``switch_target`` and the finders leave the cart as it was; the ``apply_*`` functions then
change only the line given, in memory, and the service saves the cart. Prices come from the menu (``ShopMenu.
change_delta`` is the shop's price for a component change); unit prices and totals are those of `cart`, so every
difference here is the one the cart will show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from dialogue.ordering.cart import MAX_QUANTITY, Cart, CartLine, Extra, OptionChange
from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.ordering.matching import ProductMatcher, compact, group_of_word, variant_of, without_variant_words
from storage.models import MenuKind

LINE_MATCH = 0.6
"""How well a name must fit a cart line, extra or component to be the one meant (fuzzy, as the product matcher)."""
TOPPED_KINDS = (MenuKind.MAIN, MenuKind.SET)
"""The lines a topping goes on: a burger, alone or in its set."""
SWAPPABLE_KINDS = (MenuKind.SIDE, MenuKind.DRINK)
"""A line of one of these kinds by itself may become another item of its group ("콜라 사이다로")."""
_ELSEWHERE = (MenuKind.SIDE, MenuKind.DRINK, MenuKind.MAIN)


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """One component change as asked: ``source`` names the component ("감자튀김", "음료"; None: by the target's
    group), ``target`` what it becomes ("양념감자", "사이다", "라지")."""

    source: str | None
    target: str


# ---- which line, component, extra or change ---------------------------------------------------------------------


def names_match(said: str, *names: str) -> bool:
    """Whether ``said`` names one of ``names`` (fuzzy, as the product matcher reads it)."""
    scored = ProductMatcher(dict(enumerate(names))).score(said)
    return bool(scored) and scored[0].score >= LINE_MATCH


def find_line(cart: Cart, said: int | str | None, kinds: Sequence[str] | None = None) -> CartLine | None:
    """The cart line ``said`` names: by its number (of any kind), by a name ("불고기 세트", "콜라"), or the line
    touched last when nothing is named."""
    if isinstance(said, int):
        return cart.line(said)
    lines = [line for line in cart.lines if kinds is None or line.kind in kinds]
    if not lines:
        return None
    if said is None:
        last = cart.last()
        return last if last is not None and last in lines else lines[-1]
    scored = ProductMatcher({line.line_id: line.name for line in lines}).score(said)
    if not scored or scored[0].score < LINE_MATCH:
        return None
    return cart.line(scored[0].item_id)


def lines_for(cart: Cart, line_ref: int | str | None) -> list[CartLine]:
    """The lines a request may mean, to try in order: the one named; without a name, the one touched last first,
    then the others newest first."""
    if line_ref is not None:
        line = find_line(cart, line_ref)
        return [line] if line is not None else []
    last = cart.last()
    rest = [line for line in reversed(cart.lines) if last is None or line.line_id != last.line_id]
    return ([last] if last is not None else []) + rest


def component_named(menu: ShopMenu, cart: Cart, said: str) -> str | None:
    """The name of the set component in the cart that ``said`` names, by its name now ("양념감자 (칠리)" once
    changed) or its group ("감자튀김", "음료"), newest line first; None when it names none."""
    for line in reversed(cart.lines):
        for component in menu.set_components(line.item_id):
            current = line.change_for(component.item.id)
            name = current.to_name if current else component.item.name
            if names_match(said, name) or group_of_word(said) == component.item.group:
                return name
    return None


def is_change_source(menu: ShopMenu, cart: Cart, said: str, splits: Iterable[tuple[str | None, str]]) -> bool:
    """Whether ``said``, read as a product to add, is rather what a change names to be changed: one of the change's
    readings has it as the source, and it names a component of a set in the cart. "감자튀김 (M) 양념감자 칠리로
    바꿔줘" after a 불고기버거 세트 changes the set's side; it never adds a 감자튀김 (M)."""
    sources = {compact(source) for source, _ in splits if source}
    return compact(said) in sources and component_named(menu, cart, said) is not None


def extra_named(cart: Cart, said: str) -> tuple[CartLine, Extra] | None:
    """The extra (a topping) ``said`` names and its line, newest line first."""
    for line in reversed(cart.lines):
        for extra in line.extras:
            if names_match(said, extra.name):
                return line, extra
    return None


def change_named(lines: Iterable[CartLine], said: str | None) -> tuple[CartLine, OptionChange] | None:
    """The option change to undo that ``said`` names (by what it changed to or from, or its group), on the first of
    ``lines`` that has one; without a name, the latest change of the first line with any."""
    group = group_of_word(said) if said else None
    for line in lines:
        for change in reversed(line.changes):
            if said is None or group == change.group or names_match(said, change.to_name, change.from_name):
                return line, change
    return None


def in_cart(cart: Cart, said: str) -> bool:
    """Whether ``said`` names something in the cart: a line, an extra, or a component a set was changed to."""
    if find_line(cart, said) is not None:
        return True
    names = [extra.name for line in cart.lines for extra in line.extras]
    names += [change.to_name for line in cart.lines for change in line.changes]
    return bool(names) and names_match(said, *names)


# ---- quantities and adding ----------------------------------------------------------------------------------------


def clamp_quantity(quantity: int) -> int:
    """A line's quantity as it can be ordered: at least one, at most `MAX_QUANTITY`."""
    return max(1, min(quantity, MAX_QUANTITY))


def add_or_merge(cart: Cart, item: MenuEntry, quantity: int, *, bare: bool) -> CartLine:
    """The line ``quantity`` of ``item`` goes on: a bare request (no changes, no toppings) joins a bare line of the
    same item, else a new line at the item's price."""
    if bare:
        for line in cart.lines:
            if line.item_id == item.id and not line.changes and not line.extras:
                line.quantity = min(MAX_QUANTITY, line.quantity + quantity)
                return line
    return cart.add(CartLine(0, item.id, item.name, item.kind, item.price, quantity))


def orderable_toppings(menu: ShopMenu, names: Iterable[str]) -> list[MenuEntry]:
    """The toppings ``names`` name that can be ordered now."""
    found = [menu.find(name, kinds=(MenuKind.TOPPING,)).item for name in names]
    return [item for item in found if item is not None and not item.sold_out]


def add_extras(line: CartLine, toppings: Sequence[MenuEntry]) -> int:
    """Put ``toppings`` on ``line``; what they cost for the line's quantity."""
    line.extras.extend(Extra(item.id, item.name, item.price) for item in toppings)
    return sum(item.price for item in toppings) * line.quantity


# ---- changing a component --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """A component of a set line: the set's default and what the line has there now."""

    default: MenuEntry
    current: MenuEntry


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


def slots_of(menu: ShopMenu, line: CartLine) -> list[Slot]:
    """The set line's components, one per default item, with what each is now."""
    slots: dict[int, Slot] = {}
    for component in menu.set_components(line.item_id):
        change = line.change_for(component.item.id)
        current = menu.items.get(change.to_id, component.item) if change else component.item
        slots.setdefault(component.item.id, Slot(component.item, current))
    return list(slots.values())


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
        other = None if request.source is None else menu.find(request.target, kinds=_ELSEWHERE).item
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
