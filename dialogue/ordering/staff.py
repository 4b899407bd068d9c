"""The staff side of an order, as the ordering package sees it: a board that shows orders to the shop's staff
(Slack, implemented in bots), the actions staff take on orders and shops (implemented by
`dialogue.ordering.admin.ShopAdmin`), and the typed refusals of those actions, one per reason."""

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


# ---- refusals ----------------------------------------------------------------------------------------------------


class StaffRefusal(Exception):
    """A staff action on an order that is refused; the subclass says why."""

    def __init__(self, order_id: int, message: str) -> None:
        super().__init__(message)
        self.order_id = order_id


class UnknownOrder(StaffRefusal, LookupError):
    """No such order."""

    def __init__(self, order_id: int) -> None:
        super().__init__(order_id, f"no order {order_id}")


class NotThisShopsOrder(StaffRefusal, PermissionError):
    """The action came from another shop's channel than the one the order was shown in."""

    def __init__(self, order_id: int, channel: str) -> None:
        super().__init__(order_id, f"order {order_id} is not shown in {channel}")
        self.channel = channel


class MoveNotAllowed(StaffRefusal, ValueError):
    """The order's status does not allow the move (`dialogue.ordering.admin.STAFF_MOVES`)."""

    def __init__(self, order_id: int, current: str, wanted: str, *, meanwhile: bool = False) -> None:
        how = "became" if meanwhile else "is"
        super().__init__(order_id, f"order {order_id} {how} {current}; it cannot become {wanted}")
        self.current = current
        self.wanted = wanted


class ReasonRequired(StaffRefusal, ValueError):
    """A rejection without a reason: the customer is always told why."""

    def __init__(self, order_id: int) -> None:
        super().__init__(order_id, "a rejection needs a reason")


class StaffActions(Protocol):
    async def check_move(self, order_id: int, status: str, *, channel: str | None = None) -> None:
        """Whether the move would be made now, without making it: raises the `StaffRefusal` it would get."""
        ...

    async def set_status(
        self, order_id: int, status: str, *, actor: str, reason: str | None = None, channel: str | None = None
    ) -> StaffOrder:
        """Move an order to accepted, rejected (with a reason), ready or picked up; tells the customer and updates
        the board. Repeating the move the order already made changes nothing and returns it.

        ``channel``, when given, is where the action came from: it must be where the order is shown. Raises
        `UnknownOrder`, `NotThisShopsOrder`, `MoveNotAllowed` or `ReasonRequired` (the first is a ``LookupError``,
        the last two are ``ValueError``s).
        """
        ...
