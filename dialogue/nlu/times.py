"""The moment a message asks about, as said: a day (오늘, 내일, 모레, 토요일, 다음 주 월요일), a clock time (7시, 저녁
7시쯤, 오후 1시 반, 19:30), a delay (1시간 뒤) or around the clock (24시간).

``find_time`` only reads the words; which 7 o'clock is meant (07:00 or 19:00) depends on the moment the message
is sent and on the meal the conversation is about, and is worked out by ``dialogue.recommend.when``. The reading is
kept apart from the spec's entities (``Understanding.time``): ../shared/spec/nlu.md has no time entity, and the
meal word itself stays ``meal_time``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.nlu.lexicon import NATIVE_NUMBERS

PERIODS = {
    "오전": "am",
    "아침": "am",
    "새벽": "dawn",
    "오후": "pm",
    "저녁": "pm",
    "점심": "noon",
    "낮": "noon",
    "밤": "night",
    "늦은 밤": "night",
    "늦은밤": "night",
}
"""Words said just before an hour, and the half of the day they put it in."""
_HOUR_WORDS = {word: value for word, value in NATIVE_NUMBERS.items() if value <= 12}
"""한 시 ... 열두 시: the native numbers an hour is said with (the odd "셋 시" costs nothing)."""
_HOUR_ALT = "|".join(sorted(_HOUR_WORDS, key=len, reverse=True))
_PERIOD_ALT = "|".join(sorted(PERIODS, key=len, reverse=True))
# "시" followed by these is another word (시간, 시켜, 시작, 시험 ...), not o'clock.
_NOT_OCLOCK = r"(?!간|키|켜|킬|킨|작|험|즌|청|장|식|도|리|계|민|내|골|급|절|대|점|외|설|각|선|스|트|합|야|공)"
_CLOCK = re.compile(
    rf"(?<![\d가-힣])(?:(?P<period>{_PERIOD_ALT}) ?)?(?P<hour>\d{{1,2}}|{_HOUR_ALT}) ?시{_NOT_OCLOCK}"
    r"(?: ?(?P<half>반)(?=[^가-힣]|$|에|쯤|까|부|경|정|이|넘)| ?(?P<minute>\d{1,2}) ?분)?"
)
_DIGITAL = re.compile(
    rf"(?<![\d:])(?:(?P<period>{_PERIOD_ALT}) ?)?(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:])"
)
# "7시까지 하는 데" asks how late a shop is open, not about a moment: such an hour is not read as one.
_UNTIL = re.compile(r"^ ?(?:까지|전까지|이전)")
_DELAY = re.compile(
    r"(?<![\d가-힣])(?P<n>\d{1,2}|한|두|세) ?(?P<unit>시간|분) ?(?:뒤|후|있다가|이따|지나서|쯤 ?(?:뒤|후|있다가))"
)
_ALL_DAY = re.compile(r"24 ?시(?:간)?|24h|하루 ?종일 ?(?:하|열|영업)|밤새 ?(?:하|열|영업)|연중 ?무휴|안 ?닫는")
_DAYS = (
    (re.compile(r"(?:내일|낼) ?모레|(?<![가-힣])모레"), 2),
    (re.compile(r"글피"), 3),
    (re.compile(r"내일|(?<![가-힣])낼(?= |$|은|도|아침|점심|저녁|밤)|다음 ?날"), 1),
    (re.compile(r"오늘|금일"), 0),
)
_WEEKDAY = re.compile(
    r"(?:(?P<week>이번 ?주|금주|담주|다음 ?주|다다음 ?주) ?)?(?:(?P<day>[월화수목금토일]) ?(?:요일|욜)|(?P<weekend>주말))"
)
WEEKDAYS = "월화수목금토일"
SPOKEN = re.compile(
    "(?:"
    + "|".join(
        re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)
        for pattern in (_DIGITAL, _CLOCK, _DELAY, _ALL_DAY, _WEEKDAY, *(pattern for pattern, _ in _DAYS))
    )
    + r")(?: ?(?:쯤|경|정도|이후|넘어서|부터|에|께|날))*"
)
"""Any time expression with its trailing 쯤/에: what a follow-up such as "내일 7시쯤은?" is made of."""


@dataclass(frozen=True, slots=True)
class TimeAsked:
    """A moment as the message says it; every field is None (or False) when not said."""

    day: int | None = None
    """Days after today: 0 오늘, 1 내일, 2 모레."""
    weekday: int | None = None
    """0 Monday ... 6 Sunday ("토요일", "주말" -> 5)."""
    weeks_ahead: int = 0
    """1 for "다음 주 월요일", 2 for "다다음 주"; 0 for this week (or unsaid)."""
    hour: int | None = None
    """As said: 7 for "7시" and "저녁 7시", 19 for "19시"; ``period`` or the context decides the half of the day."""
    minute: int = 0
    period: str | None = None
    """"am", "pm", "noon", "night" or "dawn" when a word before the hour says so (오전, 저녁 ...)."""
    delay_minutes: int | None = None
    """"1시간 뒤" -> 60."""
    all_day: bool = False
    """"24시간 하는 데": a shop open around the clock."""

    @property
    def has_day(self) -> bool:
        return self.day is not None or self.weekday is not None

    @property
    def has_clock(self) -> bool:
        return self.hour is not None or self.delay_minutes is not None


def find_time(text: str) -> TimeAsked | None:
    """The moment ``text`` (the matching form) names, or None when it names none.

    >>> find_time("내일 저녁 7시쯤 뭐 먹지")
    TimeAsked(day=1, weekday=None, weeks_ahead=0, hour=7, minute=0, period='pm', delay_minutes=None, all_day=False)
    """
    all_day = bool(_ALL_DAY.search(text))
    day = _day(text)
    weekday, weeks = _weekday(text)
    hour, minute, period = (None, 0, None) if all_day else _clock(text)
    delay = None if all_day or hour is not None else _delay(text)
    if day is None and weekday is None and hour is None and delay is None and not all_day:
        return None
    return TimeAsked(day, weekday, weeks, hour, minute, period, delay, all_day)


def _day(text: str) -> int | None:
    for pattern, offset in _DAYS:
        if pattern.search(text):
            return offset
    return None


def _weekday(text: str) -> tuple[int | None, int]:
    match = _WEEKDAY.search(text)
    if match is None:
        return None, 0
    week = (match.group("week") or "").replace(" ", "")
    weeks = 2 if week.startswith("다다음") else 1 if week in {"담주", "다음주"} else 0
    if match.group("weekend"):
        return 5, weeks
    return WEEKDAYS.index(match.group("day")), weeks


def _clock(text: str) -> tuple[int | None, int, str | None]:
    for pattern in (_DIGITAL, _CLOCK):
        for match in pattern.finditer(text):
            if _UNTIL.match(text[match.end() :]):
                continue
            raw = match.group("hour")
            hour = int(raw) if raw.isdigit() else _HOUR_WORDS[raw]
            if hour > 24:
                continue
            minute = 30 if match.groupdict().get("half") else int(match.group("minute") or 0)
            if minute >= 60:
                continue
            said = match.group("period")
            return hour, minute, PERIODS[said] if said else _period_before(text, match.start())
    return None, 0, None


def _period_before(text: str, start: int) -> str | None:
    """The period word a little before the hour ("저녁에 한 7시쯤"): within the two words before it."""
    before = text[max(0, start - 8) : start]
    found = [(before.rfind(word), period) for word, period in PERIODS.items() if word in before]
    return max(found)[1] if found else None


def _delay(text: str) -> int | None:
    match = _DELAY.search(text)
    if match is None:
        return None
    raw = match.group("n")
    amount = int(raw) if raw.isdigit() else _HOUR_WORDS[raw]
    return amount * 60 if match.group("unit") == "시간" else amount
