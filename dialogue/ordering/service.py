"""The cart operations, shared by the offline handler and the language-model tools: find a product, add, change a
set's component, change quantities, remove, empty, and which shop the order is for.

Each operation reads and writes the cart in the turn's session (the engine saves the session after the turn) and
returns a ``ToolResult``: facts for a model and the reply the offline path shows. Prices come from the catalogue,
never from what the user or a model says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogue.korean import particle, ro, won
from dialogue.messages import Button
from dialogue.ordering import replies
from dialogue.ordering.cart import MAX_LINES, MAX_QUANTITY, Cart, CartLine, Extra, OptionChange, load_cart, save_cart
from dialogue.ordering.catalogue import GROUP_NAMES, MenuEntry, OrderCatalogue, ShopMenu, group_of_word
from dialogue.ordering.matching import ProductMatcher, compact, variant_of, without_variant_words
from dialogue.tools.base import ToolResult
from dialogue.turn import Reply, TurnContext
from storage.models import MenuKind

ORDER_SHOP_SLOT = "order_shop"
_BRANCH = re.compile(r"\s*[가-힣A-Za-z0-9]+점$")


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


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """One component change as asked: ``source`` names the component ("감자튀김", "음료"; None: by the target's
    group), ``target`` what it becomes ("양념감자", "사이다", "라지")."""

    source: str | None
    target: str


def failure(text: str, error: str, buttons: tuple[Button, ...] = (), **data: object) -> ToolResult:
    return ToolResult(data={"ok": False, **data}, reply=Reply(text, quick_replies=buttons), error=error)


def success(text: str, cart: Cart, buttons: tuple[Button, ...] = replies.CART_BUTTONS, **data: object) -> ToolResult:
    return ToolResult(
        data={"ok": True, **data, "cart": replies.cart_data(cart)}, reply=Reply(text, quick_replies=buttons)
    )


def line_changed(
    ctx: TurnContext, cart: Cart, line: CartLine, text: str, buttons: tuple[Button, ...] = replies.CART_BUTTONS
) -> ToolResult:
    """After a change to ``line``: mark it as the one a later "that" means, save the cart and answer ``text`` with
    the new total."""
    cart.touch(line)
    save_cart(ctx.session.slots, cart)
    return success(f"{text}\n{replies.total_text(cart)}", cart, buttons=buttons)


class CartService:
    """Cart operations over the ordering catalogue; the cart itself lives in ``ctx.session.slots``."""

    def __init__(self, catalogue: OrderCatalogue) -> None:
        self.catalogue = catalogue

    # ---- which shop ----------------------------------------------------------------------------------------------

    async def named_shop(self, text: str, at: datetime | None = None) -> ShopMenu | None:
        """The ordering shop the text names ("든든버거", "든든버거 강남역점"), if any, with its menu as it can be
        ordered ``at`` that moment (see `OrderCatalogue.menus`)."""
        said = compact(text)
        for menu in (await self.catalogue.menus(at)).values():
            full, base = compact(menu.shop_name), compact(_BRANCH.sub("", menu.shop_name))
            if (len(full) >= 2 and full in said) or (len(base) >= 2 and base in said):
                return menu
        return None

    async def shop_menu(
        self, ctx: TurnContext, *, shop: str | None = None, product: str | None = None
    ) -> ShopMenu | ToolResult:
        """The menu the order is for: the cart's shop, a shop named, the one chosen before in this session, a
        recommended one that takes orders, or the only ordering shop that sells ``product``; else a question."""
        menus = await self.catalogue.menus(ctx.now)
        if not menus:
            return failure("지금은 끼니로 주문을 받는 가게가 없어요.", "no shop takes orders")
        cart = load_cart(ctx.session.slots)
        if cart.shop_id is not None and cart.shop_id in menus and not cart.empty:
            return menus[cart.shop_id]
        if shop:
            named = await self.named_shop(shop, ctx.now)
            if named is None:
                return failure(
                    f"{particle(shop, '은', '는')} 끼니로 주문을 받지 않아요. 주문할 수 있는 곳: "
                    + ", ".join(menu.shop_name for menu in menus.values()),
                    "unknown shop",
                    shop_buttons(menus.values()),
                )
            ctx.session.slots[ORDER_SHOP_SLOT] = named.shop_id
            return named
        chosen = ctx.session.slots.get(ORDER_SHOP_SLOT)
        if isinstance(chosen, int) and chosen in menus:
            return menus[chosen]
        for shop_id in ctx.session.last_shops[:1]:
            if shop_id in menus:
                return menus[shop_id]
        if len(menus) == 1:
            return next(iter(menus.values()))
        if product:
            selling = [menu for menu in menus.values() if menu.find(product).score > 0]
            if len(selling) == 1:
                return selling[0]
            if len(selling) > 1:
                return failure(
                    f"{particle(product, '은', '는')} 여러 가게에 있어요. 어느 가게에서 주문할까요?",
                    "which shop",
                    shop_buttons(selling),
                )
        return failure(
            "어느 가게에서 주문할까요? 끼니로 주문할 수 있는 곳: " + ", ".join(m.shop_name for m in menus.values()),
            "which shop",
            shop_buttons(menus.values()),
        )

    # ---- finding products ----------------------------------------------------------------------------------------

    async def find_product(self, ctx: TurnContext, query: str, shop: str | None = None) -> ToolResult:
        menu = await self.shop_menu(ctx, shop=shop, product=query)
        if isinstance(menu, ToolResult):
            return menu
        found = menu.find(query)
        if found.item is not None:
            item = found.item
            status = replies.availability(item)
            text = f"{item.name}{status}: {won(item.price)}.{replies.set_contents(menu, item)}"
            if found.variants:
                text += (
                    " 다른 선택: "
                    + ", ".join(f"{v.name}{replies.availability(v)} {won(v.price)}" for v in found.variants)
                    + "."
                )
            buttons = () if item.sold_out else (replies.add_button(item),)
            data = {"ok": True, "shop": menu.shop_name, "products": [replies.product_data(menu, item)]}
            data["variants"] = [replies.product_data(menu, v) for v in found.variants]
            return ToolResult(data=data, reply=Reply(text, quick_replies=buttons))
        if found.choices:
            names = [replies.product_data(menu, item) for item in found.choices]
            return ToolResult(
                data={"ok": True, "shop": menu.shop_name, "ambiguous": True, "products": names},
                reply=Reply(
                    f"{particle(query, '은', '는')} 여러 메뉴가 있어요. 어떤 걸 찾으세요?",
                    quick_replies=replies.choose_buttons(found.choices),
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
            return failure("무엇을 담을까요? 메뉴 이름을 말해 주세요.", "nothing named")
        menu = await self.shop_menu(ctx, shop=shop, product=requests[0].product)
        if isinstance(menu, ToolResult):
            return menu
        cart = self._cart_for(ctx, menu)
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
        save_cart(ctx.session.slots, cart)
        if problem is not None and problem.reply is not None and problem.reply.quick_replies:
            buttons = problem.reply.quick_replies  # what is still unclear comes first
        text = " ".join(t for t in texts if t) + f"\n{replies.total_text(cart)}"
        return success(
            text, cart, buttons=buttons + replies.CART_BUTTONS if buttons else replies.CART_BUTTONS, added=added
        )

    def _add_one(self, menu: ShopMenu, cart: Cart, request: AddRequest) -> Added | ToolResult:
        quantity = max(1, min(request.quantity, MAX_QUANTITY))
        found = menu.find(request.product)
        if found.choices:
            return ToolResult(
                data={
                    "ok": False,
                    "ambiguous": True,
                    "products": [replies.product_data(menu, i) for i in found.choices],
                },
                reply=Reply(
                    f"{particle(request.product, '은', '는')} 여러 메뉴가 있어요. 어떤 걸로 담을까요?",
                    quick_replies=replies.choose_buttons(found.choices, quantity),
                ),
                error="several products match",
            )
        item = found.item
        if item is None:
            return not_on_menu(menu, request.product, found.suggestions)
        if item.sold_out:
            return sold_out(menu, item, quantity)
        if item.is_topping:
            line = find_line(cart, None, kinds=(MenuKind.MAIN, MenuKind.SET))
            if line is None:
                return failure("토핑은 버거에 추가할 수 있어요. 먼저 버거를 담아 주세요.", "no burger to top")
            line.extras.append(Extra(item.id, item.name, item.price))
            cart.touch(line)
            return Added(
                f"{line.name}에 {particle(item.name, '을', '를')} 추가했어요 (+{won(item.price * line.quantity)}).",
                line.line_id,
            )
        if len(cart.lines) >= MAX_LINES:
            return failure(f"장바구니에는 {MAX_LINES}가지까지 담을 수 있어요.", "cart full")
        line = self._merge_or_add(cart, item, quantity, bare=not request.changes and not request.toppings)
        notes: list[str] = []
        buttons: tuple[Button, ...] = ()
        for change in request.changes:
            outcome = apply_change(menu, line, change)
            notes.append(outcome.text)
            buttons = buttons or outcome.buttons
        for name in request.toppings:
            topping = menu.find(name, kinds=(MenuKind.TOPPING,)).item
            if topping is not None and not topping.sold_out:
                line.extras.append(Extra(topping.id, topping.name, topping.price))
                notes.append(f"{topping.name} +{won(topping.price)}.")
            else:
                notes.append(f"{particle(name, '은', '는')} 추가할 수 없는 토핑이에요.")
        cart.touch(line)
        text = f"{particle(f'{item.name} {quantity}개', '을', '를')} 담았어요 ({won(line.unit_price * quantity)})."
        if item.is_set and not request.changes:
            text += replies.set_contents(menu, item)
        others = [variant for variant in found.variants if not variant.sold_out]
        if others and not item.is_set:
            text += " 다른 선택: " + ", ".join(_variant_choice(item, v) for v in others) + "."
        return Added(" ".join([text, *notes]), line.line_id, buttons)

    def _merge_or_add(self, cart: Cart, item: MenuEntry, quantity: int, *, bare: bool) -> CartLine:
        if bare:
            for line in cart.lines:
                if line.item_id == item.id and not line.changes and not line.extras:
                    line.quantity = min(MAX_QUANTITY, line.quantity + quantity)
                    return line
        return cart.add(CartLine(0, item.id, item.name, item.kind, item.price, quantity))

    def _cart_for(self, ctx: TurnContext, menu: ShopMenu) -> Cart | ToolResult:
        cart = load_cart(ctx.session.slots)
        if not cart.empty and cart.shop_id != menu.shop_id:
            return failure(
                f"장바구니에 {cart.shop_name} 메뉴가 있어요. 한 번에 한 가게에서만 주문할 수 있어요. "
                "먼저 주문하거나 장바구니를 비워 주세요.",
                "cart holds another shop",
                (replies.CHECKOUT_BUTTON, replies.CLEAR_BUTTON),
            )
        cart.shop_id, cart.shop_name = menu.shop_id, menu.shop_name
        ctx.session.slots[ORDER_SHOP_SLOT] = menu.shop_id
        return cart

    async def add_toppings(
        self, ctx: TurnContext, toppings: Sequence[str], line_ref: int | str | None = None
    ) -> ToolResult:
        """Put toppings on a burger or set line (the one named, else the one touched last)."""
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        line = self._line(cart, line_ref, kinds=(MenuKind.MAIN, MenuKind.SET))
        if line is None:
            return failure(
                "토핑은 버거에 추가할 수 있어요. 먼저 버거를 담아 주세요.", "no burger to top", replies.CART_BUTTONS
            )
        found = [menu.find(name, kinds=(MenuKind.TOPPING,)).item for name in toppings]
        usable = [item for item in found if item is not None and not item.sold_out]
        if not usable:
            names = ", ".join(item.name for item in menu.items.values() if item.is_topping and not item.sold_out)
            return failure(f"그 토핑은 없어요. 추가할 수 있는 토핑: {names}", "no such topping")
        for topping in usable:
            line.extras.append(Extra(topping.id, topping.name, topping.price))
        names = ", ".join(t.name for t in usable)
        extra = sum(t.price for t in usable) * line.quantity
        return line_changed(ctx, cart, line, f"{line.name}에 {particle(names, '을', '를')} 추가했어요 (+{won(extra)}).")

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
        lines = self._lines_for(cart, line_ref)
        first_failure: ChangeOutcome | None = None
        for request in splits:
            for line in lines:
                outcome = apply_change(menu, line, request)
                if outcome.done:
                    return line_changed(ctx, cart, line, outcome.text, outcome.buttons + replies.CART_BUTTONS)
                if outcome.relevant and first_failure is None:
                    first_failure = outcome
            if first_failure is not None:
                break  # the likelier reading fit but could not be done: say why rather than try a weaker one
        if first_failure is not None:
            return failure(first_failure.text, "change not possible", first_failure.buttons or replies.CART_BUTTONS)
        target = splits[0].target if splits else ""
        return failure(
            f"장바구니에서 {ro(target)} 바꿀 수 있는 메뉴를 못 찾았어요. 세트의 감자튀김이나 음료를 바꿀 수 있어요.",
            "nothing to change",
            (replies.VIEW_BUTTON,),
        )

    async def revert_option(
        self, ctx: TurnContext, target: str | None, line_ref: int | str | None = None
    ) -> ToolResult:
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        for line in self._lines_for(cart, line_ref):
            for change in reversed(line.changes):
                group = group_of_word(target) if target else None
                if target is None or group == change.group or names_match(target, change.to_name, change.from_name):
                    line.changes.remove(change)
                    return line_changed(
                        ctx,
                        cart,
                        line,
                        f"{line.name}의 {particle(change.from_name, '을', '를')} 원래대로 돌렸어요 ({_signed(-change.delta)}).",
                    )
        return failure("되돌릴 변경이 없어요.", "no change to revert", (replies.VIEW_BUTTON,))

    async def set_quantity(self, ctx: TurnContext, quantity: int, line_ref: int | str | None = None) -> ToolResult:
        cart, menu = await self._current(ctx)
        line = self._line(cart, line_ref)
        if menu is None or line is None:
            return self._no_line(cart, line_ref)
        if quantity <= 0:
            return await self.remove_item(ctx, line.line_id)
        line.quantity = min(quantity, MAX_QUANTITY)
        return line_changed(
            ctx, cart, line, f"{particle(line.name, '을', '를')} {line.quantity}개로 바꿨어요 ({won(line.total)})."
        )

    async def more(self, ctx: TurnContext, quantity: int = 1, line_ref: int | str | None = None) -> ToolResult:
        """One more (or ``quantity`` more) of the line meant; a product not in the cart is added."""
        cart, menu = await self._current(ctx)
        line = self._line(cart, line_ref)
        if line is None and isinstance(line_ref, str):
            return await self.add_to_cart(ctx, line_ref, quantity=quantity)
        if menu is None or line is None:
            return self._no_line(cart, line_ref)
        line.quantity = min(line.quantity + max(1, quantity), MAX_QUANTITY)
        return line_changed(
            ctx,
            cart,
            line,
            f"{particle(line.name, '을', '를')} {quantity}개 더 담았어요. 지금 {line.quantity}개 ({won(line.total)}).",
        )

    async def to_set(self, ctx: TurnContext, line_ref: int | str | None = None) -> ToolResult:
        return await self._switch(ctx, line_ref, single=False)

    async def to_single(self, ctx: TurnContext, line_ref: int | str | None = None) -> ToolResult:
        return await self._switch(ctx, line_ref, single=True)

    async def _switch(self, ctx: TurnContext, line_ref: int | str | None, *, single: bool) -> ToolResult:
        """A main line becomes its set, or a set line its main (dropping the set's component changes), at the new
        item's price."""
        cart, menu = await self._current(ctx)
        line = self._line(cart, line_ref, kinds=(MenuKind.SET if single else MenuKind.MAIN,))
        if menu is None or line is None:
            return self._no_line(cart, line_ref)
        current = menu.items.get(line.item_id)
        target = None if current is None else menu.main_of(current) if single else menu.set_of(current)
        if target is None or target.sold_out:
            how, error = ("단품으로", "no single") if single else ("세트로", "no set")
            return failure(f"{particle(line.name, '은', '는')} {how} 바꿀 수 없어요.", error)
        before = line.unit_price
        line.item_id, line.name, line.kind, line.base_price = target.id, target.name, target.kind, target.price
        if single:
            line.changes = []
            return line_changed(ctx, cart, line, f"{line.name} 단품으로 바꿨어요 (-{won(before - line.unit_price)}).")
        contents = replies.set_contents(menu, target)
        return line_changed(
            ctx, cart, line, f"{ro(target.name)} 바꿨어요 (+{won(line.unit_price - before)}).{contents}"
        )

    # ---- removing ------------------------------------------------------------------------------------------------

    async def remove_item(
        self, ctx: TurnContext, line_ref: int | str | None = None, quantity: int | None = None
    ) -> ToolResult:
        """Take a line out (or ``quantity`` of it); a topping named is taken off its line."""
        cart, menu = await self._current(ctx)
        if menu is None:
            return empty_cart()
        line = self._line(cart, line_ref)
        if line is None and isinstance(line_ref, str):
            topped = self._remove_extra(cart, line_ref)
            if topped is not None:
                save_cart(ctx.session.slots, cart)
                return success(f"{topped}\n{replies.total_text(cart)}", cart)
            inside = self._component_named(menu, cart, line_ref)
            if inside is not None:
                return failure(
                    f"{particle(inside, '은', '는')} 세트 구성이라 뺄 수 없어요. 다른 메뉴로 바꾸거나 세트를 단품으로 바꿀 수 있어요.",
                    "component of a set",
                    (Button("단품으로 바꾸기", "단품으로 바꿔줘"), replies.VIEW_BUTTON),
                )
        if line is None:
            return self._no_line(cart, line_ref)
        if quantity is not None and quantity < line.quantity:
            line.quantity -= quantity
            cart.touch(line)
            text = f"{particle(line.name, '을', '를')} {quantity}개 뺐어요. 남은 수량 {line.quantity}개."
        else:
            cart.remove(line)
            text = f"{particle(line.name, '을', '를')} 장바구니에서 뺐어요."
        save_cart(ctx.session.slots, cart)
        buttons = replies.CART_BUTTONS if not cart.empty else ()
        return success(f"{text}\n{replies.total_text(cart)}", cart, buttons=buttons)

    async def clear_cart(self, ctx: TurnContext) -> ToolResult:
        cart = load_cart(ctx.session.slots)
        had = not cart.empty
        cart.clear()
        save_cart(ctx.session.slots, cart)
        ctx.session.slots.pop(ORDER_SHOP_SLOT, None)
        text = "장바구니를 비웠어요." if had else "장바구니가 이미 비어 있어요."
        return success(text, cart, buttons=())

    async def view_cart(self, ctx: TurnContext) -> ToolResult:
        cart = load_cart(ctx.session.slots)
        buttons = (replies.CHECKOUT_BUTTON, replies.CLEAR_BUTTON) if not cart.empty else ()
        return success(replies.cart_text(cart), cart, buttons=buttons)

    # ---- helpers -------------------------------------------------------------------------------------------------

    async def _current(self, ctx: TurnContext) -> tuple[Cart, ShopMenu | None]:
        cart = load_cart(ctx.session.slots)
        if cart.empty or cart.shop_id is None:
            return cart, None
        return cart, await self.catalogue.menu(cart.shop_id, ctx.now)

    def _lines_for(self, cart: Cart, line_ref: int | str | None) -> list[CartLine]:
        """The lines a request without a clear line may mean: the one touched last first, then newest first."""
        if line_ref is not None:
            line = self._line(cart, line_ref)
            return [line] if line is not None else []
        last = cart.last()
        rest = [line for line in reversed(cart.lines) if last is None or line.line_id != last.line_id]
        return ([last] if last is not None else []) + rest

    def _line(self, cart: Cart, line_ref: int | str | None, kinds: Sequence[str] | None = None) -> CartLine | None:
        if isinstance(line_ref, int):
            return cart.line(line_ref)
        return find_line(cart, line_ref, kinds=kinds)

    def _no_line(self, cart: Cart, line_ref: int | str | None) -> ToolResult:
        if cart.empty:
            return empty_cart()
        said = f"{particle(str(line_ref), '은', '는')} " if isinstance(line_ref, str) else "그 메뉴는 "
        return failure(f"{said}장바구니에 없어요.\n{replies.cart_text(cart)}", "no such line", (replies.VIEW_BUTTON,))

    def _remove_extra(self, cart: Cart, said: str) -> str | None:
        for line in reversed(cart.lines):
            for extra in line.extras:
                if names_match(said, extra.name):
                    line.extras.remove(extra)
                    cart.touch(line)
                    return f"{line.name}에서 {particle(extra.name, '을', '를')} 뺐어요 (-{won(extra.price * line.quantity)})."
        return None

    def _component_named(self, menu: ShopMenu, cart: Cart, said: str) -> str | None:
        for line in reversed(cart.lines):
            for component in menu.set_components(line.item_id):
                current = line.change_for(component.item.id)
                name = current.to_name if current else component.item.name
                if names_match(said, name) or group_of_word(said) == component.item.group:
                    return name
        return None


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    done: bool
    text: str = ""
    relevant: bool = False
    """The request fit this line but could not be done (sold out, another group): worth telling."""
    buttons: tuple[Button, ...] = ()


def apply_change(menu: ShopMenu, line: CartLine, request: ChangeRequest) -> ChangeOutcome:
    """Change one component of a set line, or swap a single side or drink for another of its group."""
    components = menu.set_components(line.item_id)
    if not components:
        return _swap_single(menu, line, request)
    slots = []  # (default component, current item)
    for component in components:
        change = line.change_for(component.item.id)
        current = menu.items.get(change.to_id, component.item) if change else component.item
        slots.append((component.item, current))
    if request.source is not None:
        group = group_of_word(request.source)
        chosen = [
            slot
            for slot in slots
            if (group is not None and slot[0].group == group) or names_match(request.source, slot[1].name, slot[0].name)
        ]
        if not chosen:
            return ChangeOutcome(False)
    else:
        chosen = slots
    size = variant_of(request.target)
    if size is not None and not compact(without_variant_words(request.target)):
        # "라지로": every component of the set that comes in that size.
        return _resize(menu, line, chosen, size)
    groups = {default.group for default, _ in chosen if default.group}
    candidates = [
        item.id for item in menu.items.values() if item.group in groups and not item.is_set and not item.is_topping
    ]
    prefer = chosen[0][1].variant if len(chosen) == 1 else None
    found = menu.find(request.target, among=candidates, prefer_variant=prefer)
    if found.choices:
        return ChangeOutcome(
            False,
            f"어떤 걸로 바꿀까요? {', '.join(item.name for item in found.choices)}",
            relevant=True,
            buttons=tuple(Button(item.name, f"{ro(item.name)} 바꿔줘") for item in found.choices),
        )
    target = found.item
    if target is None:
        if request.source is not None:
            wrong = menu.find(request.target, kinds=(MenuKind.SIDE, MenuKind.DRINK, MenuKind.MAIN)).item
            if wrong is not None:
                default = chosen[0][0]
                return ChangeOutcome(
                    False,
                    f"{particle(chosen[0][1].name, '은', '는')} {GROUP_NAMES.get(default.group or '', '같은 종류')}끼리만 "
                    f"바꿀 수 있어요. {particle(wrong.name, '은', '는')} 따로 담을 수 있어요.",
                    relevant=True,
                    buttons=(replies.add_button(wrong),),
                )
        return ChangeOutcome(False)
    slot = next(((default, current) for default, current in chosen if default.group == target.group), None)
    if slot is None:
        return ChangeOutcome(False)
    default, current = slot
    if not menu.changeable(default):
        return ChangeOutcome(
            False,
            f"세트의 {particle(default.name, '은', '는')} 바꿀 수 없어요. 다른 세트를 담아 주세요.",
            relevant=True,
        )
    if target.id == current.id:
        return ChangeOutcome(
            False, f"{line.name}에는 이미 {particle(target.name, '이', '가')} 들어 있어요.", relevant=True
        )
    if target.sold_out:
        return ChangeOutcome(False, replies.sold_out_text(target), relevant=True)
    delta = menu.change_delta(default, target)
    if delta is None:
        return ChangeOutcome(False)
    line.changes = [change for change in line.changes if change.from_id != default.id]
    if target.id != default.id:
        line.changes.append(OptionChange(default.group or "", default.id, default.name, target.id, target.name, delta))
    text = f"{line.name}의 {particle(current.name, '을', '를')} {ro(target.name)} 바꿨어요 ({_signed(delta)})."
    family = [item for item in menu.family(target) if item.id != target.id and not item.sold_out]
    if family and target.variant and not variant_of(target.variant):
        # A flavour was picked for "양념감자": offer the others.
        text += " 다른 맛: " + ", ".join(item.variant or item.name for item in family) + "."
        buttons = tuple(Button(item.variant or item.name, f"{ro(item.name)} 바꿔줘") for item in family)
        return ChangeOutcome(True, text, buttons=buttons)
    return ChangeOutcome(True, text)


def _resize(menu: ShopMenu, line: CartLine, slots: list[tuple[MenuEntry, MenuEntry]], size: str) -> ChangeOutcome:
    """ "라지로": every changeable component of the set that comes in that size."""
    done: list[str] = []
    total = 0
    for default, current in slots:
        bigger = next((item for item in menu.family(current) if item.is_variant(size) and not item.sold_out), None)
        delta = menu.change_delta(default, bigger) if bigger is not None and menu.changeable(default) else None
        if bigger is None or delta is None:
            continue
        previous = line.change_for(default.id)
        line.changes = [change for change in line.changes if change.from_id != default.id]
        if bigger.id != default.id:
            line.changes.append(
                OptionChange(default.group or "", default.id, default.name, bigger.id, bigger.name, delta)
            )
        done.append(bigger.name)
        total += delta - (previous.delta if previous else 0)
    if not done:
        return ChangeOutcome(False, f"{size} 사이즈로 바꿀 수 있는 게 없어요.", relevant=True)
    return ChangeOutcome(
        True, f"{line.name}: {', '.join(done)}{ro(done[-1])[len(done[-1]) :]} 바꿨어요 ({_signed(total)})."
    )


def _swap_single(menu: ShopMenu, line: CartLine, request: ChangeRequest) -> ChangeOutcome:
    """ "콜라 사이다로" on a line that is a drink by itself: the line becomes the other drink at its own price."""
    item = menu.items.get(line.item_id)
    if item is None or item.kind not in (MenuKind.SIDE, MenuKind.DRINK) or line.extras:
        return ChangeOutcome(False)
    if (
        request.source is not None
        and not names_match(request.source, item.name)
        and group_of_word(request.source) != item.group
    ):
        return ChangeOutcome(False)
    same_group = [other.id for other in menu.items.values() if other.group == item.group and not other.is_set]
    target = menu.find(request.target, among=same_group, prefer_variant=item.variant).item
    if target is None or target.id == item.id:
        return ChangeOutcome(False)
    if target.sold_out:
        return ChangeOutcome(False, replies.sold_out_text(target), relevant=True)
    before = line.unit_price
    line.item_id, line.name, line.kind, line.base_price = target.id, target.name, target.kind, target.price
    return ChangeOutcome(
        True, f"{particle(item.name, '을', '를')} {ro(target.name)} 바꿨어요 ({_signed(line.unit_price - before)})."
    )


def find_line(cart: Cart, said: str | None, kinds: Sequence[str] | None = None) -> CartLine | None:
    """The cart line ``said`` names ("불고기 세트", "콜라"), or the line touched last when nothing is named."""
    lines = [line for line in cart.lines if kinds is None or line.kind in kinds]
    if not lines:
        return None
    if said is None:
        last = cart.last()
        if last is not None and last in lines:
            return last
        return lines[-1]
    matcher = ProductMatcher({line.line_id: line.name for line in lines})
    scored = matcher.score(said)
    if not scored or scored[0].score < 0.6:
        return None
    return cart.line(scored[0].item_id)


def names_match(said: str, *names: str) -> bool:
    """Whether ``said`` names one of ``names`` (fuzzy, as the product matcher reads it)."""
    scored = ProductMatcher(dict(enumerate(names))).score(said)
    return bool(scored) and scored[0].score >= 0.6


def _variant_choice(chosen: MenuEntry, other: MenuEntry) -> str:
    """Another size by its name and price difference ("사이다 (L) +300원"), another flavour by its label ("치즈"),
    with the difference when it costs another price ("8조각 +1,700원")."""
    if other.size is not None or not other.variant:
        return f"{other.name} {_signed(other.price - chosen.price)}"
    if other.price != chosen.price:
        return f"{other.variant} {_signed(other.price - chosen.price)}"
    return other.variant


def _signed(amount: int) -> str:
    return f"+{won(amount)}" if amount >= 0 else f"-{won(-amount)}"


def quantity_text_of(name: str, quantity: int) -> str:
    return f"{name} {quantity}개"


def empty_cart() -> ToolResult:
    return failure("장바구니가 비어 있어요. 먹고 싶은 메뉴를 말해 주세요.", "cart empty")


def not_on_menu(menu: ShopMenu, said: str, suggestions: Sequence[MenuEntry]) -> ToolResult:
    shown = [item for item in suggestions if not item.sold_out][:3]
    text = f"{menu.shop_name} 메뉴에서 {particle(said, '을', '를')} 찾지 못했어요."
    if shown:
        text += " 혹시 이 메뉴인가요?"
    return failure(
        text,
        "not on the menu",
        replies.choose_buttons(shown),
        suggestions=[replies.product_data(menu, item) for item in shown],
    )


def sold_out(menu: ShopMenu, item: MenuEntry, quantity: int) -> ToolResult:
    """The item is sold out: the other variants of it, else other products of its kind, the likest in name and
    the closest in price first."""
    family = [other for other in menu.family(item) if not other.sold_out]
    similar = [
        other
        for other in menu.items.values()
        if other.kind == item.kind and not other.sold_out and other.id != item.id and other not in family
    ]
    alike = {s.item_id: s.score for s in menu.matcher.score(item.family, [other.id for other in similar])}
    similar.sort(key=lambda other: (-alike.get(other.id, 0.0), abs(other.price - item.price), other.id))
    # One of each other product: three flavours of 양념감자 are one suggestion, not three.
    distinct = list({compact(other.family): other for other in reversed(similar)}.values())[::-1]
    alternatives = (family + distinct)[:3]
    text = replies.sold_out_text(item)
    if alternatives:
        text += " 대신 이건 어때요? " + ", ".join(f"{other.name} {won(other.price)}" for other in alternatives)
    return failure(
        text,
        "sold out",
        replies.choose_buttons(alternatives, quantity),
        alternatives=[replies.product_data(menu, other) for other in alternatives],
    )


def shop_buttons(menus: Iterable[ShopMenu]) -> tuple[Button, ...]:
    return tuple(Button(menu.shop_name, f"{menu.shop_name}에서 주문할래") for menu in menus)
