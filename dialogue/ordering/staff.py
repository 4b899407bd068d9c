"""The staff side of an order, as the ordering package sees it: a board that shows orders to the shop's staff
(Slack, implemented in bots) and the actions staff take on them (implemented here, in the ordering service)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class StaffOrderLine:
    name: str
    quantity: int
    options: tuple[str, ...]
    """Readable option changes, each with its price difference: "감자튀김 → 양념감자 (+600원)"."""
    line_total: int


@dataclass(frozen=True, slots=True)
class StaffOrder:
    """An order as staff see it; amounts are integer won."""

    order_id: int
    shop_id: int
    shop_name: str
    slack_channel: str | None
    status: str
    """A ``storage.models.OrderStatus`` value."""
    lines: tuple[StaffOrderLine, ...]
    total: int
    payment_method: str
    customer: str
    """How staff call the customer at pickup: a display name or a short masked label, never a card number."""
    created_at: datetime
    staff_message_ref: str | None = None
    reject_reason: str | None = None


class StaffBoard(Protocol):
    async def post(self, order: StaffOrder) -> str | None:
        """Show a new order to the shop's staff; returns the message reference (Slack ts) to update later."""
        ...

    async def update(self, order: StaffOrder) -> None:
        """Show the order's new status in place of the earlier message."""
        ...


class StaffActions(Protocol):
    async def set_status(self, order_id: int, status: str, *, actor: str, reason: str | None = None) -> StaffOrder:
        """Move an order to accepted, rejected (with a reason) or ready; tells the customer and updates the board.

        Raises ``LookupError`` for an unknown order and ``ValueError`` for a move its current status does not allow.
        """
        ...
