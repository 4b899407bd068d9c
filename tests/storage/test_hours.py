"""Opening hours: break times, closed days, closures, overnight hours and staff overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from storage.hours import SEOUL, open_state
from storage.models import ShopHours

# 2026-11-23 is a Monday.
MONDAY = date(2026, 11, 23)


def at(day: date, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SEOUL)


def week(opens: int, closes: int, *, days: range = range(7), brk: tuple[int, int] | None = None) -> list[ShopHours]:
    return [
        ShopHours(
            shop_id=1,
            weekday=day,
            opens_at=opens,
            closes_at=closes,
            break_start=brk[0] if brk else None,
            break_end=brk[1] if brk else None,
        )
        for day in days
    ]


def test_open_inside_hours_and_closed_outside() -> None:
    hours = week(11 * 60, 21 * 60)
    assert open_state(hours, at(MONDAY, "11:00")).is_open
    assert open_state(hours, at(MONDAY, "20:59")).is_open
    before = open_state(hours, at(MONDAY, "10:59"))
    assert not before.is_open and before.reason == "before_open" and before.opens_at == at(MONDAY, "11:00")
    after = open_state(hours, at(MONDAY, "21:00"))
    assert not after.is_open and after.reason == "after_close"
    assert after.opens_at == at(MONDAY + timedelta(days=1), "11:00")


def test_break_time_closes_and_says_when_it_ends() -> None:
    hours = week(11 * 60, 21 * 60, brk=(15 * 60, 17 * 60))
    state = open_state(hours, at(MONDAY, "15:30"))
    assert not state.is_open and state.reason == "break" and state.opens_at == at(MONDAY, "17:00")
    assert open_state(hours, at(MONDAY, "17:00")).is_open
    assert open_state(hours, at(MONDAY, "14:59")).is_open


def test_weekday_without_hours_is_a_closed_day() -> None:
    hours = week(9 * 60, 18 * 60, days=range(1, 7))  # closed on Mondays
    state = open_state(hours, at(MONDAY, "12:00"))
    assert not state.is_open and state.reason == "closed_day"
    assert state.opens_at == at(MONDAY + timedelta(days=1), "09:00")


def test_dated_closure_closes_that_day_only() -> None:
    hours = week(9 * 60, 18 * 60)
    state = open_state(hours, at(MONDAY, "12:00"), closures={MONDAY})
    assert not state.is_open and state.reason == "closure"
    assert open_state(hours, at(MONDAY + timedelta(days=1), "12:00"), closures={MONDAY}).is_open


def test_overnight_hours_run_into_the_next_morning() -> None:
    hours = week(18 * 60, 26 * 60, days=range(4, 5))  # Friday 18:00 to Saturday 02:00
    friday = MONDAY + timedelta(days=4)
    saturday = friday + timedelta(days=1)
    assert open_state(hours, at(friday, "23:30")).is_open
    assert open_state(hours, at(saturday, "01:59")).is_open
    assert not open_state(hours, at(saturday, "02:00")).is_open
    # A closure of the Friday also ends the Friday night's hours after midnight.
    assert not open_state(hours, at(saturday, "01:00"), closures={friday}).is_open


def test_override_wins_until_it_expires() -> None:
    hours = week(9 * 60, 18 * 60)
    noon = at(MONDAY, "12:00")
    closed = open_state(hours, noon, status_override="closed", override_until=noon + timedelta(hours=1))
    assert not closed.is_open and closed.reason == "override"
    assert open_state(hours, noon, status_override="closed", override_until=noon - timedelta(minutes=1)).is_open
    assert not open_state(hours, noon, status_override="break").is_open
    assert open_state(hours, at(MONDAY, "23:00"), status_override="open").is_open


def test_unknown_hours_are_never_reported_open() -> None:
    state = open_state([], at(MONDAY, "12:00"), hours_known=False)
    assert not state.is_open and state.reason == "hours_unknown"


def test_time_is_read_in_seoul_whatever_the_zone_given() -> None:
    hours = week(11 * 60, 21 * 60)
    utc_noon_seoul = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
    assert open_state(hours, utc_noon_seoul).is_open


day_rows = st.builds(
    lambda weekday, opens, length, brk: ShopHours(
        shop_id=1,
        weekday=weekday,
        opens_at=opens,
        closes_at=opens + length,
        break_start=(opens + brk[0]) if brk and brk[0] + brk[1] < length else None,
        break_end=(opens + brk[0] + brk[1]) if brk and brk[0] + brk[1] < length else None,
    ),
    st.integers(0, 6),
    st.integers(0, 1439),
    st.integers(30, 1200),
    st.none() | st.tuples(st.integers(10, 300), st.integers(10, 180)),
)


@given(
    rows=st.lists(day_rows, max_size=7, unique_by=lambda row: row.weekday),
    minute_of_week=st.integers(0, 7 * 1440 - 1),
    closed=st.sets(st.integers(0, 7), max_size=3),
)
def test_open_state_agrees_with_a_direct_reading_of_the_hours(
    rows: list[ShopHours], minute_of_week: int, closed: set[int]
) -> None:
    """Open exactly when some business day (today's or yesterday's, running past midnight) covers the minute."""
    moment = at(MONDAY, "00:00") + timedelta(minutes=minute_of_week)
    closures = {MONDAY + timedelta(days=offset - 1) for offset in closed}
    state = open_state(rows, moment, closures=closures)

    expected = False
    for back in (0, 1):
        business_day = moment.date() - timedelta(days=back)
        row = next((r for r in rows if r.weekday == business_day.weekday()), None)
        if row is None or business_day in closures:
            continue
        minute = moment.hour * 60 + moment.minute + back * 1440
        in_hours = row.opens_at <= minute < row.closes_at
        in_break = (
            row.break_start is not None and row.break_end is not None and row.break_start <= minute < row.break_end
        )
        expected = expected or (in_hours and not in_break)
    assert state.is_open == expected
    if not state.is_open and state.opens_at is not None:
        assert state.opens_at > moment
