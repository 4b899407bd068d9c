"""Which ordering shop an order is for: the one the cart holds, a shop named, the one chosen before in the session,
one just recommended, or the only one that sells what was asked for; else the user is asked. A cart holds one
shop's menu at a time."""

from __future__ import annotations

import re
from datetime import datetime

from dialogue.ordering import replies
from dialogue.ordering.cart import Cart, load_cart
from dialogue.ordering.catalogue import OrderCatalogue, ShopMenu
from dialogue.ordering.matching import compact
from dialogue.ordering.results import failure
from dialogue.tools.base import ToolResult
from dialogue.turn import TurnContext

_BRANCH = re.compile(r"\s*[가-힣A-Za-z0-9]+점$")


class OrderShops:
    """The ordering shops of the catalogue, and the one a turn's order is for (kept in ``ctx.session.order``)."""

    def __init__(self, catalogue: OrderCatalogue) -> None:
        self.catalogue = catalogue

    async def named(self, text: str, at: datetime | None = None) -> ShopMenu | None:
        """The ordering shop the text names ("든든버거", "든든버거 강남역점"), if any, with its menu as it can be
        ordered ``at`` that moment (see `OrderCatalogue.menus`)."""
        said = compact(text)
        for menu in (await self.catalogue.menus(at)).values():
            full, base = compact(menu.shop_name), compact(_BRANCH.sub("", menu.shop_name))
            if (len(full) >= 2 and full in said) or (len(base) >= 2 and base in said):
                return menu
        return None

    async def menu_for(
        self, ctx: TurnContext, *, shop: str | None = None, product: str | None = None
    ) -> ShopMenu | ToolResult:
        """The menu the order is for: the cart's shop, a shop named, the one chosen before in this session, a
        recommended one that takes orders, or the only ordering shop that sells ``product``; else a question."""
        menus = await self.catalogue.menus(ctx.now)
        if not menus:
            return failure(replies.NO_ORDERING_SHOP, "no shop takes orders")
        cart = load_cart(ctx.session.order)
        if cart.shop_id is not None and cart.shop_id in menus and not cart.empty:
            return menus[cart.shop_id]
        if shop:
            named = await self.named(shop, ctx.now)
            if named is None:
                every = menus.values()
                return failure(replies.unknown_shop(shop, every), "unknown shop", replies.shop_buttons(every))
            ctx.session.order.shop_id = named.shop_id
            return named
        chosen = ctx.session.order.shop_id
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
                return failure(replies.several_shops(product), "which shop", replies.shop_buttons(selling))
        return failure(replies.which_shop(menus.values()), "which shop", replies.shop_buttons(menus.values()))

    @staticmethod
    def cart_for(ctx: TurnContext, menu: ShopMenu) -> Cart | ToolResult:
        """The session's cart to add ``menu``'s items to; refused while it holds another shop's."""
        cart = load_cart(ctx.session.order)
        if not cart.empty and cart.shop_id != menu.shop_id:
            return failure(
                replies.other_shop_in_cart(cart.shop_name),
                "cart holds another shop",
                (replies.CHECKOUT_BUTTON, replies.CLEAR_BUTTON),
            )
        cart.shop_id, cart.shop_name = menu.shop_id, menu.shop_name
        ctx.session.order.shop_id = menu.shop_id
        return cart

    @staticmethod
    def forget(ctx: TurnContext) -> None:
        """The cart was emptied: the next order may be for another shop."""
        ctx.session.order.shop_id = None
