"""The cart: lines with their option changes and extras, kept as JSON in the session's slots.

Amounts are integer won. A line's unit price is its base price plus every option change's delta plus every extra's
price, never below nothing (a shop's written discount cannot pay the customer); its total is the unit price times the quantity; the cart's total is the sum of its lines. Each line keeps
the prices it was added at, so the cart reads the same until checkout compares them with the menu again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from dialogue.korean import won
from dialogue.session import OrderState

logger = logging.getLogger(__name__)

MAX_LINES = 20
MAX_QUANTITY = 20
"""Per line: larger orders go to the shop by phone, not through a chat."""


@dataclass(slots=True)
class OptionChange:
    """A set component changed to another item of its group: ``from_id`` is the set's default component."""

    group: str
    from_id: int
    from_name: str
    to_id: int
    to_name: str
    delta: int

    def label(self) -> str:
        sign = "+" if self.delta >= 0 else "-"
        return f"{self.from_name} → {self.to_name} ({sign}{won(abs(self.delta))})"


@dataclass(slots=True)
class Extra:
    """A topping or extra added to a line, charged per unit of the line."""

    item_id: int
    name: str
    price: int

    def label(self) -> str:
        return f"{self.name} 추가 (+{won(self.price)})"


@dataclass(slots=True)
class CartLine:
    line_id: int
    item_id: int
    name: str
    kind: str
    base_price: int
    quantity: int = 1
    changes: list[OptionChange] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)

    @property
    def unit_price(self) -> int:
        return max(0, self.base_price + sum(c.delta for c in self.changes) + sum(x.price for x in self.extras))

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity

    def option_labels(self) -> list[str]:
        return [change.label() for change in self.changes] + [extra.label() for extra in self.extras]

    def change_for(self, from_id: int) -> OptionChange | None:
        return next((change for change in self.changes if change.from_id == from_id), None)

    def item_ids(self) -> set[int]:
        """Every menu item this line stands for: the product, the components it changed to, its extras."""
        return {self.item_id, *(c.to_id for c in self.changes), *(x.item_id for x in self.extras)}


@dataclass(slots=True)
class Cart:
    shop_id: int | None = None
    shop_name: str = ""
    lines: list[CartLine] = field(default_factory=list)
    cart_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    revision: int = 0
    """Counts changes; with ``cart_id`` it keys the order, so one cart in one state is ordered once."""
    next_line: int = 1
    last_line: int | None = None
    """The line the user touched last: what "하나 더", "아까 그거" and an option change without a name mean."""

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def empty(self) -> bool:
        return not self.lines

    def line(self, line_id: int | None) -> CartLine | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def last(self) -> CartLine | None:
        return self.line(self.last_line) or (self.lines[-1] if self.lines else None)

    def add(self, line: CartLine) -> CartLine:
        line.line_id = self.next_line
        self.next_line += 1
        self.lines.append(line)
        self.touch(line)
        return line

    def remove(self, line: CartLine) -> None:
        self.lines = [other for other in self.lines if other.line_id != line.line_id]
        self.last_line = self.lines[-1].line_id if self.lines else None
        self.revision += 1

    def touch(self, line: CartLine) -> None:
        self.last_line = line.line_id
        self.revision += 1

    def clear(self) -> None:
        self.lines = []
        self.last_line = None
        self.shop_id = None
        self.shop_name = ""
        self.revision += 1

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, data: object) -> Cart:
        """The cart stored in a session; an unreadable one (an older shape, damage) becomes an empty cart."""
        if not isinstance(data, dict):
            return cls()
        try:
            lines = [
                CartLine(
                    line_id=int(line["line_id"]),
                    item_id=int(line["item_id"]),
                    name=str(line["name"]),
                    kind=str(line["kind"]),
                    base_price=int(line["base_price"]),
                    quantity=int(line["quantity"]),
                    changes=[OptionChange(**change) for change in line.get("changes", [])],
                    extras=[Extra(**extra) for extra in line.get("extras", [])],
                )
                for line in data.get("lines", [])
            ]
            return cls(
                shop_id=data.get("shop_id"),
                shop_name=str(data.get("shop_name", "")),
                lines=lines,
                cart_id=str(data.get("cart_id") or uuid.uuid4().hex),
                revision=int(data.get("revision", 0)),
                next_line=int(data.get("next_line", len(lines) + 1)),
                last_line=data.get("last_line"),
            )
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("cart in session unreadable, starting an empty one: %r", error)
            return cls()


def load_cart(order: OrderState) -> Cart:
    """The conversation's cart (empty when it has none, or when what was kept cannot be read)."""
    return Cart.from_slot(order.cart)


def save_cart(order: OrderState, cart: Cart) -> None:
    order.cart = None if cart.empty else cart.to_slot()


def order_in_progress(order: OrderState) -> bool:
    """Whether the conversation is in the middle of an order: something is in the cart, or a shop was chosen to
    order from ("든든버거에서 주문할래"). Placing the order or emptying the cart ends it."""
    return order.cart is not None or order.shop_id is not None
