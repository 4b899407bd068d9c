"""Ordering queries: the menus of shops that take orders, placing an order once, and moving it through its statuses.

A status change and the customer's notice are written in one transaction, and the change is a conditional update
(``WHERE status = <the status it moves from>``), so two staff clicks racing each other move an order once and
write one notice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    ComponentChangeRule,
    MenuItem,
    Order,
    OrderLine,
    SetComponent,
    Shop,
    User,
)
from storage.repositories.outbox import NewNotice, OutboxRepository


@dataclass(frozen=True, slots=True)
class ShopMenuRows:
    """One ordering shop with everything its menu needs: items, set components and component change rules."""

    shop: Shop
    items: list[MenuItem]
    components: list[SetComponent]
    rules: list[ComponentChangeRule]


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order
    lines: list[OrderLine]
    created: bool
    """False when an order with the same idempotency key already existed (a repeated "주문할게")."""


class OrderingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ordering_menus(self) -> list[ShopMenuRows]:
        """Every shop that takes orders through kkini, with its whole menu (sold-out items included)."""
        shops = list((await self.session.exec(select(Shop).where(col(Shop.accepts_orders).is_(True)))).all())
        if not shops:
            return []
        ids = [shop.id for shop in shops if shop.id is not None]
        items = list(
            (
                await self.session.exec(
                    select(MenuItem).where(col(MenuItem.shop_id).in_(ids)).order_by(col(MenuItem.id))
                )
            ).all()
        )
        item_ids = [item.id for item in items if item.id is not None]
        components = list(
            (
                await self.session.exec(
                    select(SetComponent)
                    .where(col(SetComponent.set_item_id).in_(item_ids))
                    .order_by(col(SetComponent.id))
                )
            ).all()
        )
        rules = list(
            (
                await self.session.exec(select(ComponentChangeRule).where(col(ComponentChangeRule.shop_id).in_(ids)))
            ).all()
        )
        by_shop_items: dict[int, list[MenuItem]] = {}
        for item in items:
            by_shop_items.setdefault(item.shop_id, []).append(item)
        owner = {item.id: item.shop_id for item in items}
        return [
            ShopMenuRows(
                shop=shop,
                items=by_shop_items.get(shop.id or 0, []),
                components=[c for c in components if owner.get(c.set_item_id) == shop.id],
                rules=[rule for rule in rules if rule.shop_id == shop.id],
            )
            for shop in shops
        ]

    async def items(self, item_ids: Collection[int]) -> dict[int, MenuItem]:
        """The current rows of the given menu items (prices and sold-out flags as they are now)."""
        if not item_ids:
            return {}
        rows = await self.session.exec(select(MenuItem).where(col(MenuItem.id).in_(list(item_ids))))
        return {item.id: item for item in rows if item.id is not None}

    async def place(self, order: Order, lines: Sequence[OrderLine]) -> PlacedOrder:
        """Insert the order and its lines, or return the order already stored under its idempotency key.

        Runs in a savepoint so that losing the race on the key leaves the caller's transaction usable.
        """
        if order.idempotency_key:
            existing = await self.by_key(order.idempotency_key)
            if existing is not None:
                return PlacedOrder(existing, await self.lines(existing.id or 0), created=False)
        try:
            async with self.session.begin_nested():
                self.session.add(order)
                await self.session.flush()
                assert order.id is not None
                for line in lines:
                    line.order_id = order.id
                    self.session.add(line)
                await self.session.flush()
        except IntegrityError:
            if not order.idempotency_key:
                raise
            existing = await self.by_key(order.idempotency_key)
            if existing is None:
                raise
            return PlacedOrder(existing, await self.lines(existing.id or 0), created=False)
        return PlacedOrder(order, list(lines), created=True)

    async def by_key(self, key: str) -> Order | None:
        return (await self.session.exec(select(Order).where(Order.idempotency_key == key))).first()

    async def get(self, order_id: int) -> Order | None:
        return await self.session.get(Order, order_id)

    async def lines(self, order_id: int) -> list[OrderLine]:
        statement = select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.id))
        return list((await self.session.exec(statement)).all())

    async def latest(self, user_id: int, statuses: Collection[str], since: datetime) -> Order | None:
        """The user's newest order in one of ``statuses`` created after ``since``."""
        statement = (
            select(Order)
            .where(Order.user_id == user_id, col(Order.status).in_(list(statuses)), col(Order.created_at) >= since)
            .order_by(col(Order.created_at).desc(), col(Order.id).desc())
            .limit(1)
        )
        return (await self.session.exec(statement)).first()

    async def move(
        self,
        order_id: int,
        *,
        from_status: str,
        to_status: str,
        at: datetime,
        reason: str | None = None,
        notice: NewNotice | None = None,
    ) -> bool:
        """Move the order from ``from_status`` to ``to_status`` and put ``notice`` in the outbox with it, in the
        caller's transaction (the outbox skips a notice whose dedup key it already holds).

        Returns False (and writes nothing) when the order is no longer in ``from_status``.
        """
        values: dict[str, Any] = {"status": to_status, "updated_at": at}
        if reason is not None:
            values["reject_reason"] = reason
        result = await self.session.exec(
            update(Order).where(col(Order.id) == order_id, col(Order.status) == from_status).values(**values)
        )
        if result.rowcount != 1:
            return False
        if notice is not None:
            await OutboxRepository(self.session).enqueue([notice], at)
        await self.session.flush()
        return True

    async def set_staff_ref(self, order_id: int, ref: str) -> None:
        await self.session.exec(update(Order).where(col(Order.id) == order_id).values(staff_message_ref=ref))

    async def customer(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)
