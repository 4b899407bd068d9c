"""Which moment a search is for, and how the reply says it: 저녁 7시 = 19:00, 아침 7시 = 07:00, 내일 점심 = tomorrow."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialogue.handlers.shop_hours import day_hours
from dialogue.nlu.times import TimeAsked
from dialogue.recommend.recommender import recommend_in
from dialogue.recommend.when import from_slot, merge_time, moment, time_slot, words
from storage.hours import DayHours
from tests.dialogue.recommend.builders import MONDAY, at, query, shop, snapshot, week

NOON = at("12:30")


def _at(asked: TimeAsked | None, now: datetime = NOON, meal: str | None = None) -> str:
    found = moment(now, asked, meal)
    return f"{found.at:%a %H:%M}" + (" later" if found.later else "")


@pytest.mark.parametrize(
    ("asked", "meal", "now", "expected"),
    [
        (TimeAsked(hour=7, period="pm"), "dinner", NOON, "Mon 19:00 later"),  # 저녁 7시쯤
        (TimeAsked(hour=7, period="am"), "breakfast", at("15:30"), "Tue 07:00 later"),  # 아침 7시, afternoon
        (TimeAsked(hour=7), "lunch", NOON, "Mon 19:00 later"),  # "7시쯤" after a lunch search
        (TimeAsked(hour=7), None, at("06:10"), "Mon 07:00 later"),
        (TimeAsked(hour=1), "lunch", at("11:00"), "Mon 13:00 later"),
        (TimeAsked(hour=12), None, at("12:20"), "Mon 12:20"),  # now
        (TimeAsked(hour=1, period="night"), None, at("22:00"), "Tue 01:00 later"),
        (TimeAsked(hour=2, period="dawn"), None, at("23:00"), "Tue 02:00 later"),
        (TimeAsked(hour=19, minute=30), None, NOON, "Mon 19:30 later"),
        (TimeAsked(day=1), "lunch", NOON, "Tue 12:30 later"),  # 내일 점심
        (TimeAsked(day=2), "dinner", NOON, "Wed 18:30 later"),  # 모레 저녁
        (TimeAsked(day=1), None, NOON, "Tue 12:30 later"),  # 내일 alone: its lunch
        (TimeAsked(day=1, hour=7), None, NOON, "Tue 07:00 later"),
        (TimeAsked(weekday=5), None, NOON, "Sat 12:30 later"),
        (TimeAsked(weekday=0, weeks_ahead=1), "lunch", NOON, "Mon 12:30 later"),
        (TimeAsked(delay_minutes=60), None, NOON, "Mon 13:30 later"),
        (None, "lunch", at("13:10"), "Mon 13:10"),  # lunch under way: now
        (None, "lunch", at("15:00"), "Tue 12:30 later"),
        (None, "dinner", NOON, "Mon 18:30 later"),
        (None, "late_night", at("01:00"), "Mon 01:00"),
        (TimeAsked(all_day=True), "late_night", NOON, "Mon 12:30"),
    ],
)
def test_the_moment_asked(asked: TimeAsked | None, meal: str | None, now: datetime, expected: str) -> None:
    assert _at(asked, now, meal) == expected


def test_a_day_other_than_today_checks_that_days_hours() -> None:
    """A shop closed on Tuesdays is not shown for "내일 점심" asked on a Monday, though it is open now."""
    catalogue = snapshot(
        shop(1, ("김밥", 3000), name="월요분식", hours=week("10:00", "21:00", days=(0, 2, 3, 4, 5, 6))),
        shop(2, ("국밥", 4000), name="매일국밥"),
    )
    tomorrow = moment(NOON, TimeAsked(day=1), "lunch")
    result = recommend_in(catalogue, query(at=tomorrow.at, later=tomorrow.later))
    assert [item.shop_name for item in result.items] == ["매일국밥"]
    assert result.items[0].reasons[0] == "그때 영업 중 (21:00까지)"
    today = recommend_in(catalogue, query(at=NOON))
    assert {item.shop_name for item in today.items} == {"월요분식", "매일국밥"}
    assert all(item.reasons[0].startswith("지금 영업 중") for item in today.items)


def test_around_the_clock_keeps_only_shops_that_never_close() -> None:
    catalogue = snapshot(
        shop(1, ("김밥", 3000), name="늦게분식", hours=week("10:00", "23:00")),
        shop(2, ("국밥", 4000), name="24시국밥", hours=week("00:00", "24:00")),
    )
    result = recommend_in(catalogue, query(at=at("22:45"), all_day=True))
    assert [(item.shop_name, item.reasons[0]) for item in result.items] == [("24시국밥", "24시간 영업")]
    nothing = recommend_in(snapshot(catalogue.shops[1]), query(at=at("22:45"), all_day=True))
    assert nothing.empty_reason == "근처 1.2km 안에 24시간 여는 가게가 없어요"


def test_nothing_open_for_the_food_says_when_it_opens() -> None:
    catalogue = snapshot(
        shop(1, ("짜장면", 6000), category="중식", name="영빈반점", hours=week("11:00", "21:00")),
        shop(2, ("김밥", 3000), name="밤분식", hours=week("10:00", "26:00")),
    )
    result = recommend_in(catalogue, query(at=at("23:00"), food=("중식",)))
    assert result.first_opening is not None
    assert (result.first_opening.shop_name, f"{result.first_opening.at:%d %H:%M}") == ("영빈반점", "24 11:00")


def test_the_time_slot_keeps_the_day_and_replaces_the_clock() -> None:
    slot = merge_time(None, TimeAsked(day=1, hour=7, period="pm"), "dinner")
    assert from_slot(slot) == TimeAsked(day=1, hour=7, period="pm")
    lunch = merge_time(slot, None, "lunch")  # "점심은?": still tomorrow, no longer 7 o'clock
    assert lunch == time_slot(TimeAsked(day=1))
    assert merge_time(lunch, TimeAsked(hour=1), None) == {"day": 1, "hour": 1}
    assert merge_time(lunch, None, "now") is None  # "지금"
    assert merge_time(lunch, None, None) == lunch


def test_the_moment_in_words() -> None:
    assert words(at("12:35"), NOON) == "지금"
    assert words(at("19:00"), NOON) == "저녁 19:00에"
    assert words(at("12:30", MONDAY.replace(day=24)), NOON) == "내일 점심 12:30에"
    assert words(at("18:30", MONDAY.replace(day=28)), NOON) == "토요일 저녁 18:30에"
    assert words(at("01:00", MONDAY.replace(day=24)), at("22:00")) == "밤 01:00에"


def test_a_shop_open_around_the_clock_is_said_so() -> None:
    assert day_hours(DayHours(0, 0, 1440)) == "24시간"
    assert day_hours(DayHours(0, 660, 1260, 900, 1020)) == "11:00~21:00 (쉬는 시간 15:00~17:00)"
    assert day_hours(DayHours(0, 1080, 1560)) == "18:00~02:00"
