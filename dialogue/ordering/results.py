"""The tool results the ordering operations answer with: facts for a model (``data``, with the cart after a change)
and the reply the offline path shows, worded by `replies`."""

from __future__ import annotations

from collections.abc import Sequence

from dialogue.messages import Button
from dialogue.ordering import offers, replies
from dialogue.ordering.cart import Cart, CartLine, save_cart
from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.tools.base import ToolResult
from dialogue.turn import Reply, TurnContext


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
    save_cart(ctx.session.order, cart)
    return success(f"{text}\n{replies.total_text(cart)}", cart, buttons=buttons)


def empty_cart() -> ToolResult:
    return failure(replies.EMPTY_CART, "cart empty")


def no_line(cart: Cart, line_ref: int | str | None) -> ToolResult:
    if cart.empty:
        return empty_cart()
    return failure(replies.no_line(cart, line_ref), "no such line", (replies.VIEW_BUTTON,))


def which_product(menu: ShopMenu, said: str, choices: Sequence[MenuEntry], quantity: int = 1) -> ToolResult:
    """Several different products fit what was said: which one to add."""
    return failure(
        replies.which_product(said, adding=True),
        "several products match",
        replies.choose_buttons(list(choices), quantity),
        ambiguous=True,
        products=[replies.product_data(menu, item) for item in choices],
    )


def not_on_menu(menu: ShopMenu, said: str, suggestions: Sequence[MenuEntry]) -> ToolResult:
    shown = offers.shown_suggestions(suggestions)
    return failure(
        replies.not_on_menu(menu, said, shown),
        "not on the menu",
        replies.choose_buttons(shown),
        suggestions=[replies.product_data(menu, item) for item in shown],
    )


def sold_out(menu: ShopMenu, item: MenuEntry, quantity: int) -> ToolResult:
    """The item is sold out: what to have instead (`offers.alternatives`)."""
    alternatives = offers.alternatives(menu, item)
    return failure(
        replies.sold_out_instead(item, alternatives),
        "sold out",
        replies.choose_buttons(alternatives, quantity),
        alternatives=[replies.product_data(menu, other) for other in alternatives],
    )
