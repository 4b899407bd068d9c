"""Quiet hours: pushes written or due inside the window wait until it ends (Asia/Seoul)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from storage.hours import SEOUL, local_time

Window = tuple[time, time]


def in_quiet_hours(moment: datetime, window: Window | None) -> bool:
    """Whether ``moment`` falls in the window; a window may run past midnight (21:00-08:00)."""
    if window is None:
        return False
    start, end = window
    if start == end:
        return False
    now = local_time(moment).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end


def release_time(moment: datetime, window: Window | None) -> datetime:
    """When a push written at ``moment`` may go out: ``moment`` itself, or the end of the quiet window."""
    if not in_quiet_hours(moment, window):
        return moment
    assert window is not None
    start, end = window
    local = local_time(moment)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=SEOUL)
