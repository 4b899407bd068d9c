"""Interceptors that hand a message to ordering while an order is under way, whatever intent it was read as
(``dialogue.routing``): a cart edit ("콜라 사이다로"), a product named from the menu, an ordering button, and a
question about the order ("이거 매워?", "얼마야?", "주문 들어갔어?").
"""

from __future__ import annotations

from dialogue.handlers.order import OrderHandler, in_cart, tops_a_burger
from dialogue.ordering import phrases, replies
from dialogue.ordering.cart import Cart, load_cart, order_in_progress
from dialogue.turn import Reply, TurnContext


class CartFirst:
    """A plain cart edit while the cart is open goes to ordering, whatever intent it was read as
    (``dialogue.routing``); so does an ordering button.

    "콜라 사이다로" or "아까 그거 빼줘" may read as a menu preference or small talk on their own; with items in the
    cart they are edits. Only commands that name a line of the cart (or point back at one) are taken.
    """

    def __init__(self, order: OrderHandler) -> None:
        self.order = order

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        if replies.payload_intent(ctx.message.payload) is not None:
            return await self.order.handle(ctx)  # an ordering button, whatever its label read as
        text = ctx.message.payload or ctx.text
        cart = load_cart(ctx.session.order)
        if not cart.empty:
            command = phrases.command(text)
            if command is not None and await self._edits_cart(ctx, cart, command):
                result = await self.order.run(ctx, command)
                return result.reply
        if await self.order.orders_from_menu(ctx, text):
            return (await self.order.answer(ctx, text, "order_add")).reply  # "음 치즈버거 먹고 싶어" mid-order
        return None

    async def _edits_cart(self, ctx: TurnContext, cart: Cart, command: phrases.Command) -> bool:
        match command:
            case phrases.Remove(target=target):
                return target is None or in_cart(ctx, target)
            case phrases.Change(splits=splits):
                menu = (
                    await self.order.carts.catalogue.menu(cart.shop_id, ctx.now) if cart.shop_id is not None else None
                )
                return menu is not None and any(menu.find(target).item is not None for _, target in splits)
            case phrases.More() | phrases.SetQuantity() | phrases.Revert() | phrases.ToSingle() | phrases.ToSet():
                return True
            case phrases.Extra(target=target):
                return await tops_a_burger(self.order.carts, ctx, target)
            case phrases.ClearCart() | phrases.CancelOrder():
                return True
        return False


class OrderQuestions:
    """A question about the order asked in the middle of it goes to ordering, whatever intent it was read as
    (``dialogue.routing``): "이거 매워?" is no restaurant search, "얼마야?" no balance inquiry, "메뉴 보여줘" no cart
    view, "주문 들어갔어?" never places an order. Questions the order cannot answer are left to the intents."""

    def __init__(self, order: OrderHandler) -> None:
        self.order = order

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        if ctx.message.payload:
            return None  # a pressed button says what to do, not what to ask
        question = phrases.question(ctx.text)
        if question is None:
            return None
        result = await self.order.answers.answer(ctx, question)
        return result.reply if result is not None else None


def ordering_now(ctx: TurnContext) -> bool:
    """Whether this conversation is in the middle of an order (`order_in_progress`): what waits until it is done,
    such as an onboarding question, waits."""
    return order_in_progress(ctx.session.order)
