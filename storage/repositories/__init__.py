"""Repositories: every query kkini runs lives here, behind async methods that take and return models."""

from storage.repositories.cards import CardRepository, CardWithHolder
from storage.repositories.catalogue import CatalogueRepository, UserHistory
from storage.repositories.conversations import ConversationRepository
from storage.repositories.coupons import CouponRepository, WalletCoupon
from storage.repositories.shops import OpenShopMatch, ShopRepository
from storage.repositories.users import IdentityConflict, UnknownCard, UserRepository

__all__ = [
    "CardRepository",
    "CardWithHolder",
    "CatalogueRepository",
    "ConversationRepository",
    "CouponRepository",
    "IdentityConflict",
    "OpenShopMatch",
    "ShopRepository",
    "UnknownCard",
    "UserHistory",
    "UserRepository",
    "WalletCoupon",
]
