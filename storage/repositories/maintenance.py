"""The daily jobs' queries: coupons about to expire, shop activity for popularity, and retention by data class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as sa_select
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    ChannelIdentity,
    Conversation,
    Coupon,
    JobRun,
    Notification,
    NotificationStatus,
    Order,
    OrderStatus,
    RecommendationLog,
    Shop,
    User,
    UserCoupon,
)
from storage.repositories.outbox import PUSH_CHANNELS

UNFULFILLED = (OrderStatus.REJECTED.value, OrderStatus.CANCELLED.value)


@dataclass(frozen=True, slots=True)
class ExpiringCoupon:
    user_coupon_id: int
    user_id: int
    display_name: str | None
    title: str
    valid_until: datetime
    where: str | None
    """The shop of a SHOP coupon or the category of a CATEGORY coupon."""


class MaintenanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def expiring_coupons(self, now: datetime, until: datetime) -> list[ExpiringCoupon]:
        """Unused, active wallet coupons ending after ``now`` and by ``until``, not reminded yet, whose holders want
        notices and can be pushed to."""
        pushable = (
            select(ChannelIdentity.id)
            .where(col(ChannelIdentity.user_id) == col(User.id), col(ChannelIdentity.channel).in_(PUSH_CHANNELS))
            .exists()
        )
        statement = (
            sa_select(
                col(UserCoupon.id),
                col(User.id),
                col(User.display_name),
                col(Coupon.title),
                col(Coupon.valid_until),
                col(Shop.name),
                col(Coupon.category),
            )
            .join(Coupon, col(Coupon.id) == col(UserCoupon.coupon_id))
            .join(User, col(User.id) == col(UserCoupon.user_id))
            .outerjoin(Shop, col(Shop.id) == col(Coupon.shop_id))
            .where(
                col(UserCoupon.used_at).is_(None),
                col(UserCoupon.expiry_reminded_at).is_(None),
                col(Coupon.active).is_(True),
                col(Coupon.valid_from) <= now,
                col(Coupon.valid_until) > now,
                col(Coupon.valid_until) <= until,
                col(User.notify_low_balance).is_(True),
                pushable,
            )
            .order_by(col(UserCoupon.id))
        )
        connection = await self.session.connection()
        rows = await connection.execute(statement)
        return [
            ExpiringCoupon(uc_id, user_id, name, title, valid_until, shop or (f"{category} 가게" if category else None))
            for uc_id, user_id, name, title, valid_until, shop, category in rows.all()
            if uc_id is not None and user_id is not None
        ]

    async def mark_reminded(self, user_coupon_ids: Sequence[int], at: datetime) -> None:
        if not user_coupon_ids:
            return
        connection = await self.session.connection()
        await connection.execute(
            update(UserCoupon).where(col(UserCoupon.id).in_(user_coupon_ids)).values(expiry_reminded_at=at)
        )

    async def shop_activity(self, since: datetime) -> dict[int, tuple[int, int]]:
        """Per shop: (recommendations selected, orders not rejected or cancelled) since ``since``."""
        activity: dict[int, list[int]] = {}
        selections = await self.session.exec(
            select(RecommendationLog.shop_id, func.count())
            .where(col(RecommendationLog.selected_at) >= since)
            .group_by(col(RecommendationLog.shop_id))
        )
        for shop_id, count in selections.all():
            activity.setdefault(shop_id, [0, 0])[0] = int(count)
        orders = await self.session.exec(
            select(Order.shop_id, func.count())
            .where(col(Order.created_at) >= since, col(Order.status).not_in(UNFULFILLED))
            .group_by(col(Order.shop_id))
        )
        for shop_id, count in orders.all():
            activity.setdefault(shop_id, [0, 0])[1] = int(count)
        return {shop_id: (pair[0], pair[1]) for shop_id, pair in activity.items()}

    async def popularity(self) -> dict[int, float]:
        rows = await self.session.exec(select(Shop.id, Shop.popularity))
        return {shop_id: float(value) for shop_id, value in rows.all() if shop_id is not None}

    async def set_popularity(self, values: Mapping[int, float]) -> int:
        if not values:
            return 0
        table = Shop.__table__  # type: ignore[attr-defined]
        connection = await self.session.connection()
        await connection.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(popularity=bindparam("b_popularity")),
            [{"b_id": shop_id, "b_popularity": value} for shop_id, value in values.items()],
        )
        return len(values)

    async def delete_conversations(self, before: datetime) -> int:
        return await self._delete(delete(Conversation).where(col(Conversation.created_at) < before))

    async def delete_recommendations(self, before: datetime) -> int:
        return await self._delete(delete(RecommendationLog).where(col(RecommendationLog.shown_at) < before))

    async def delete_job_runs(self, before: datetime) -> int:
        return await self._delete(
            delete(JobRun).where(col(JobRun.started_at) < before, col(JobRun.status) != "running")
        )

    async def delete_finished_notices(self, before: datetime) -> int:
        finished = (NotificationStatus.SENT.value, NotificationStatus.DEAD.value)
        return await self._delete(
            delete(Notification).where(col(Notification.created_at) < before, col(Notification.status).in_(finished))
        )

    async def clear_turn_timings(self, since: datetime | None, before: datetime) -> int:
        """Drop the performance part of turns (stage timings) created in [since, before); the turn itself stays."""
        statement = update(Conversation).where(col(Conversation.created_at) < before)
        if since is not None:
            statement = statement.where(col(Conversation.created_at) >= since)
        connection = await self.session.connection()
        result = await connection.execute(statement.values(timings_ms={}))
        return int(result.rowcount or 0)

    async def _delete(self, statement: object) -> int:
        connection = await self.session.connection()
        result = await connection.execute(statement)  # type: ignore[call-overload]
        return int(result.rowcount or 0)
