"""Weekly opening hours as Korean shops keep them: break times, regular closed days, late nights, 24-hour stores.

Times are minutes after local midnight; ``closes_at`` past 1440 runs into the next morning. A weekday without a row
is the shop's regular closed day (정기휴무).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from storage.sample.rows import Row

SUNDAY = 6
SATURDAY = 5
MONDAY = 0
DAY = 1440

_BREAKS = ((900, 1020), (900, 990), (930, 1050), (900, 1020), (930, 1020))
_CLOSURE_REASONS = ("개인 사정으로 휴무", "내부 공사", "명절 휴무", "가게 정비", "여름 휴가")


def _hm(hour: int, minute: int = 0) -> int:
    return hour * 60 + minute


def _week(
    opens: int,
    closes: int,
    *,
    breaks: tuple[int, int] | None = None,
    weekday_break_only: bool = False,
    closed: tuple[int, ...] = (),
    saturday_closes: int | None = None,
) -> list[Row]:
    rows: list[Row] = []
    for weekday in range(7):
        if weekday in closed:
            continue
        day_break = None if weekday_break_only and weekday >= SATURDAY else breaks
        day_closes = saturday_closes if saturday_closes is not None and weekday >= SATURDAY else closes
        rows.append(
            {
                "weekday": weekday,
                "opens_at": opens,
                "closes_at": day_closes,
                "break_start": day_break[0] if day_break else None,
                "break_end": day_break[1] if day_break else None,
            }
        )
    return rows


def _closed_days(rng: random.Random, sunday: float, monday: float, weekend: float = 0.0) -> tuple[int, ...]:
    roll = rng.random()
    if roll < weekend:
        return (SATURDAY, SUNDAY)
    if roll < weekend + sunday:
        return (SUNDAY,)
    if roll < weekend + sunday + monday:
        return (MONDAY,)
    return ()


def weekly_hours(category: str, rng: random.Random, *, office_district: bool = False) -> list[Row]:
    """ShopHours rows (without ``shop_id``) for a shop of ``category``."""
    weekend = 0.08 if office_district else 0.02
    if category in ("한식", "중식", "일식", "양식"):
        has_break = rng.random() < (0.65 if category in ("한식", "중식") else 0.5)
        return _week(
            rng.choice((_hm(10, 30), _hm(11), _hm(11), _hm(11, 30))),
            rng.choice((_hm(20, 30), _hm(21), _hm(21), _hm(21, 30), _hm(22))),
            breaks=rng.choice(_BREAKS) if has_break else None,
            weekday_break_only=rng.random() < 0.35,
            closed=_closed_days(rng, sunday=0.3, monday=0.12, weekend=weekend),
            saturday_closes=_hm(20) if rng.random() < 0.2 else None,
        )
    if category == "분식":
        late = rng.random() < 0.15
        return _week(
            rng.choice((_hm(8), _hm(8, 30), _hm(9), _hm(10))),
            rng.choice((DAY + _hm(1), DAY + _hm(2))) if late else rng.choice((_hm(20), _hm(21), _hm(21, 30), _hm(22))),
            closed=_closed_days(rng, sunday=0.25, monday=0.05, weekend=weekend),
        )
    if category == "국밥":
        roll = rng.random()
        if roll < 0.3:
            return _week(0, DAY)
        if roll < 0.6:
            return _week(_hm(6), DAY + _hm(2))
        return _week(_hm(8), _hm(22), closed=_closed_days(rng, sunday=0.15, monday=0.1))
    if category == "치킨":
        return _week(
            rng.choice((_hm(15), _hm(16), _hm(16), _hm(17))),
            rng.choice((DAY, DAY + _hm(1), DAY + _hm(2))),
            closed=_closed_days(rng, sunday=0.0, monday=0.15),
        )
    if category == "피자":
        return _week(_hm(11), rng.choice((_hm(22), _hm(23))), closed=_closed_days(rng, sunday=0.0, monday=0.1))
    if category == "햄버거":
        if rng.random() < 0.2:
            return _week(0, DAY)
        return _week(rng.choice((_hm(9), _hm(10))), rng.choice((_hm(22), _hm(23), DAY + _hm(1))))
    if category == "도시락":
        return _week(
            rng.choice((_hm(8), _hm(9))),
            rng.choice((_hm(21), _hm(22))),
            closed=_closed_days(rng, sunday=0.2, monday=0.0),
        )
    if category == "카페/디저트":
        return _week(
            rng.choice((_hm(8), _hm(9), _hm(10), _hm(11))),
            rng.choice((_hm(21), _hm(22), _hm(23))),
            closed=_closed_days(rng, sunday=0.05, monday=0.15, weekend=weekend),
        )
    if category == "제과점":
        return _week(rng.choice((_hm(7), _hm(7, 30), _hm(8))), rng.choice((_hm(22), _hm(23))))
    if category == "편의점":
        if rng.random() < 0.85:
            return _week(0, DAY)
        return _week(_hm(7), DAY)
    raise ValueError(f"no hours pattern for category {category!r}")


def closure_days(rng: random.Random, today: date, *, include_today: bool = False) -> list[Row]:
    """One to three irregular closed dates around ``today`` (ShopClosure rows without ``shop_id``)."""
    offsets = set(rng.sample(range(-7, 31), rng.randint(1, 3)))
    if include_today:
        offsets.add(0)
    reason = rng.choice(_CLOSURE_REASONS)
    return [{"day": today + timedelta(days=offset), "reason": reason} for offset in sorted(offsets)]
