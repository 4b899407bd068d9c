"""How the cart and ordering answers read, and the data the language model gets for the same facts.

Buttons carry whole sentences as payloads ("리아 불고기버거 세트 1개 담아줘"), so a press reads like a typed message
on every channel and goes through the same understanding.
"""

from __future__ import annotations

import re
from typing import Any

from dialogue.korean import hhmm, particle, won
from dialogue.messages import Button
from dialogue.ordering.cart import Cart, CartLine
from dialogue.ordering.catalogue import MenuEntry, ShopMenu

CHECKOUT_BUTTON = Button("주문하기", "이대로 주문할게")
VIEW_BUTTON = Button("장바구니 보기", "장바구니 보여줘")
CLEAR_BUTTON = Button("장바구니 비우기", "장바구니 비워줘")
CART_BUTTONS = (CHECKOUT_BUTTON, VIEW_BUTTON)

_PAYLOAD_INTENTS = (
    (re.compile(r"(?:주문할게|주문할래)$"), "checkout"),
    (re.compile(r"장바구니 보여줘$"), "cart_view"),
    (re.compile(r"(?:장바구니 비워줘|주문 취소할래|빼줘)$"), "cart_clear"),
    (re.compile(r"(?:담아줘|바꿔줘|원래대로 해줘)$"), "order_add"),
)


def payload_intent(payload: str | None) -> str | None:
    """The ordering intent of a pressed ordering button's payload (the sentences above and in the service), or None
    for any other payload. On the console a press arrives with its label as the text; the payload decides."""
    if not payload:
        return None
    for pattern, intent in _PAYLOAD_INTENTS:
        if pattern.search(payload):
            return intent
    return None


def quantity_text(line: CartLine) -> str:
    return f"{line.name} {line.quantity}개"


def line_text(line: CartLine) -> str:
    head = f"• {line.name} x{line.quantity}  {won(line.total)}"
    details = [f"   - {label}" for label in line.option_labels()]
    return "\n".join([head, *details])


def cart_text(cart: Cart) -> str:
    if cart.empty:
        return "장바구니가 비어 있어요."
    lines = [f"[{cart.shop_name}] 장바구니"] if cart.shop_name else ["장바구니"]
    lines.extend(line_text(line) for line in cart.lines)
    lines.append(f"합계 {won(cart.total)}")
    return "\n".join(lines)


def total_text(cart: Cart) -> str:
    return f"장바구니 합계는 {won(cart.total)}이에요." if not cart.empty else "장바구니가 비었어요."


def cart_data(cart: Cart) -> dict[str, Any]:
    """The cart as the model reads it: line ids to refer to, names, quantities and prices in won."""
    return {
        "shop": cart.shop_name or None,
        "lines": [
            {
                "line": line.line_id,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.total,
                "options": line.option_labels(),
            }
            for line in cart.lines
        ],
        "total": cart.total,
    }


def product_data(menu: ShopMenu, item: MenuEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"name": item.name, "price": item.price, "kind": item.kind, "sold_out": item.sold_out}
    if item.is_set:
        data["components"] = [component.item.name for component in menu.set_components(item.id)]
    return data


def set_contents(menu: ShopMenu, item: MenuEntry) -> str:
    names = [component.item.name for component in menu.set_components(item.id)]
    return f" 구성: {', '.join(names)}." if names else ""


def add_button(item: MenuEntry, quantity: int = 1) -> Button:
    return Button(f"{item.name} 담기", f"{item.name} {quantity}개 담아줘")


def choose_buttons(items: tuple[MenuEntry, ...] | list[MenuEntry], quantity: int = 1) -> tuple[Button, ...]:
    return tuple(add_button(item, quantity) for item in items)


def sold_out_text(item: MenuEntry) -> str:
    if item.off_hours and item.hours is not None:
        return f"{particle(item.name, '은', '는')} {selling_hours(item.hours)}에만 팔아서 지금은 주문할 수 없어요."
    return f"{particle(item.name, '은', '는')} 지금 품절이에요."


def availability(item: MenuEntry) -> str:
    """What a product line adds after the price: " (품절)", " (07:00~10:30에만 팔아요)" or nothing."""
    if item.off_hours and item.hours is not None:
        return f" ({selling_hours(item.hours)}에만 팔아요)"
    return " (품절)" if item.sold_out else ""


def selling_hours(hours: tuple[int, int]) -> str:
    return f"{hhmm(hours[0])}~{hhmm(hours[1])}"
