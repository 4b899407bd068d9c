"""What a shop's staff change: their orders' status (accept, reject with a reason, ready, picked up) and their shop
(a menu item sold out or back, open, closed, a break, back to the opening hours). `ShopAdmin` is the one place that
writes these; the Slack adapter only translates clicks and commands into its calls and its answers into Korean.

Every order move follows `STAFF_MOVES`, for a check before a form opens (`ShopAdmin.check_move`) and for the move
itself (`ShopAdmin.set_status`) alike. A move and the notice to its customer are one transaction (the notifications
outbox; the jobs deliver it on the customer's channel), so a notice exists exactly when the move happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dialogue.korean import particle, won
from dialogue.ordering.staff import (
    MoveNotAllowed,
    NotThisShopsOrder,
    ReasonRequired,
    StaffBoard,
    StaffOrder,
    StaffOrderLine,
    UnknownOrder,
)
from storage.database import Database
from storage.hours import local_time
from storage.models import MenuItem, Order, OrderLine, OrderStatus, Shop, StatusOverride, User, utcnow
from storage.repositories.ordering import OrderingRepository
from storage.repositories.outbox import NewNotice

logger = logging.getLogger(__name__)

STAFF_MOVES: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.ACCEPTED, OrderStatus.REJECTED}),
    OrderStatus.ACCEPTED: frozenset({OrderStatus.READY}),
    OrderStatus.READY: frozenset({OrderStatus.PICKED_UP}),
}
"""The moves staff may make from each status. Only a new order can be rejected: an accepted one is being cooked
already (the customer can no longer cancel it either), and a rejected one keeps the reason its customer was told.
The customer cancels (placed -> cancelled) themselves."""
MAX_REASON = 200
"""Characters of a rejection's reason that are kept."""
BREAK = timedelta(hours=1)


class OpenStateChange(StrEnum):
    OPEN = "open"
    """Open for the rest of the day, whatever the hours say."""
    CLOSE = "close"
    """Closed for the rest of the day."""
    BREAK = "break"
    """A break of `BREAK`."""
    AUTO = "auto"
    """Back to the opening hours."""


class ShopAdminError(Exception):
    """A shop change that is refused; the subclass says why."""


class NoShopHere(ShopAdminError, LookupError):
    """No shop names this channel as its staff channel."""


class NoSuchMenuItem(ShopAdminError, LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no menu item like {name!r}")
        self.name = name


class AmbiguousMenuItem(ShopAdminError, ValueError):
    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        super().__init__(f"{name!r} names {len(candidates)} menu items")
        self.name = name
        self.candidates = tuple(candidates)


@dataclass(frozen=True, slots=True)
class ShopRef:
    shop_id: int
    name: str


@dataclass(frozen=True, slots=True)
class MenuRow:
    name: str
    price: int
    sold_out: bool


class ShopAdmin:
    """Staff moves on orders (``StaffActions``) and the shop changes staff make, over the database."""

    def __init__(
        self, db: Database, *, board: StaffBoard | None = None, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.board = board
        self.clock = clock

    # ---- orders ----------------------------------------------------------------------------------------------

    async def check_move(self, order_id: int, status: str, *, channel: str | None = None) -> None:
        async with self.db.session() as session:
            order = await OrderingRepository(session).get(order_id)
            await self._allowed(session, order_id, order, channel)
        assert order is not None
        if status not in STAFF_MOVES.get(order.status, frozenset()):
            raise MoveNotAllowed(order_id, order.status, status)

    async def set_status(
        self, order_id: int, status: str, *, actor: str, reason: str | None = None, channel: str | None = None
    ) -> StaffOrder:
        """See `StaffActions.set_status`; the customer's notice is written in the same transaction."""
        reason = " ".join(reason.split())[:MAX_REASON] if reason else None
        async with self.db.session() as session:
            repository = OrderingRepository(session)
            order = await repository.get(order_id)
            await self._allowed(session, order_id, order, channel)
            assert order is not None
            changed = False
            if order.status != status:
                if status not in STAFF_MOVES.get(order.status, frozenset()):
                    raise MoveNotAllowed(order_id, order.status, status)
                if status == OrderStatus.REJECTED and not reason:
                    raise ReasonRequired(order_id)
                shop = await session.get(Shop, order.shop_id)
                now = self.clock()
                order.reject_reason = reason if status == OrderStatus.REJECTED else order.reject_reason
                notice = _notice(order, status, shop.name if shop is not None else "가게", actor, now)
                changed = await repository.move(
                    order_id, from_status=order.status, to_status=status, at=now, reason=reason, notice=notice
                )
                await session.refresh(order)
                if not changed and order.status != status:
                    raise MoveNotAllowed(order_id, order.status, status, meanwhile=True)
            shown = await staff_view(session, order)
        if changed:
            await self.update_board(shown)
        logger.info("order %s -> %s by %s", order_id, order.status, actor)
        return shown

    async def update_board(self, shown: StaffOrder) -> None:
        """Show the order's status on the board, if there is one; a board that fails is logged, not raised."""
        if self.board is None:
            return
        try:
            await self.board.update(shown)
        except Exception:
            logger.exception("updating order %s on the staff board failed", shown.order_id)

    async def _allowed(self, session: AsyncSession, order_id: int, order: Order | None, channel: str | None) -> None:
        if order is None:
            raise UnknownOrder(order_id)
        if not channel:
            return
        shown_in = {(order.staff_message_ref or "").rpartition("|")[0]}
        shop = await session.get(Shop, order.shop_id)
        if shop is not None and shop.slack_channel:
            shown_in.add(shop.slack_channel)
        shown_in.discard("")
        if shown_in and channel not in shown_in:
            raise NotThisShopsOrder(order_id, channel)

    # ---- the shop --------------------------------------------------------------------------------------------

    async def shop_in(self, channels: Collection[str]) -> ShopRef:
        """The shop whose staff channel is one of ``channels`` (a channel's id and ``#name``); `NoShopHere`."""
        async with self.db.session() as session:
            shop = (await session.exec(select(Shop).where(col(Shop.slack_channel).in_(channels)))).first()
        if shop is None or shop.id is None:
            raise NoShopHere(", ".join(sorted(channels)))
        return ShopRef(shop.id, shop.name)

    async def menu(self, shop_id: int) -> list[MenuRow]:
        async with self.db.session() as session:
            query = select(MenuItem).where(MenuItem.shop_id == shop_id).order_by(col(MenuItem.name))
            items = (await session.exec(query)).all()
        return [MenuRow(item.name, item.price, item.sold_out) for item in items]

    async def set_sold_out(self, shop_id: int, name: str, sold_out: bool) -> str:
        """Mark the one menu item ``name`` names sold out (or back on sale); its name. `NoSuchMenuItem`,
        `AmbiguousMenuItem` when the name fits none or several."""
        async with self.db.session() as session:
            items = (await session.exec(select(MenuItem).where(MenuItem.shop_id == shop_id))).all()
            matches = matching_items(list(items), name)
            if not matches:
                raise NoSuchMenuItem(name)
            if len(matches) > 1:
                raise AmbiguousMenuItem(name, [item.name for item in matches])
            item = matches[0]
            item.sold_out = sold_out
            session.add(item)
            return item.name

    async def set_open_state(self, shop_id: int, change: OpenStateChange) -> ShopRef:
        """Override the opening hours (or stop overriding them), until `override_until` says."""
        now = self.clock()
        async with self.db.session() as session:
            shop = await session.get(Shop, shop_id)
            if shop is None or shop.id is None:
                raise NoShopHere(str(shop_id))
            shop.status_override, shop.override_until = override_until(change, now)
            shop.updated_at = now
            session.add(shop)
            return ShopRef(shop.id, shop.name)


def override_until(change: OpenStateChange, now: datetime) -> tuple[str | None, datetime | None]:
    """The shop's status override for a change and until when it holds: a break for an hour, open or closed until
    the end of the local day."""
    if change is OpenStateChange.AUTO:
        return None, None
    if change is OpenStateChange.BREAK:
        return StatusOverride.BREAK.value, now + BREAK
    local = local_time(now)
    end_of_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if change is OpenStateChange.OPEN:
        return StatusOverride.OPEN.value, end_of_day
    return StatusOverride.CLOSED.value, end_of_day


def matching_items(items: list[MenuItem], name: str) -> list[MenuItem]:
    """The items named exactly (spaces aside), else those whose name holds ``name``."""
    wanted = name.replace(" ", "")
    exact = [item for item in items if item.name.replace(" ", "") == wanted]
    return exact or [item for item in items if wanted in item.name.replace(" ", "")]


def notice_text(status: str, order: Order, shop_name: str) -> str | None:
    """What the customer is told when staff move their order; None for moves that need no notice."""
    number = f"주문 #{order.id}"
    if status == OrderStatus.ACCEPTED:
        return f"{shop_name}에서 {particle(number, '을', '를')} 접수했어요. 준비되면 다시 알려드릴게요."
    if status == OrderStatus.REJECTED:
        reason = f" (사유: {order.reject_reason})" if order.reject_reason else ""
        return f"죄송해요, {shop_name}에서 {particle(number, '을', '를')} 받지 못했어요{reason}. 다른 메뉴로 다시 주문해 보세요."
    if status == OrderStatus.READY:
        return f"{number} 메뉴가 준비됐어요! {shop_name}에서 받아 가세요."
    return None


def _notice(order: Order, status: str, shop_name: str, actor: str, now: datetime) -> NewNotice | None:
    text = notice_text(status, order, shop_name)
    if text is None:
        return None
    return NewNotice(
        user_id=order.user_id,
        kind="order_status",
        dedup_key=f"order:{order.id}:{status}",
        text=text,
        not_before=now,
        payload={
            "order_id": order.id,
            "status": status,
            "shop_id": order.shop_id,
            "channel": order.channel,
            "actor": actor[:60],
        },
    )


# ---- how staff see an order --------------------------------------------------------------------------------------


async def staff_view(session: AsyncSession, order: Order) -> StaffOrder:
    shop = await session.get(Shop, order.shop_id)
    if shop is None:
        raise LookupError(f"order {order.id} names no shop")
    customer = await session.get(User, order.user_id)
    return staff_order(order, await OrderingRepository(session).lines(order.id or 0), shop, customer)


def staff_order(order: Order, lines: Sequence[OrderLine], shop: Shop, customer: User | None) -> StaffOrder:
    assert order.id is not None and shop.id is not None
    return StaffOrder(
        order_id=order.id,
        shop_id=shop.id,
        shop_name=shop.name,
        slack_channel=shop.slack_channel,
        status=order.status,
        lines=tuple(
            StaffOrderLine(line.name, line.quantity, tuple(_option_label(o) for o in line.options), line.line_total)
            for line in lines
        ),
        total=order.total,
        payment_method=order.payment_method,
        customer=customer_label(customer, order.id),
        created_at=order.created_at,
        staff_message_ref=order.staff_message_ref,
        reject_reason=order.reject_reason,
    )


def _option_label(option: dict[str, Any]) -> str:
    if option.get("type") == "extra":
        return f"{option.get('name')} 추가 (+{won(int(option.get('price', 0)))})"
    delta = int(option.get("delta", 0))
    sign = "+" if delta >= 0 else "-"
    return f"{option.get('from')} → {option.get('to')} ({sign}{won(abs(delta))})"


def customer_label(customer: User | None, order_id: int) -> str:
    """How staff call the customer: a masked display name ("김*수") or the order number."""
    name = (customer.display_name or "").strip() if customer is not None else ""
    if len(name) >= 2:
        return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"
    return f"주문 #{order_id} 손님"
