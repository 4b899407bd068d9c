"""The card as the dialogue sees it: what is left, what today still allows, when money comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.hours import local_time
from storage.models import CardProgram, CardStatus, MealCard
from storage.units import next_top_up


@dataclass(frozen=True, slots=True)
class CardView:
    card_id: str
    number_masked: str
    program: str
    program_code: str
    status: str
    balance: int
    daily_limit: int
    spent_today: int
    monthly_limit: int
    meal_amount: int
    next_top_up: date | None

    @property
    def region(self) -> str:
        """The area prefix of the programme's region: seoul-kkumnamu -> "seoul" (areas seoul-gangnam, seoul-mapo ...)."""
        return self.program_code.split("-", 1)[0]

    @property
    def active(self) -> bool:
        return self.status == CardStatus.ACTIVE

    @property
    def daily_remaining(self) -> int:
        return max(0, self.daily_limit - self.spent_today)

    @property
    def spendable_today(self) -> int:
        """What the card can pay today: the balance, capped by what is left of the daily limit."""
        return min(self.balance, self.daily_remaining) if self.active else 0


def card_view(card: MealCard, program: CardProgram, now: datetime) -> CardView:
    today = local_time(now).date()
    spent = card.spent_today if card.spent_on == today else 0
    return CardView(
        card_id=card.card_id,
        number_masked=card.number_masked,
        program=program.name,
        program_code=program.code,
        status=card.status,
        balance=card.balance,
        daily_limit=card.daily_limit,
        spent_today=spent,
        monthly_limit=card.monthly_limit,
        meal_amount=card.meal_amount,
        next_top_up=next_top_up(program.monthly_top_up_day, today),
    )
