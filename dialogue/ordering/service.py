"""The cart operations, shared by the offline handler and the language-model tools: find a product, add, change a
set's component, change quantities, remove, empty; which shop the order is for is `shops`.

Each operation reads and writes the cart in the turn's session (the engine saves the session after the turn) and
returns a ``ToolResult`` (`results`): facts for a model and the reply the offline path shows. What a request means
and what it costs is decided by `cart_rules` (what to offer instead by `offers`); how the answer reads is `replies`.
Prices come from the catalogue, never from what the user or a model says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.messages import Button
from dialogue.ordering import cart_rules as rules
from dialogue.ordering import changes, offers, replies
from dialogue.ordering.cart import MAX_LINES, MAX_QUANTITY, Cart, CartLine, load_cart, save_cart
from dialogue.ordering.cart_rules import ChangeRequest
from dialogue.ordering.catalogue import OrderCatalogue, ShopMenu
from dialogue.ordering.matching import kind_of_word
from dialogue.ordering.results import (
    empty_cart,
    failure,
    line_changed,
    no_line,
    not_on_menu,
    sold_out,
    success,
    which_product,
)
from dialogue.ordering.shops import OrderShops
from dialogue.tools.base import ToolResult
from dialogue.turn import Reply, TurnContext
from storage.models import MenuKind


@dataclass(frozen=True, slots=True)
class AddRequest:
    product: str
    quantity: int = 1
    changes: tuple[ChangeRequest, ...] = ()
    toppings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Added:
    text: str
    line_id: int
    buttons: tuple[Button, ...] = ()


class CartService:
    """Cart operations over the ordering catalogue; the cart itself lives in ``ctx.session.order``."""

    def __init__(self, catalogue: OrderCatalogue) -> None:
        self.catalogue = catalogue
        self.shops = OrderShops(catalogue)

    # ---- finding products ----------------------------------------------------------------------------------------

    async def find_product(self, ctx: TurnContext, query: str, shop: str | None = None) -> ToolResult:
        menu = await self.shops.menu_for(ctx, shop=shop, product=query)
        if isinstance(menu, ToolResult):
            return menu
        kind = kind_of_word(query)
        if kind is not None and (picks := rules.kind_choices(menu, kind)):
            return ToolResult(
                data={
                    "ok": True,
                    "shop": menu.shop_name,
                    "ambiguous": True,
                    "products": [replies.product_data(menu, item) for item in picks],
                },
                reply=Reply(replies.which_product(query, adding=False), quick_replies=replies.choose_buttons(picks)),
            )
        found = menu.find(query)
        if found.item is not None:
            item = found.item
            buttons = () if item.sold_out else (replies.add_button(item),)
            data = {"ok": True, "shop": menu.shop_name, "products": [replies.product_data(menu, item)]}
            data["variants"] = [replies.product_data(menu, v) for v in found.variants]
            text = replies.product_text(menu, item, found.variants)
            return ToolResult(data=data, reply=Reply(text, quick_replies=buttons))
        if found.choices:
            names = [replies.product_data(menu, item) for item in found.choices]
            return ToolResult(
                data={"ok": True, "shop": menu.shop_name, "ambiguous": True, "products": names},
                reply=Reply(
                    replies.which_product(query, adding=False), quick_replies=replies.choose_buttons(found.choices)
                ),
            )
        return not_on_menu(menu, query, found.suggestions)

    # ---- adding --------------------------------------------------------------------------------------------------

    async def add_to_cart(
        self,
        ctx: TurnContext,
        product: str,
        *,
        quantity: int = 1,
        changes: Sequence[ChangeRequest] = (),
        toppings: Sequence[str] = (),
        shop: str | None = None,
    ) -> ToolResult:
        return await self.add_items(ctx, [AddRequest(product, quantity, tuple(changes), tuple(toppings))], shop=shop)

    async def add_items(
        self, ctx: TurnContext, requests: Sequence[AddRequest], *, shop: str | None = None
    ) -> ToolResult:
        """Add what one message orders ("불고기버거 세트 하나랑 치즈스틱 하나, 콜라는 사이다로"): each product with
        its quantity, option changes and toppings. A product that is unclear, sold out or not on the menu is asked
        about; the others are added all the same."""
        if not requests:
            return failure(replies.NOTHING_NAMED, "nothing named")
        menu = await self.shops.menu_for(ctx, shop=shop, product=requests[0].product)
        if isinstance(menu, ToolResult):
            return menu
        cart = self.shops.cart_for(ctx, menu)
        if isinstance(cart, ToolResult):
            return cart
        named = [menu.find(request.product).item for request in requests]
        # The whole family: a size restocked since the menu was read is the one "콜라" means again.
        family = {variant.id for item in named if item is not None for variant in menu.family(item)}
        menu = await self.catalogue.refreshed(menu, family, ctx.now)
        texts: list[str] = []
        buttons: tuple[Button, ...] = ()
        added: list[int] = []
        problem: ToolResult | None = None
        for request in requests:
            outcome = self._add_one(menu, cart, request)
            if isinstance(outcome, ToolResult):
                problem = problem or outcome
                texts.append(outcome.reply.text if outcome.reply is not None else "")
                continue
            texts.append(outcome.text)
            added.append(outcome.line_id)
            buttons = buttons or outcome.buttons
        if not added:
            assert problem is not None
            return problem
        save_cart(ctx.session.order, cart)
        if problem is not None and problem.reply is not None and problem.reply.quick_replies:
            buttons = problem.reply.quick_replies  # what is still unclear comes first
        text = " ".join(t for t in texts if t) + f"\n{replies.total_text(cart)}"
        return success(
            text, cart, buttons=buttons + replies.CART_BUTTONS if buttons else replies.CART_BUTTONS, added=added
        )

    def _add_one(self, menu: ShopMenu, cart: Cart, request: AddRequest) -> Added | ToolResult:
        quantity = rules.clamp_quantity(request.quantity)
        kind = kind_of_word(request.product)
        if kind is not None and (picks := rules.kind_choices(menu, kind)):
            return which_product(menu, request.product, picks, quantity)  # "햄버거": which one, never a random one
        found = menu.find(request.product)
        if found.choices:
            return which_product(menu, request.product, found.choices, quantity)
        item = found.item
        if item is None:
            return not_on_menu(menu, request.product, found.suggestions)
        if item.sold_out:
            return sold_out(menu, item, quantity)
        if item.is_topping:
            line = rules.find_line(cart, None, kinds=rules.TOPPED_KINDS)
            if line is None:
                return failure(replies.NO_BURGER_TO_TOP, "no burger to top")
            cost = rules.add_extras(line, [item])
            cart.touch(line)
            return Added(replies.topping_added(line, [item], cost), line.line_id)
        if len(cart.lines) >= MAX_LINES:
            return failure(replies.CART_FULL, "cart full")
        line = rules.add_or_merge(cart, item, quantity, bare=not request.changes and not request.toppings)
        notes: list[str] = []
        buttons: tuple[Button, ...] = ()
        for change in request.changes:
            text, offered = change_line(menu, line, change)
            notes.append(text)
            buttons = buttons or offered
        for name in request.toppings:
            usable = rules.orderable_toppings(menu, [name])
            rules.add_extras(line, usable)
            notes.append(replies.topping_note(usable[0] if usable else None, name))
        cart.touch(line)
        text = replies.added_text(menu, item, line, quantity, changed=bool(request.changes))
        text += replies.variant_choices(item, offers.other_variants(found.variants, item))
        return Added(" ".join([text, *notes]), line.line_id, buttons)

    async def add_toppings(
        self, ctx: TurnContext, toppings: Sequence[str], line_ref: int | str | None = None
    ) -> ToolResult:
        """Put toppings on a burger or set line (the one named, else the one touched last)."""
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        line = rules.find_line(cart, line_ref, kinds=rules.TOPPED_KINDS)
        if line is None:
            return failure(replies.NO_BURGER_TO_TOP, "no burger to top", replies.CART_BUTTONS)
        usable = rules.orderable_toppings(menu, toppings)
        if not usable:
            return failure(replies.no_such_topping(menu), "no such topping")
        cost = rules.add_extras(line, usable)
        return line_changed(ctx, cart, line, replies.topping_added(line, usable, cost))

    # ---- changing lines ------------------------------------------------------------------------------------------

    async def change_option(
        self, ctx: TurnContext, splits: Sequence[ChangeRequest], line_ref: int | str | None = None
    ) -> ToolResult:
        """Change a component of a set (or swap a single side or drink) on the line meant.

        ``splits`` are readings of the request, likeliest first ("감자튀김 양념감자" -> (감자튀김, 양념감자), then
        (None, 감자튀김 양념감자)); the first that fits a line of the cart is done.
        """
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        lines = rules.lines_for(cart, line_ref)
        refused: tuple[CartLine, changes.Refusal] | None = None
        for request in splits:
            for line, asked in _tries(cart, lines, request, any_line=line_ref is None):
                plan = changes.plan_change(menu, line, asked)
                if isinstance(plan, changes.Plan):
                    changes.apply_plan(line, plan)
                    text, buttons = replies.change_done(line, plan)
                    return line_changed(ctx, cart, line, text, buttons + replies.CART_BUTTONS)
                if plan is not None and refused is None:
                    refused = line, plan
            if refused is not None:
                break  # the likelier reading fit but could not be done: say why rather than try a weaker one
        if refused is not None:
            text, buttons = replies.change_refused(*refused)
            return failure(text, "change not possible", buttons or replies.CART_BUTTONS)
        target = splits[0].target if splits else ""
        return failure(replies.nothing_to_change(target), "nothing to change", (replies.VIEW_BUTTON,))

    async def revert_option(
        self, ctx: TurnContext, target: str | None, line_ref: int | str | None = None
    ) -> ToolResult:
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        named = rules.change_named(rules.lines_for(cart, line_ref), target)
        if named is None:
            return failure(replies.NO_CHANGE_TO_REVERT, "no change to revert", (replies.VIEW_BUTTON,))
        line, change = named
        line.changes.remove(change)
        return line_changed(ctx, cart, line, replies.reverted(line, change))

    async def set_quantity(self, ctx: TurnContext, quantity: int, line_ref: int | str | None = None) -> ToolResult:
        cart, menu = await self._current(ctx)
        line = rules.find_line(cart, line_ref)
        if menu is None or line is None:
            return no_line(cart, line_ref)
        if quantity <= 0:
            return await self.remove_item(ctx, line.line_id)
        line.quantity = rules.clamp_quantity(quantity)
        return line_changed(ctx, cart, line, replies.quantity_set(line))

    async def more(self, ctx: TurnContext, quantity: int = 1, line_ref: int | str | None = None) -> ToolResult:
        """One more (or ``quantity`` more) of the line meant; a product not in the cart is added."""
        cart, menu = await self._current(ctx)
        line = rules.find_line(cart, line_ref)
        if line is None and isinstance(line_ref, str):
            return await self.add_to_cart(ctx, line_ref, quantity=quantity)
        if menu is None or line is None:
            return no_line(cart, line_ref)
        line.quantity = min(line.quantity + max(1, quantity), MAX_QUANTITY)
        return line_changed(ctx, cart, line, replies.more_added(line, quantity))

    async def to_set(self, ctx: TurnContext, line_ref: int | str | None = None) -> ToolResult:
        return await self._switch(ctx, line_ref, single=False)

    async def to_single(self, ctx: TurnContext, line_ref: int | str | None = None) -> ToolResult:
        return await self._switch(ctx, line_ref, single=True)

    async def _switch(self, ctx: TurnContext, line_ref: int | str | None, *, single: bool) -> ToolResult:
        """A main line becomes its set, or a set line its main (dropping the set's component changes), at the new
        item's price."""
        cart, menu = await self._current(ctx)
        line = rules.find_line(cart, line_ref, kinds=(MenuKind.SET if single else MenuKind.MAIN,))
        if menu is None or line is None:
            return no_line(cart, line_ref)
        target = changes.switch_target(menu, line, single=single)
        if target is None:
            return failure(replies.cannot_switch(line, single=single), "no single" if single else "no set")
        difference = changes.apply_switch(line, target, single=single)
        return line_changed(ctx, cart, line, replies.switched(menu, line, target, difference, single=single))

    # ---- removing ------------------------------------------------------------------------------------------------

    async def remove_item(
        self, ctx: TurnContext, line_ref: int | str | None = None, quantity: int | None = None
    ) -> ToolResult:
        """Take a line out (or ``quantity`` of it); a topping named is taken off its line."""
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        line = rules.find_line(cart, line_ref)
        if line is None and isinstance(line_ref, str):
            topped = rules.extra_named(cart, line_ref)
            if topped is not None:
                topped_line, extra = topped
                topped_line.extras.remove(extra)
                cart.touch(topped_line)
                save_cart(ctx.session.order, cart)
                return success(f"{replies.extra_removed(topped_line, extra)}\n{replies.total_text(cart)}", cart)
            inside = rules.component_named(menu, cart, line_ref)
            if inside is not None:
                text, buttons = replies.component_kept(inside)
                return failure(text, "component of a set", buttons)
        if line is None:
            return no_line(cart, line_ref)
        if changes.partial_removal(line, quantity):
            assert quantity is not None
            line.quantity -= quantity
            cart.touch(line)
            text = replies.removed(line, quantity)
        else:
            cart.remove(line)
            text = replies.removed(line, None)
        save_cart(ctx.session.order, cart)
        buttons = replies.CART_BUTTONS if not cart.empty else ()
        return success(f"{text}\n{replies.total_text(cart)}", cart, buttons=buttons)

    async def clear_cart(self, ctx: TurnContext) -> ToolResult:
        cart = load_cart(ctx.session.order)
        had = not cart.empty
        cart.clear()
        save_cart(ctx.session.order, cart)
        self.shops.forget(ctx)
        return success(replies.CLEARED if had else replies.ALREADY_EMPTY, cart, buttons=())

    async def view_cart(self, ctx: TurnContext) -> ToolResult:
        cart = load_cart(ctx.session.order)
        buttons = (replies.CHECKOUT_BUTTON, replies.CLEAR_BUTTON) if not cart.empty else ()
        return success(replies.cart_text(cart), cart, buttons=buttons)

    async def _current(self, ctx: TurnContext) -> tuple[Cart, ShopMenu | None]:
        cart = load_cart(ctx.session.order)
        if cart.empty or cart.shop_id is None:
            return cart, None
        return cart, await self.catalogue.menu(cart.shop_id, ctx.now)


def _tries(
    cart: Cart, lines: Sequence[CartLine], request: ChangeRequest, *, any_line: bool
) -> list[tuple[CartLine, ChangeRequest]]:
    """The lines to try ``request`` on, each with the request as it applies there. Unless a line was given
    (``any_line`` False), a source that names a set line of the cart ("불고기버거 세트 사이다로") means that set,
    changed by its target's group."""
    named = rules.find_line(cart, request.source, kinds=(MenuKind.SET,)) if any_line and request.source else None
    if named is not None:
        return [(named, ChangeRequest(None, request.target))]
    return [(line, request) for line in lines]


def change_line(menu: ShopMenu, line: CartLine, request: ChangeRequest) -> tuple[str, tuple[Button, ...]]:
    """Make the change ``request`` asks of ``line`` if it can be made; the words for what happened ("" when the
    request does not fit the line)."""
    plan = changes.plan_change(menu, line, request)
    if plan is None:
        return "", ()
    if isinstance(plan, changes.Plan):
        changes.apply_plan(line, plan)
        return replies.change_done(line, plan)
    return replies.change_refused(line, plan)
