"""Whether a shop is open at a moment: weekly hours, break times, closed days and staff overrides.

Hours are minutes after local midnight (Asia/Seoul). A day's ``closes_at`` past 1440 runs into the next morning,
so a shop open 18:00-02:00 on Friday is open at 01:00 on Saturday.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from storage.models import StatusOverride

SEOUL = ZoneInfo("Asia/Seoul")
MINUTES_PER_DAY = 1440


class HoursLike(Protocol):
    """One weekday's hours: a `storage.models.ShopHours` row or a `DayHours`."""

    @property
    def weekday(self) -> int: ...
    @property
    def opens_at(self) -> int: ...
    @property
    def closes_at(self) -> int: ...
    @property
    def break_start(self) -> int | None: ...
    @property
    def break_end(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class DayHours:
    """A plain copy of one weekday's hours, cheap to read in hot loops (ORM attributes are not)."""

    weekday: int
    opens_at: int
    closes_at: int
    break_start: int | None = None
    break_end: int | None = None

    @classmethod
    def of(cls, row: HoursLike) -> DayHours:
        return cls(row.weekday, row.opens_at, row.closes_at, row.break_start, row.break_end)

    @property
    def all_day(self) -> bool:
        """Open from midnight to midnight: said as "24시간", never "00:00~00:00"."""
        return self.opens_at == 0 and self.closes_at >= MINUTES_PER_DAY


def week_of(rows: Iterable[HoursLike]) -> dict[int, DayHours]:
    """Weekday -> hours, ready to pass to `open_state` many times."""
    return {row.weekday: DayHours.of(row) for row in rows}


@dataclass(frozen=True, slots=True)
class OpenState:
    is_open: bool
    reason: str
    """Why: "open", "closed_day", "closure", "before_open", "after_close", "break", "override", "hours_unknown"."""
    opens_at: datetime | None = None
    """When the shop next opens (when closed and known), within the coming week."""


def local_time(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(SEOUL)


def open_state(
    hours: Iterable[HoursLike] | Mapping[int, HoursLike],
    at: datetime,
    *,
    closures: Collection[date] = (),
    status_override: str | None = None,
    override_until: datetime | None = None,
    hours_known: bool = True,
) -> OpenState:
    """The shop's state at ``at``; an unexpired staff override wins over the weekly pattern.

    ``hours`` is the week's rows, or a weekday -> hours mapping (`week_of`) when asked many times.
    """
    now = local_time(at)
    if status_override and (override_until is None or override_until > at):
        if status_override == StatusOverride.OPEN:
            return OpenState(True, "override")
        return OpenState(False, "override")
    if not hours_known:
        return OpenState(False, "hours_unknown")
    by_day: Mapping[int, HoursLike] = hours if isinstance(hours, Mapping) else {row.weekday: row for row in hours}
    minute = now.hour * 60 + now.minute
    today = now.date()
    yesterday = today - timedelta(days=1)

    # Still inside yesterday's business day (after midnight)?
    previous = by_day.get(yesterday.weekday())
    if previous is not None and yesterday not in closures and minute + MINUTES_PER_DAY < previous.closes_at:
        state = _inside_day(previous, minute + MINUTES_PER_DAY, yesterday)
        if state.is_open or state.reason == "break":
            return state

    row = by_day.get(today.weekday())
    if today in closures:
        return OpenState(False, "closure", _next_opening(by_day, closures, today, minute))
    if row is None:
        return OpenState(False, "closed_day", _next_opening(by_day, closures, today, minute))
    if minute < row.opens_at:
        return OpenState(False, "before_open", _at(today, row.opens_at))
    if minute >= row.closes_at:
        return OpenState(False, "after_close", _next_opening(by_day, closures, today, minute))
    return _inside_day(row, minute, today)


def _inside_day(row: HoursLike, minute: int, business_day: date) -> OpenState:
    if row.break_start is not None and row.break_end is not None and row.break_start <= minute < row.break_end:
        return OpenState(False, "break", _at(business_day, row.break_end))
    return OpenState(True, "open")


def _next_opening(
    by_day: Mapping[int, HoursLike], closures: Collection[date], today: date, minute: int
) -> datetime | None:
    for offset in range(0, 8):
        day = today + timedelta(days=offset)
        row = by_day.get(day.weekday())
        if row is None or day in closures:
            continue
        if offset == 0 and minute >= row.opens_at:
            continue
        return _at(day, row.opens_at)
    return None


def _at(day: date, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SEOUL) + timedelta(minutes=minute)


def sold_at(available_from: int | None, available_until: int | None, at: datetime) -> bool:
    """Whether a menu item with these selling hours (minutes after local midnight) is sold at ``at``.

    Both unset: whenever the shop is open. One unset: from midnight, or until midnight. ``available_until`` past
    1440 runs into the next morning, as a shop's ``closes_at`` does.
    """
    if available_from is None and available_until is None:
        return True
    local = local_time(at)
    minute = local.hour * 60 + local.minute
    start = available_from or 0
    end = MINUTES_PER_DAY if available_until is None else available_until
    return start <= minute < end or minute < end - MINUTES_PER_DAY
