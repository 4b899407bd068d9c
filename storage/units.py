"""Money and calendar facts every package words the same way: the dialogue's replies and the jobs' pushes."""

from __future__ import annotations

from datetime import date


def won(amount: int) -> str:
    """4300 -> "4,300원"."""
    return f"{amount:,}원"


def next_top_up(day_of_month: int | None, today: date) -> date | None:
    """The next monthly top-up date after ``today``, or None when the programme has no fixed day."""
    if day_of_month is None:
        return None
    if today.day < day_of_month:
        return today.replace(day=day_of_month)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day_of_month)
