"""The catalogue of shops that take orders: products, sets with their default components, the rules for changing a
component, toppings, sold-out flags, and finding a product by what the user calls it.

A component changes only within its group (a side for a side, a drink for a drink); the charge is the price
difference, never negative, unless the shop wrote a rule for the change (``component_change_rules``), whose delta
then applies (negative only where the rule allows a discount). ``OrderCatalogue`` keeps the menus in memory for a
short while; checkout always re-reads prices and sold-out flags from the database. An item sold only at some hours
(breakfast) cannot be ordered outside them: `ShopMenu.at` gives the menu as it stands at a moment.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from dialogue.ordering.matching import (
    EXACT,
    MIN_SCORE,
    ProductMatcher,
    compact,
    size_of,
    split_variant,
    variant_of,
    without_variant_words,
)
from storage.database import Database
from storage.hours import sold_at
from storage.models import MenuKind
from storage.repositories.ordering import OrderingRepository, ShopMenuRows

logger = logging.getLogger(__name__)

NEAR_TIE = 0.03
"""Products scoring within this of the best are equally likely."""
CLEAR_LEAD = 0.1
"""The best product is taken without asking when it leads the next different product by this much."""
MAX_CHOICES = 5
BRAND_PRODUCTS = 3
"""A leading word is taken for a chain's brand when it leads at least this many products' names."""


@dataclass(frozen=True, slots=True)
class MenuEntry:
    id: int
    name: str
    price: int
    kind: str
    group: str | None
    sold_out: bool
    """Cannot be ordered now: marked sold out, or (``off_hours``) outside the hours it is sold."""
    family: str
    """The name without its bracketed variant: "양념감자" for "양념감자 (칠리)"."""
    variant: str | None
    size: str | None = None
    """The variant as a size, whatever the menu calls it ("M" for "미디움", "M" or "보통"); None for a flavour."""
    hours: tuple[int, int] | None = None
    """(from, until) minutes after local midnight when it is sold only then."""
    off_hours: bool = False
    """Sold out only because it is not sold at this hour (see `ShopMenu.at`)."""
    category: str | None = None
    tags: tuple[str, ...] = ()
    """The shop's tags ("spicy", "vegetarian" ...), for questions such as "이거 매워?"."""
    description: str | None = None

    @property
    def is_set(self) -> bool:
        return self.kind == MenuKind.SET

    @property
    def is_topping(self) -> bool:
        return self.kind == MenuKind.TOPPING

    def is_variant(self, wanted: str) -> bool:
        """Whether this is the variant ``wanted`` names: the same size however written, or the same flavour."""
        size = size_of(wanted)
        return self.size == size if size is not None else self.variant == wanted


@dataclass(frozen=True, slots=True)
class Component:
    item: MenuEntry
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Rule:
    delta: int
    allow_discount: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    """What a query names: one product (with the other variants of its family), choices to ask, or suggestions."""

    item: MenuEntry | None = None
    variants: tuple[MenuEntry, ...] = ()
    """Other variants of the chosen product's family ("칠리", "치즈" when "양념감자" picked "어니언")."""
    choices: tuple[MenuEntry, ...] = ()
    """Several different products fit equally: ask which one."""
    suggestions: tuple[MenuEntry, ...] = ()
    """Nothing fits well; these come closest."""
    score: float = 0.0
    """How well the best product fits the query (1.0: one of its names exactly)."""


@dataclass(slots=True)
class ShopMenu:
    shop_id: int
    shop_name: str
    slack_channel: str | None
    items: dict[int, MenuEntry]
    components: dict[int, tuple[Component, ...]]
    """Set id -> its default components."""
    rules: dict[tuple[int, int], Rule]
    matcher: ProductMatcher = field(default=None, repr=False)  # type: ignore[assignment]
    """Built from the names when not given (a view at another hour shares its menu's)."""
    _families: dict[str, list[MenuEntry]] = field(init=False, repr=False)
    _views: dict[frozenset[int], ShopMenu] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.matcher is None:
            brand = _brand_words(self.shop_name, self.items.values())
            self.matcher = ProductMatcher({item.id: item.name for item in self.items.values()}, brand)
        families: dict[str, list[MenuEntry]] = {}
        for item in sorted(self.items.values(), key=lambda entry: entry.id):
            families.setdefault(_family_key(item), []).append(item)
        self._families = families

    def at(self, moment: datetime) -> ShopMenu:
        """The menu as it can be ordered at ``moment``: items outside their selling hours are sold out (and
        ``off_hours``). Views are kept per set of such items, so a lookup rebuilds nothing."""
        off = frozenset(
            item.id for item in self.items.values() if item.hours is not None and not sold_at(*item.hours, moment)
        )
        if not off:
            return self
        view = self._views.get(off)
        if view is None:
            items = {
                item_id: replace(item, sold_out=True, off_hours=not item.sold_out) if item_id in off else item
                for item_id, item in self.items.items()
            }
            components = {
                set_id: tuple(Component(items[part.item.id], part.quantity) for part in parts)
                for set_id, parts in self.components.items()
            }
            view = ShopMenu(
                self.shop_id, self.shop_name, self.slack_channel, items, components, self.rules, self.matcher
            )
            self._views[off] = view
        return view

    def family(self, item: MenuEntry) -> list[MenuEntry]:
        return self._families.get(_family_key(item), [item])

    def set_components(self, set_id: int) -> tuple[Component, ...]:
        return self.components.get(set_id, ())

    def changeable(self, component: MenuEntry) -> bool:
        """Whether the shop allows changing this component at all (it wrote change rules from it)."""
        return any(source == component.id for source, _ in self.rules)

    def change_delta(self, default: MenuEntry, target: MenuEntry) -> int | None:
        """What changing ``default`` to ``target`` costs, or None when the groups differ."""
        if target.id == default.id:
            return 0
        if target.group is None or target.group != default.group:
            return None
        rule = self.rules.get((default.id, target.id))
        if rule is not None:
            return rule.delta if rule.allow_discount else max(0, rule.delta)
        return max(0, target.price - default.price)

    def set_of(self, main: MenuEntry) -> MenuEntry | None:
        """The set whose main component is ``main`` (리아 불고기버거 -> 리아 불고기버거 세트)."""
        for set_id, components in self.components.items():
            if components and components[0].item.id == main.id and set_id in self.items:
                return self.items[set_id]
        return None

    def main_of(self, set_item: MenuEntry) -> MenuEntry | None:
        components = self.components.get(set_item.id, ())
        return components[0].item if components else None

    def find(
        self,
        query: str,
        *,
        kinds: Iterable[str] | None = None,
        among: Iterable[int] | None = None,
        prefer_variant: str | None = None,
    ) -> Found:
        """The product ``query`` names ("불고기 세트", "감튀", "양념감자 칠리", "콜라 라지").

        Several variants of one product (sizes, flavours) are one product: the named variant, else
        ``prefer_variant``, else the first that is not sold out. Different products that fit about equally are
        returned as ``choices`` to ask about.
        """
        wanted_variant = variant_of(query)
        text = without_variant_words(query) or query
        allowed = set(among) if among is not None else None
        if kinds is not None:
            kind_set = set(kinds)
            ids = {item.id for item in self.items.values() if item.kind in kind_set}
            allowed = ids if allowed is None else allowed & ids
        scored = self.matcher.score(text, allowed)
        if "세트" not in compact(query):
            # "치즈버거" means the burger: sets only when nothing else fits.
            singles = [s for s in scored if not self.items[s.item_id].is_set]
            if singles and singles[0].score >= MIN_SCORE:
                scored = singles
        if not scored and wanted_variant and allowed:
            return Found()
        if not scored or scored[0].score < MIN_SCORE:
            return Found(suggestions=tuple(self.items[s.item_id] for s in scored[:3]))
        top = scored[0].score
        close = [self.items[s.item_id] for s in scored if s.score >= top - NEAR_TIE]
        exact = [self.items[s.item_id] for s in scored if s.score >= EXACT]
        if len(exact) >= 1:
            close = exact
        families = list(dict.fromkeys(_family_key(item) for item in close))
        if len(families) > 1 and top < EXACT:
            # A clear leader among different products still wins ("치즈스틱" over "롱 치즈스틱").
            runner_up = next(
                (s.score for s in scored if _family_key(self.items[s.item_id]) != families[0]),
                0.0,
            )
            if top - runner_up >= CLEAR_LEAD:
                families = families[:1]
        if len(families) > 1:
            seen: dict[str, MenuEntry] = {}
            for s in scored:
                item = self.items[s.item_id]
                if s.score >= max(MIN_SCORE, top - 0.15):
                    family = self.family(item)
                    seen.setdefault(
                        _family_key(item),
                        self._pick(family, wanted_variant or _named_in(query, family), prefer_variant),
                    )
            return Found(choices=tuple(list(seen.values())[:MAX_CHOICES]), score=top)
        chosen_family = [item for item in self.family(close[0]) if allowed is None or item.id in allowed]
        item = self._pick(
            chosen_family or [close[0]], wanted_variant or _named_in(query, chosen_family), prefer_variant
        )
        variants = tuple(other for other in chosen_family if other.id != item.id)
        return Found(item=item, variants=variants, score=top)

    @staticmethod
    def _pick(family: list[MenuEntry], wanted: str | None, preferred: str | None) -> MenuEntry:
        for variant in (wanted, preferred):
            if variant is not None:
                for item in family:
                    if item.is_variant(variant):
                        return item
        available = [item for item in family if not item.sold_out]
        return (available or family)[0]


def _named_in(query: str, family: list[MenuEntry]) -> str | None:
    """The variant of ``family`` that the query names by its label ("양념감자 칠리" -> "칠리") or by the whole name
    ("콜라(L)")."""
    said = compact(query)
    for item in family:
        if item.variant and compact(item.name) == said:
            return item.variant
    for item in family:
        # A one-letter size ("M") would be found inside any word; sizes are read by `variant_of` instead.
        if item.variant and len(compact(item.variant)) > 1 and compact(item.variant) in said:
            return item.variant
    return None


def _family_key(item: MenuEntry) -> str:
    return f"{item.kind}:{compact(item.family)}"


def _brand_words(shop_name: str, items: Iterable[MenuEntry]) -> list[str]:
    """Leading words of product names that are optional when said: words of the shop's name ("리아" in 버거리아),
    and a chain's brand word that leads several of its products (`BRAND_PRODUCTS`) wherever its menu is imported
    ("리아" in 리아 불고기버거, 리아 새우버거 and 리아 더블 사각새우버거). A word whose dropping would name another
    product is not optional: "더블" stays, since 더블 불고기버거 without it is 불고기버거."""
    entries = list(items)
    shop = compact(shop_name)
    firsts = {item.name.split()[0] for item in entries if len(item.name.split()) > 1}
    brands = {word for word in firsts if len(compact(word)) >= 2 and compact(word) in shop}
    names = {compact(item.family) for item in entries}
    rests: dict[str, list[str]] = {}
    for item in entries:
        words = item.family.split()
        if not item.is_set and len(words) > 1 and len(compact(words[0])) >= 2:
            rests.setdefault(words[0], []).append(compact(" ".join(words[1:])))
    brands.update(word for word, rest in rests.items() if len(rest) >= BRAND_PRODUCTS and not names.intersection(rest))
    return sorted(brands)


def build_menu(rows: ShopMenuRows) -> ShopMenu:
    items: dict[int, MenuEntry] = {}
    for row in rows.items:
        assert row.id is not None
        family, variant = split_variant(row.name)
        hours = (
            None
            if row.available_from is None and row.available_until is None
            else (row.available_from or 0, 1440 if row.available_until is None else row.available_until)
        )
        items[row.id] = MenuEntry(
            row.id,
            row.name,
            row.price,
            row.kind,
            row.group,
            row.sold_out,
            family,
            variant,
            size=size_of(variant) if variant else None,
            hours=hours,
            category=row.category,
            tags=tuple(str(tag) for tag in row.tags or ()),
            description=row.description,
        )
    components: dict[int, list[Component]] = {}
    for component in rows.components:
        if component.is_default and component.component_item_id in items:
            components.setdefault(component.set_item_id, []).append(
                Component(items[component.component_item_id], component.quantity)
            )
    rules = {(rule.from_item_id, rule.to_item_id): Rule(rule.price_delta, rule.allow_discount) for rule in rows.rules}
    assert rows.shop.id is not None
    return ShopMenu(
        shop_id=rows.shop.id,
        shop_name=rows.shop.name,
        slack_channel=rows.shop.slack_channel,
        items=items,
        components={set_id: tuple(parts) for set_id, parts in components.items()},
        rules=rules,
    )


class OrderCatalogue:
    """The menus of every shop that takes orders, reloaded after ``ttl_s`` or ``invalidate()``."""

    def __init__(self, db: Database, *, ttl_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self.clock = clock
        self._menus: dict[int, ShopMenu] | None = None
        self._loaded = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._menus = None

    async def menus(self, at: datetime | None = None) -> dict[int, ShopMenu]:
        """Every ordering shop's menu, as it can be ordered ``at`` that moment (None: whatever the hour)."""
        menus = await self._all()
        return menus if at is None else {shop_id: menu.at(at) for shop_id, menu in menus.items()}

    async def _all(self) -> dict[int, ShopMenu]:
        menus = self._menus
        if menus is not None and self.clock() - self._loaded < self.ttl_s:
            return menus
        async with self._lock:
            if self._menus is not None and self.clock() - self._loaded < self.ttl_s:
                return self._menus
            started = self.clock()
            async with self.db.session() as session:
                rows = await OrderingRepository(session).ordering_menus()
            self._menus = {menu.shop_id: menu for menu in map(build_menu, rows)}
            self._loaded = started
            logger.debug("ordering catalogue: %d shops", len(self._menus))
            return self._menus

    async def menu(self, shop_id: int, at: datetime | None = None) -> ShopMenu | None:
        menu = (await self._all()).get(shop_id)
        return menu if menu is None or at is None else menu.at(at)

    async def refreshed(self, menu: ShopMenu, item_ids: Iterable[int], at: datetime) -> ShopMenu:
        """``menu``, or a freshly loaded one when any of the items changed price or sold out since it was read.

        Staff mark items sold out from Slack, possibly on another replica; one small query per order turn sees it
        at once instead of after the cache's TTL.
        """
        wanted = set(item_ids)
        if not wanted:
            return menu
        async with self.db.session() as session:
            rows = await OrderingRepository(session).items(wanted)
        for item_id, row in rows.items():
            known = menu.items.get(item_id)
            if known is None or (known.sold_out and not known.off_hours) != row.sold_out or known.price != row.price:
                self.invalidate()
                return await self.menu(menu.shop_id, at) or menu
        return menu
