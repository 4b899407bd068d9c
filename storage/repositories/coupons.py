"""A user's coupon wallet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Coupon, Shop, UserCoupon


@dataclass(frozen=True, slots=True)
class WalletCoupon:
    user_coupon: UserCoupon
    coupon: Coupon
    shop_name: str | None
    """The shop of a SHOP-scope coupon."""


class CouponRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def usable(self, user_id: int, at: datetime) -> list[WalletCoupon]:
        """Unused, active coupons of the user valid at ``at``, soonest to expire first."""
        statement = (
            select(UserCoupon, Coupon, Shop.name)
            .join(Coupon, col(Coupon.id) == col(UserCoupon.coupon_id))
            .outerjoin(Shop, col(Shop.id) == col(Coupon.shop_id))
            .where(
                UserCoupon.user_id == user_id,
                col(UserCoupon.used_at).is_(None),
                col(Coupon.active).is_(True),
                col(Coupon.valid_from) <= at,
                col(Coupon.valid_until) > at,
            )
            .order_by(col(Coupon.valid_until), col(Coupon.id))
        )
        rows = (await self.session.exec(statement)).all()
        return [WalletCoupon(user_coupon, coupon, shop_name) for user_coupon, coupon, shop_name in rows]
