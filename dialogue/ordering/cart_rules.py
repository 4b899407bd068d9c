"""The cart's rules, apart from their wording: which line, component, extra or change a request names, toppings and
quantities. What a change of a set's component (or of a single side or drink) becomes and costs, and set and single
switches, are in `changes`.

Nothing here reads storage or the session, and nothing is Korean wording (`replies` words the outcomes). Deciding is
pure: ``plan_change``, ``switch_target`` and the finders leave the cart as it was; the ``apply_*`` functions then
change only the line given, in memory, and the service saves the cart. Prices come from the menu (``ShopMenu.
change_delta`` is the shop's price for a component change); unit prices and totals are those of `cart`, so every
difference here is the one the cart will show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dialogue.ordering.cart import MAX_QUANTITY, Cart, CartLine, Extra, OptionChange
from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.ordering.matching import (
    ProductMatcher,
    compact,
    group_of_word,
    variant_of,
    without_variant_words,
)
from storage.models import MenuKind

LINE_MATCH = 0.6
"""How well a name must fit a cart line, extra or component to be the one meant (fuzzy, as the product matcher)."""
TOPPED_KINDS = (MenuKind.MAIN, MenuKind.SET)
"""The lines a topping goes on: a burger, alone or in its set."""
SWAPPABLE_KINDS = (MenuKind.SIDE, MenuKind.DRINK)
"""A line of one of these kinds by itself may become another item of its group ("콜라 사이다로")."""
SURE = 0.85
"""A name fits a product this well when it is taken without asking in a message that could mean something else."""
ELSEWHERE_KINDS = (MenuKind.SIDE, MenuKind.DRINK, MenuKind.MAIN)
"""Where a change's target is looked for when it is not a component of the line's set."""
KIND_CHOICES = 4
"""How many products of a kind are offered to choose from."""
SPICY_WORDS = ("매운", "매콤", "칠리", "스파이시", "불닭", "청양", "할라피뇨", "마라")
"""Words of a name or description that say it is hot, for menus without a "spicy" tag."""


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


# ---- what the menu offers ------------------------------------------------------------------------------------------


def kind_choices(menu: ShopMenu, kind: str, limit: int = KIND_CHOICES) -> tuple[MenuEntry, ...]:
    """A few products of ``kind`` to choose from: one of each family that can be ordered now, cheapest first (what a
    child on a meal card is likeliest to pick)."""
    chosen: dict[str, MenuEntry] = {}
    for item in sorted(menu.items.values(), key=lambda entry: (entry.price, entry.id)):
        if item.kind == kind and not item.sold_out:
            chosen.setdefault(compact(item.family), item)
    return tuple(chosen.values())[:limit]


def cheapest(menu: ShopMenu, kind: str | None = None) -> MenuEntry | None:
    """The cheapest product (of ``kind``) that can be ordered by itself now; a topping only goes on a burger."""
    items = [
        item
        for item in menu.items.values()
        if not item.sold_out and not item.is_topping and (kind is None or item.kind == kind)
    ]
    return min(items, key=lambda item: (item.price, item.id), default=None)


def is_spicy(item: MenuEntry) -> bool:
    """Whether the shop tags ``item`` spicy or its name or description says it is hot."""
    text = f"{item.name} {item.description or ''}"
    return "spicy" in item.tags or any(word in text for word in SPICY_WORDS)


def spicy_parts(menu: ShopMenu, item: MenuEntry, line: CartLine | None = None) -> list[MenuEntry]:
    """What is hot in ``item``: for a set, its components as ``line`` has them now (the defaults without a line),
    since a set with 양념감자 (칠리) is hot though its burger is not; else the item itself."""
    components = menu.set_components(item.id)
    if not components:
        return [item] if is_spicy(item) else []
    parts = [slot.current for slot in slots_of(menu, line)] if line is not None else [c.item for c in components]
    return [part for part in parts if is_spicy(part)]


def set_and_part(menu: ShopMenu, said: str) -> tuple[str, str] | None:
    """ "불고기버거 세트 사이다" -> ("불고기버거 세트", "사이다"): a set named with what one of its components is to be,
    in one breath. None when ``said`` is not a set followed by such a part."""
    words = said.split()
    cut = next((i for i, word in enumerate(words) if compact(word).endswith("세트")), None)
    if cut is None or cut == len(words) - 1:
        return None
    head, part = " ".join(words[: cut + 1]), " ".join(words[cut + 1 :])
    found = menu.find(head)
    if found.item is None or not found.item.is_set:
        return None
    return (head, part) if names_component(menu, found.item, part) else None


def names_component(menu: ShopMenu, set_item: MenuEntry, said: str) -> bool:
    """Whether ``said`` names what a changeable component of ``set_item`` may become: an item of its group
    ("사이다" for the set's cola) or a size alone ("라지")."""
    defaults = [component.item for component in menu.set_components(set_item.id) if menu.changeable(component.item)]
    if not defaults:
        return False
    if variant_of(said) is not None and not compact(without_variant_words(said)):
        return True
    groups = {item.group for item in defaults if item.group}
    among = [
        item.id for item in menu.items.values() if item.group in groups and not item.is_set and not item.is_topping
    ]
    found = menu.find(said, among=among)
    return found.item is not None and found.score >= SURE


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


@dataclass(frozen=True, slots=True)
class Slot:
    """A component of a set line: the set's default and what the line has there now."""

    default: MenuEntry
    current: MenuEntry


def slots_of(menu: ShopMenu, line: CartLine) -> list[Slot]:
    """The set line's components, one per default item, with what each is now."""
    slots: dict[int, Slot] = {}
    for component in menu.set_components(line.item_id):
        change = line.change_for(component.item.id)
        current = menu.items.get(change.to_id, component.item) if change else component.item
        slots.setdefault(component.item.id, Slot(component.item, current))
    return list(slots.values())
