"""A card as the card-issuer contract sends it, checked field by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.models import CardStatus

_STATUSES = frozenset(status.value for status in CardStatus)
_AMOUNTS = ("balance", "daily_limit", "monthly_limit", "meal_amount")


@dataclass(frozen=True, slots=True)
class IssuerCard:
    card_id: str
    balance: int
    daily_limit: int
    monthly_limit: int
    meal_amount: int
    status: str
    updated_at: datetime
    """Aware; the issuer's time of the last change to this card."""

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "balance": self.balance,
            "daily_limit": self.daily_limit,
            "monthly_limit": self.monthly_limit,
            "meal_amount": self.meal_amount,
            "status": self.status,
            "updated_at": self.updated_at.isoformat(),
        }


def parse_card(item: Any) -> IssuerCard:
    """The card in ``item``; ``ValueError`` naming the first field that breaks the contract."""
    if not isinstance(item, dict):
        raise ValueError("a card is not a JSON object")
    card_id = item.get("card_id")
    if not isinstance(card_id, str) or not card_id or len(card_id) > 40:
        raise ValueError(f"card_id {card_id!r} is not a string of 1 to 40 characters")
    amounts: list[int] = []
    for name in _AMOUNTS:
        value = item.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{card_id}: {name} {value!r} is not a whole number of won")
        amounts.append(value)
    status = item.get("status")
    if status not in _STATUSES:
        raise ValueError(f"{card_id}: status {status!r} is not one of {sorted(_STATUSES)}")
    updated = item.get("updated_at")
    try:
        updated_at = datetime.fromisoformat(updated) if isinstance(updated, str) else None
    except ValueError:
        updated_at = None
    if updated_at is None or updated_at.tzinfo is None:
        raise ValueError(f"{card_id}: updated_at {updated!r} is not ISO 8601 with an offset")
    return IssuerCard(card_id, amounts[0], amounts[1], amounts[2], amounts[3], str(status), updated_at)
