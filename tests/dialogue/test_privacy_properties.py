"""Personal data is masked in every way people write it, and ordinary text with numbers is kept as written.

Generated numbers of each kind (phone, card, resident registration number), e-mail addresses and street addresses,
inside Korean sentences, must lose every digit and character of themselves; a corpus of near misses (quantities
after a word ending in 로, amounts, decimals, dates, ids) must come back unchanged.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from dialogue.privacy import (
    ADDRESS_TAG,
    CARD_TAG,
    EMAIL_TAG,
    PHONE_TAG,
    RRN_TAG,
    luhn_valid,
    mask_pii,
)

BEFORE = st.sampled_from(
    ["", "제 번호는 ", "연락처: ", "tel:", "엄마 폰 ", "(", "번호=", "이거요 ", "주민번호 ", "카드 "]
)
AFTER = st.sampled_from(["", "이에요", "로 연락 주세요", ".", ")", " 입니다", "!", ", 고마워요", "예요", " 맞아요?"])
SEPARATORS = st.sampled_from(["-", ".", " ", ""])


def _no_digits(text: str) -> bool:
    return not any(char.isdigit() for char in text)


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


# Phone numbers


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["010", "011", "016", "017", "018", "019"]))
    middle = draw(_digits(4) if prefix == "010" else st.one_of(_digits(3), _digits(4)))
    last = draw(_digits(4))
    first_sep, second_sep = draw(SEPARATORS), draw(SEPARATORS)
    if draw(st.booleans()):
        lead = draw(st.sampled_from(["+82 ", "+82-", "+82", "+82 (0)", "+82 0"]))
        return f"{lead}{prefix[1:]}{first_sep}{middle}{second_sep}{last}"
    return f"{prefix}{first_sep}{middle}{second_sep}{last}"


AREA_CODES = "02 031 032 033 041 042 043 044 051 052 053 054 055 061 062 063 064 070 080 0505".split()


@st.composite
def landline_numbers(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(AREA_CODES))
    middle = draw(st.one_of(_digits(3), _digits(4)))
    return f"{area}{draw(SEPARATORS)}{middle}{draw(SEPARATORS)}{draw(_digits(4))}"


@given(before=BEFORE, number=st.one_of(mobile_numbers(), landline_numbers()), after=AFTER)
@example(before="", number="010.1234.5678", after="")
@example(before="", number="010 1234 5678", after="")
@example(before="", number="01012345678", after="")
@example(before="", number="+82 10 1234 5678", after="")
def test_phone_numbers_are_masked_however_they_are_written(before: str, number: str, after: str) -> None:
    masked = mask_pii(before + number + after)
    assert masked == before + PHONE_TAG + after
    assert _no_digits(masked)


# Card numbers

_CARD_LAYOUTS: dict[int, list[tuple[int, ...]]] = {13: [(4, 4, 5)], 14: [(14,), (4, 6, 4)], 15: [(15,), (4, 6, 5)], 16: [(16,), (4, 4, 4, 4)],
                 19: [(19,), (4, 4, 4, 4, 3)]}  # fmt: skip


def _with_check_digit(body: str) -> str:
    return next(body + digit for digit in "0123456789" if luhn_valid(body + digit))


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from(sorted(_CARD_LAYOUTS)))
    layout = draw(st.sampled_from(_CARD_LAYOUTS[length]))
    digits = _with_check_digit(draw(st.sampled_from("234569")) + draw(_digits(length - 2)))
    groups, start = [], 0
    for size in layout:
        groups.append(digits[start : start + size])
        start += size
    text = groups[0]
    for group in groups[1:]:
        text += draw(st.sampled_from([" ", "-", "."])) + group
    # A run of round hundreds split by spaces is a list of amounts ("1000 2000 3000 4000"), not a card.
    assume(not (" " in text and all(word.endswith("00") for word in text.split(" "))))
    return text


@given(before=BEFORE, number=card_numbers(), after=AFTER)
@example(before="카드 ", number="4111 1111 1111 1111", after=" 거절")
@example(before="", number="4111.1111.1111.1111", after="")
@example(before="", number="3782-822463-10005", after="")
def test_card_numbers_that_pass_the_luhn_check_are_masked_with_any_separators(
    before: str, number: str, after: str
) -> None:
    masked = mask_pii(before + number + after)
    assert masked == before + CARD_TAG + after
    assert _no_digits(masked)


def test_a_card_printed_in_four_groups_is_masked_even_with_a_mistyped_digit() -> None:
    assert not luhn_valid("1234567890123456")
    assert mask_pii("카드 1234-5678-9012-3456 거절") == f"카드 {CARD_TAG} 거절"


# Resident registration numbers


@st.composite
def resident_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
    century = draw(st.sampled_from("1256" if born.year < 2000 else "3478"))  # 5-8: foreign residents
    separator = draw(st.sampled_from(["-", " ", ""]))
    return f"{born:%y%m%d}{separator}{century}{draw(_digits(6))}"


@given(before=BEFORE, number=resident_numbers(), after=AFTER)
@example(before="주민번호 ", number="900101-1234567", after="입니다")
@example(before="", number="0503153234567", after="")
@example(before="", number="900101-1******", after="")
def test_resident_registration_numbers_are_masked_with_or_without_the_dash(
    before: str, number: str, after: str
) -> None:
    masked = mask_pii(before + number + after)
    assert masked == before + RRN_TAG + after
    assert _no_digits(masked)


# E-mail


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}", fullmatch=True))
    labels = draw(st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True), min_size=1, max_size=3))
    return f"{local}@{'.'.join(labels)}.{draw(st.sampled_from(['com', 'net', 'kr', 'co.kr', 'org', 'io']))}"


@given(before=st.sampled_from(["", "메일은 ", "이메일: ", "(", "연락은"]), email=emails(), after=AFTER)
def test_email_addresses_are_masked(before: str, email: str, after: str) -> None:
    assert mask_pii(before + email + after) == before + EMAIL_TAG + after


# Street addresses

ROADS = st.sampled_from(["테헤란로", "세종대로", "판교역로", "중앙로", "해운대로", "올림픽로", "반포대로", "하늘길"])
AREAS = st.sampled_from(
    ["서울 강남구 ", "서울특별시 종로구 ", "부산 해운대구 ", "성남시 분당구 ", "경기 수원시 팔달구 "]
)


@st.composite
def building_numbers(draw: st.DrawFn) -> str:
    number = str(draw(st.integers(1, 999)))
    if draw(st.booleans()):
        number += f"-{draw(st.integers(1, 99))}"
    return number


@given(
    area=AREAS, road=ROADS, number=building_numbers(), after=st.sampled_from(["", "예요", "로 와 주세요", "에 있어요"])
)
def test_a_road_address_after_a_city_or_district_is_masked(area: str, road: str, number: str, after: str) -> None:
    masked = mask_pii(f"{area}{road} {number}{after}")
    assert masked == f"{area}{ADDRESS_TAG}{after}"


@given(
    road=ROADS,
    number=building_numbers(),
    form=st.sampled_from(
        ["주소는 {} 이에요", "우리 집은 {}", "{}에 살아요", "{} 3층", "{}, 101동 1203호", "{} (역삼동)", "저희 집 {}"]
    ),
)
def test_a_road_address_with_a_unit_or_a_word_that_says_address_is_masked(road: str, number: str, form: str) -> None:
    masked = mask_pii(form.format(f"{road} {number}"))
    assert ADDRESS_TAG in masked and _no_digits(masked), masked


@pytest.mark.parametrize(
    "text",
    ["중앙로12번길 34", "중앙로 12번길 34", "역삼동 123-45번지", "역삼동 123번지", "역삼동 123-45", "101동 1203호"],
)
def test_lanes_lot_numbers_and_apartment_units_are_addresses(text: str) -> None:
    masked = mask_pii(text)
    assert ADDRESS_TAG in masked and _no_digits(masked), masked


# Near misses: kept as written

NEAR_MISSES = [
    # a word ending in 로 (a particle or a drink's name) followed by a quantity
    "사이다로 2개",
    "사이다로 2개 주세요",
    "치즈로 1개만",
    "콜라로 2잔",
    "양념감자로 3개 바꿔줘",
    "제로콜라로 1",
    "이걸로 2 주세요",
    "큰 걸로 2개",
    "매운맛으로 3단계",
    "세트로 2개 할게요",
    "라지로 1 주세요",
    "2시로 5명 예약",
    "사이다로 2.5",
    "종로에서 2시에 만나",
    "테헤란로 맛집 추천해줘",
    "을지로 3가",
    "강남역 2번 출구",
    # amounts, quantities, decimals
    "1000 2000 3000 4000원",
    "1000 2000 3000 4000 원",
    "1200 1500 1800 2000",
    "10,000원",
    "12,500원 남았어요",
    "1,000,000,000,000,000원",
    "5천원으로 뭐 먹지?",
    "1.5만원",
    "치킨너겟 (8조각)",
    "불고기버거 세트 2개",
    "1+1 행사",
    "seconds=0.123456789012",
    "elapsed=12.345678901234567",
    "3.1415926535897932",
    "score 0.9876543210123",
    "took 0.0123456789012345s",
    # dates, times, versions, addresses of machines
    "2026-11-23 12:30",
    "2026.11.23",
    "2026-11-23T12:30:45.123456+09:00",
    "12:30~13:00",
    "2024년 3월 15일",
    "v1.2.3",
    "192.168.100.200",
    "127.0.0.1:8080",
    # ids and things that only look like personal numbers
    "주문번호 #1234",
    "order_id=20261123",
    "update_id=123456789",
    "chat_id=-1001234567890",
    "user_01012345678",
    "sha=4f0a1234567890123456abc",
    "010-1234",
    "123456-1234567",  # no 34th month
    "900101-9234567",  # no 9th century digit here
    "1234567890123456",  # 16 digits that fail the Luhn check, unprinted
    "저는 떡볶이 좋아해요",
    "저는 학생이에요",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_kept_as_written(text: str) -> None:
    assert mask_pii(text) == text


MENU = st.sampled_from(["사이다", "치즈", "콜라", "양념감자", "제로콜라", "불고기", "새우", "감자", "라지", "세트"])
COUNTERS = st.sampled_from(["개", "잔", "병", "캔", "명", "인분", "세트", "조각", "개만", "개요", "개 주세요", "개로"])


@given(word=MENU, particle=st.sampled_from(["로", "으로"]), count=st.integers(1, 99), counter=COUNTERS)
def test_a_word_ending_in_ro_then_a_quantity_is_kept(word: str, particle: str, count: int, counter: str) -> None:
    text = f"{word}{particle} {count}{counter}"
    assert mask_pii(text) == text


@given(amounts=st.lists(st.integers(1, 999).map(lambda n: n * 100), min_size=2, max_size=6), won=st.booleans())
def test_a_list_of_amounts_is_kept(amounts: list[int], won: bool) -> None:
    text = " ".join(map(str, amounts)) + ("원" if won else "")
    assert mask_pii(text) == text


@given(amount=st.integers(0, 10**15), grouped=st.booleans(), unit=st.sampled_from(["원", "개", "만원", " 원"]))
def test_amounts_are_kept(amount: int, grouped: bool, unit: str) -> None:
    text = (f"{amount:,}" if grouped else str(amount)) + unit
    assert mask_pii(text) == text


@given(value=st.floats(min_value=0, max_value=1e6, allow_nan=False), name=st.sampled_from(["seconds", "t", "ratio"]))
def test_decimals_in_log_lines_are_kept(value: float, name: str) -> None:
    for text in (f"{name}={value!r}", f"{name}={value:.12f}", f"{name}={value:.17f}s"):
        assert mask_pii(text) == text


@given(chat=st.integers(10**9, 10**10 - 1))
def test_telegram_group_ids_are_kept(chat: int) -> None:
    text = f"chat_id=-100{chat}"
    assert mask_pii(text) == text


@given(
    parts=st.lists(
        st.one_of(mobile_numbers(), card_numbers(), resident_numbers(), emails(), st.sampled_from(NEAR_MISSES)),
        max_size=5,
    )
)
def test_masking_twice_changes_nothing_more(parts: list[str]) -> None:
    once = mask_pii(" 그리고 ".join(parts))
    assert mask_pii(once) == once
