"""Questions asked in the middle of an order, answered from the shop's menu, the cart and the order placed: the menu,
the cheapest product, whether something is hot, what the cart or a product costs, what became of the order.

"이거 매워?" or "얼마야?" with a cart open is about the order, not a restaurant to recommend or the card's balance;
they are answered here only while an order is under way (`order_in_progress`), or for a shop the message names.
A question about something the shop does not sell ("잔액 얼마야?") is not the order's: None, and the intent's
handler answers it.
"""

from __future__ import annotations

from dialogue.ordering import answer_replies, phrases, replies
from dialogue.ordering import cart_rules as rules
from dialogue.ordering.cart import Cart, load_cart, order_in_progress
from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.ordering.matching import kind_of_word
from dialogue.ordering.orders import OrderDesk
from dialogue.ordering.results import failure
from dialogue.ordering.service import CartService
from dialogue.tools.base import ToolResult
from dialogue.turn import Reply, TurnContext
from storage.models import MenuKind

MEALS = (MenuKind.MAIN, MenuKind.SET)
"""What a question about the cheapest anything also names: the cheapest burger and set."""


class OrderAnswers:
    """Answers `phrases.Question`s about the order from the same services the cart operations use."""

    def __init__(self, carts: CartService, desk: OrderDesk) -> None:
        self.carts = carts
        self.desk = desk

    async def answer(self, ctx: TurnContext, question: phrases.Question) -> ToolResult | None:
        """The answer, or None when the question is none of the order's (no order under way, nothing it names)."""
        if isinstance(question, phrases.AskOrderStatus):
            return await self.status(ctx)
        menu = await self._menu(ctx)
        if menu is None:
            return None
        cart = load_cart(ctx.session.order)
        match question:
            case phrases.ShowMenu():
                return _about_cart(cart, answer_replies.menu_text(menu), shop=menu.shop_name)
            case phrases.AskCheapest(kind=kind):
                return cheapest(menu, kind)
            case phrases.AskSpicy(target=target):
                return spicy(menu, cart, target)
            case phrases.AskTotal():
                return _about_cart(cart, answer_replies.total_answer(cart))
            case phrases.AskPrice(target=target):
                return await self._price(ctx, menu, cart, target)
        return None

    async def status(self, ctx: TurnContext) -> ToolResult | None:
        """The order placed last, or that the cart is not ordered yet; None with neither."""
        placed = await self.desk.status(ctx)
        if placed is not None:
            return placed
        if load_cart(ctx.session.order).empty:
            return None
        return failure(answer_replies.NOT_ORDERED_YET, "not ordered yet", replies.CART_BUTTONS)

    async def _menu(self, ctx: TurnContext) -> ShopMenu | None:
        """The menu of the order under way, else of an ordering shop the message names (chosen for the order)."""
        if order_in_progress(ctx.session.order):
            menu = await self.carts.shops.menu_for(ctx)
            return None if isinstance(menu, ToolResult) else menu
        named = await self.carts.shops.named(ctx.text, ctx.now)
        if named is not None:
            ctx.session.order.shop_id = named.shop_id
        return named

    async def _price(self, ctx: TurnContext, menu: ShopMenu, cart: Cart, target: str | None) -> ToolResult | None:
        line = rules.find_line(cart, target)
        if line is not None:
            return _about_cart(cart, answer_replies.line_price(cart, line))
        if target is None:
            return _about_cart(cart, answer_replies.total_answer(cart))
        found = menu.find(target)
        if found.item is None and not found.choices and kind_of_word(target) is None:
            return None  # "잔액 얼마야?": not a product of this shop
        return await self.carts.find_product(ctx, target)


def _about_cart(cart: Cart, text: str, **data: object) -> ToolResult:
    """An answer given with the cart open: the cart for a model, and the buttons to order or look at it."""
    buttons = replies.CART_BUTTONS if not cart.empty else ()
    return ToolResult(
        data={"ok": True, **data, "cart": replies.cart_data(cart)}, reply=Reply(text, quick_replies=buttons)
    )


def cheapest(menu: ShopMenu, kind: str | None) -> ToolResult:
    """The cheapest product (of ``kind``); asked about anything, the cheapest burger and set besides."""
    item = rules.cheapest(menu, kind)
    if item is None:
        return failure(replies.NOTHING_NAMED, "nothing to order")
    meals: list[MenuEntry] = []
    if kind is None and item.kind not in MEALS:
        meals = [meal for meal_kind in MEALS if (meal := rules.cheapest(menu, meal_kind)) is not None]
    text = answer_replies.cheapest_text(kind, item, meals)
    products = [item, *meals]
    return ToolResult(
        data={"ok": True, "shop": menu.shop_name, "products": [replies.product_data(menu, p) for p in products]},
        reply=Reply(text, quick_replies=replies.choose_buttons(products)),
    )


def spicy(menu: ShopMenu, cart: Cart, target: str | None) -> ToolResult:
    """Whether the product named (or the cart's line touched last) is hot, a set by its components as they are."""
    line = rules.find_line(cart, target)
    item = menu.items.get(line.item_id) if line is not None else None
    if item is None and target is not None:
        found = menu.find(target)
        if found.item is None:
            return failure(replies.not_on_menu(menu, target, ()), "not on the menu")
        item = found.item
    if item is None:
        return failure(answer_replies.ASK_WHICH, "nothing named")
    name = line.name if line is not None else item.name
    parts = rules.spicy_parts(menu, item, line)
    return ToolResult(
        data={"ok": True, "product": name, "spicy": bool(parts), "spicy_parts": [part.name for part in parts]},
        reply=Reply(answer_replies.spicy_text(name, parts)),
    )
