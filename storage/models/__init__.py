"""The relational model. Importing this package registers every table on ``SQLModel.metadata``."""

from storage.models.commerce import Coupon, CouponScope, DiscountType, Order, OrderLine, OrderStatus, UserCoupon
from storage.models.people import CardProgram, CardStatus, Channel, ChannelIdentity, MealCard, User
from storage.models.records import (
    Conversation,
    JobRun,
    Notification,
    NotificationStatus,
    RecommendationLog,
    SyncState,
)
from storage.models.shops import (
    CARD_PAYABLE,
    CardAcceptance,
    ComponentChangeRule,
    MenuItem,
    MenuKind,
    Place,
    SetComponent,
    Shop,
    ShopClosure,
    ShopHours,
    StatusOverride,
)
from storage.models.types import UTCDateTime, utcnow

__all__ = [
    "CARD_PAYABLE",
    "CardAcceptance",
    "CardProgram",
    "CardStatus",
    "Channel",
    "ChannelIdentity",
    "ComponentChangeRule",
    "Conversation",
    "Coupon",
    "CouponScope",
    "DiscountType",
    "JobRun",
    "MealCard",
    "MenuItem",
    "MenuKind",
    "Notification",
    "NotificationStatus",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Place",
    "RecommendationLog",
    "SetComponent",
    "Shop",
    "ShopClosure",
    "ShopHours",
    "StatusOverride",
    "SyncState",
    "UTCDateTime",
    "User",
    "UserCoupon",
    "utcnow",
]
