"""The moment a message names, as said: days, clock times with the word before them, delays, around the clock."""

from __future__ import annotations

import pytest

from dialogue.nlu.times import TimeAsked, find_time
from dialogue.nlu.understander import OfflineNLU


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("저녁 7시쯤 뭐 먹지?", TimeAsked(hour=7, period="pm")),
        ("아침 7시에 먹을 데", TimeAsked(hour=7, period="am")),
        ("7시쯤", TimeAsked(hour=7)),
        ("오후 1시 반에 갈래", TimeAsked(hour=1, minute=30, period="pm")),
        ("19:30에 열린 곳", TimeAsked(hour=19, minute=30)),
        ("3시 20분", TimeAsked(hour=3, minute=20)),
        ("한시쯤 점심", TimeAsked(hour=1)),
        ("새벽 2시에 여는 곳", TimeAsked(hour=2, period="dawn")),
        ("밤 12시", TimeAsked(hour=12, period="night")),
        ("저녁에 한 7시쯤", TimeAsked(hour=7, period="pm")),
        ("내일 점심 뭐 먹지", TimeAsked(day=1)),
        ("낼 뭐먹지", TimeAsked(day=1)),
        ("모레 저녁", TimeAsked(day=2)),
        ("내일모레", TimeAsked(day=2)),
        ("토욜에 여는 데", TimeAsked(weekday=5)),
        ("다음 주 월요일 점심", TimeAsked(weekday=0, weeks_ahead=1)),
        ("주말에 갈 데", TimeAsked(weekday=5)),
        ("1시간 뒤에 먹을 곳", TimeAsked(delay_minutes=60)),
        ("30분 후에", TimeAsked(delay_minutes=30)),
        ("24시간 하는 데", TimeAsked(all_day=True)),
        ("24시 편의점", TimeAsked(all_day=True)),
    ],
)
def test_time_words_are_read_as_said(text: str, expected: TimeAsked) -> None:
    assert find_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "치킨 2마리 시켜줘",
        "세 시간 동안 기다렸어",
        "몇 시까지 해?",
        "10시까지 하는 데",
        "내가 낼게",
        "시험 끝나고",
        "5천원으로 뭐 먹지",
    ],
)
def test_other_words_with_si_are_no_time(text: str) -> None:
    assert find_time(text) is None


def test_a_bare_time_after_a_search_keeps_the_search_and_carries_the_time(nlu: OfflineNLU) -> None:
    later = nlu.parse("7시쯤은?", ["치킨 먹고 싶어"])
    assert later.intent == "food_request"
    assert later.time == TimeAsked(hour=7)
    tomorrow = nlu.parse("내일은?", ["5천원으로 뭐 먹지"])
    assert tomorrow.intent == "budget_inquiry" and tomorrow.time == TimeAsked(day=1)


def test_the_time_is_no_spec_entity(nlu: OfflineNLU) -> None:
    """The spec's entities stay as they were: the meal word is meal_time; the clock time lives apart."""
    understood = nlu.parse("내일 저녁 7시쯤 치킨 먹고 싶어")
    assert understood.entities == {"food_type": "치킨", "meal_time": "dinner"}
    assert understood.time == TimeAsked(day=1, hour=7, period="pm")
