"""Which moment a search is for: now, a meal (점심 -> 12:30 unless lunch is under way), a clock time with its half of
the day worked out (저녁 7시 = 19:00, 아침 7시 = 07:00, a bare "7시" at noon = 19:00), on the day asked (내일, 모레,
토요일); and how to say that moment back ("내일 점심 12:30에", "지금").

The words come from ``dialogue.nlu.times`` (kept in the session as ``slots["time"]``); nothing here reads text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dialogue.nlu.times import WEEKDAYS, TimeAsked
from storage.hours import SEOUL, local_time

MEALS: dict[str, tuple[int, int, int]] = {
    "breakfast": (6 * 60, 10 * 60, 8 * 60),
    "lunch": (11 * 60, 14 * 60, 12 * 60 + 30),
    "dinner": (17 * 60, 21 * 60, 18 * 60 + 30),
    "late_night": (21 * 60, 27 * 60, 22 * 60 + 30),
}
"""Meal -> (window start, window end, the moment searched when the meal is still ahead), in minutes after midnight
(late_night runs past midnight). Inside the window the search is for now: "점심 뭐 먹지" at 13:10 means now."""
DEFAULT_MINUTE = 12 * 60 + 30
"""The moment of a day named alone ("내일 뭐 먹지", "토요일에 여는 데"): lunch."""
NOW_WITHIN = timedelta(minutes=15)
"""A moment this close to now is now: the reply says "지금"."""
PAST_GRACE = timedelta(minutes=30)
"""A clock time this little in the past still means today's ("12시에" at 12:20); earlier ones mean the next."""
_CLOCK_FIELDS = ("hour", "minute", "period", "delay_minutes", "all_day")
_DAY_FIELDS = ("day", "weekday", "weeks_ahead")
_PERIOD_OF_MEAL = {"breakfast": "am", "lunch": "noon", "dinner": "pm", "late_night": "night"}


@dataclass(frozen=True, slots=True)
class Moment:
    at: datetime
    """Aware, local (Asia/Seoul)."""
    later: bool
    """Not now: the reply says when ("내일 점심 12:30에") and "그때", not "지금"."""
    all_day: bool = False
    """Only shops open around the clock ("24시간 하는 데")."""


def time_slot(asked: TimeAsked) -> dict[str, Any]:
    """The reading as kept in the session's slots (plain JSON)."""
    return {name: value for name, value in asdict(asked).items() if value not in (None, False, 0)}


def from_slot(slot: dict[str, Any] | None) -> TimeAsked | None:
    if not slot:
        return None
    return TimeAsked(**{name: value for name, value in slot.items() if name in TimeAsked.__dataclass_fields__})


def merge_time(old: dict[str, Any] | None, new: TimeAsked | None, meal_time: str | None) -> dict[str, Any] | None:
    """The time slot after a message that said ``new`` and the meal ``meal_time`` (both None when unsaid): a day
    said replaces the day, a clock time or a meal said replaces the clock time (an old one was for another meal),
    and "지금" alone drops everything."""
    if meal_time == "now" and (new is None or not (new.has_day or new.has_clock)):
        return None
    kept = dict(old or {})
    if meal_time is not None or (new is not None and (new.has_clock or new.all_day)):
        for name in _CLOCK_FIELDS:
            kept.pop(name, None)
    if new is not None:
        if new.has_day:
            for name in _DAY_FIELDS:
                kept.pop(name, None)
        kept.update(time_slot(new))
    return kept or None


def moment(now: datetime, asked: TimeAsked | None, meal_time: str | None) -> Moment:
    """The moment to search for, from the time said (``asked``) and the meal of the conversation (``meal_time``)."""
    local = local_time(now)
    if asked is not None and asked.all_day:
        return Moment(local, later=False, all_day=True)
    if asked is not None and asked.delay_minutes is not None:
        return _moment(local, local + timedelta(minutes=asked.delay_minutes))
    day = asked_day(local.date(), asked)
    if asked is not None and asked.hour is not None:
        return _moment(local, _clock(local, day, asked, meal_time))
    meal = MEALS.get(meal_time or "")
    if meal is not None:
        start, end, usual = meal
        if day is None or day == local.date():
            minute = local.hour * 60 + local.minute
            if start <= minute < end or minute + 1440 < end:
                return Moment(local, later=False)  # lunch is under way (or it is 01:00, still late night)
            if day is None and minute >= start:
                day = local.date() + timedelta(days=1)
        return _moment(local, _at(day or local.date(), usual))
    if day is not None and day != local.date():
        return _moment(local, _at(day, DEFAULT_MINUTE))
    return Moment(local, later=False)


def _moment(now: datetime, at: datetime) -> Moment:
    """Now when ``at`` is close to now (or already past), else ``at``."""
    if at - now < NOW_WITHIN:
        return Moment(now, later=False)
    return Moment(at, later=True)


def asked_day(today: date, asked: TimeAsked | None) -> date | None:
    """The day ``asked`` names (내일, 토요일, 다음 주 월요일), or None when it names none."""
    if asked is None:
        return None
    if asked.day is not None:
        return today + timedelta(days=asked.day)
    if asked.weekday is not None:
        if asked.weeks_ahead:
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=asked.weeks_ahead)
            return monday + timedelta(days=asked.weekday)
        return today + timedelta(days=(asked.weekday - today.weekday()) % 7)
    return None


def _clock(now: datetime, day: date | None, asked: TimeAsked, meal_time: str | None) -> datetime:
    """The clock time asked, on ``day`` (or the next such time to come when no day was said)."""
    hour, minute = asked.hour or 0, asked.minute
    period = asked.period
    if period is None and meal_time in _PERIOD_OF_MEAL:
        hinted = _in_period(hour, _PERIOD_OF_MEAL[meal_time])
        window = MEALS[meal_time]
        # The meal of the conversation picks the half of the day only when the hour falls inside that meal
        # ("점심" before, then "1시" -> 13:00); "7시쯤" after a lunch search is not lunch at seven.
        if window[0] - 60 <= hinted * 60 + minute < window[1] + 60:
            period = _PERIOD_OF_MEAL[meal_time]
    if period is not None or hour > 12:
        return _next(now, day, [_in_period(hour, period) * 60 + minute])
    if day is not None and day != now.date():
        # A day ahead with a bare hour: the meal hours of that day (1-6 in the afternoon, 7-12 in the morning).
        return _at(day, (hour + 12 if 1 <= hour <= 6 else hour) * 60 + minute)
    hours = [12, 24] if hour == 12 else [hour, hour + 12] if hour else [0]
    return _next(now, day, [choice * 60 + minute for choice in hours])


def _next(now: datetime, day: date | None, minutes: list[int]) -> datetime:
    """The first of ``minutes`` (after midnight, may pass 24:00) on ``day``; with no day, the first still to come,
    today's or tomorrow's (or, past midnight, last night's "밤 1시")."""
    if day is not None:
        return _at(day, minutes[0])
    today = now.date()
    for offset in (-1, 0, 1):
        for minute in minutes:
            at = _at(today + timedelta(days=offset), minute)
            if at >= now - PAST_GRACE:
                return at
    return _at(today + timedelta(days=1), minutes[0])


def _in_period(hour: int, period: str | None) -> int:
    """The hour on a 24-hour clock (may be 24 or more: past midnight) for a said hour and half of the day."""
    if hour > 12 or period is None:
        return hour
    if period == "am":
        return hour % 12 if hour == 12 else hour
    if period == "dawn":
        return hour % 12
    if period == "pm":
        return hour if hour == 12 else hour + 12
    if period == "noon":
        return hour if hour >= 11 else hour + 12
    # night: 밤 9시 = 21:00, 밤 12시 = midnight, 밤 1시 = 01:00 of the next day
    return hour + 12 if hour >= 6 else hour + 24


def _at(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SEOUL) + timedelta(minutes=minutes)


def words(at: datetime, now: datetime) -> str:
    """The moment as the reply says it: "지금", "19:00에", "내일 점심 12:30에", "토요일 저녁 18:30에"."""
    at, now = local_time(at), local_time(now)
    if abs(at - now) < NOW_WITHIN:
        return "지금"
    days = (at.date() - now.date()).days
    day = day_words(at.date(), now.date())
    if 1 <= days and at.hour < 5:
        day = "" if days == 1 and now.hour >= 18 else day  # "밤 1시" asked at night is tonight's
    return f"{day}{meal_word(at.hour)}{at:%H:%M}에"


def day_words(day: date, today: date) -> str:
    """The day as a reply puts it before a time: "" for today, "내일 ", "모레 ", else the weekday ("토요일 ")."""
    days = (day - today).days
    return "" if days == 0 else "내일 " if days == 1 else "모레 " if days == 2 else f"{WEEKDAYS[day.weekday()]}요일 "


def meal_word(hour: int) -> str:
    """ "아침 ", "점심 ", "저녁 ", "밤 ", "새벽 " for the hour, or "" for the hours between meals."""
    if 6 <= hour < 10:
        return "아침 "
    if 11 <= hour < 14:
        return "점심 "
    if 17 <= hour < 21:
        return "저녁 "
    if hour >= 21 or hour < 2:
        return "밤 "
    if hour < 5:
        return "새벽 "
    return ""
