"""Korean money in the forms children type, and the numbers that are not money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogue.nlu.amounts import find_amounts, first_amount, parse_won, to_digits, to_hangul, to_mixed


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("5천원", 5000),
        ("오천원", 5000),
        ("5,000원", 5000),
        ("5000원", 5000),
        ("5000으로 뭐 먹지", 5000),
        ("만원", 10000),
        ("만 원", 10000),
        ("만 오천원", 15000),
        ("1.5만원", 15000),
        ("1만5천원", 15000),
        ("1만 5천원", 15000),
        ("칠천오백원", 7500),
        ("삼천 원", 3000),
        ("4500", 4500),
        ("2만원", 20000),
        ("천원", 1000),
        ("만원짜리 하나", 10000),
        ("이만원", 20000),
        ("3,500원 있어", 3500),
        ("5천 정도", 5000),
        ("오천으로 뭐 먹어", 5000),
        ("5천500원", 5500),
        ("천오백원", 1500),
        ("배고픈데 3000원밖에 없어", 3000),
        ("돈5천원 있음", 5000),
    ],
)
def test_money_forms(text: str, won: int) -> None:
    assert first_amount(text) == won


@pytest.mark.parametrize(
    "text",
    [
        "2명",
        "3개",
        "3시에 만나",
        "3월 5일",
        "12:30",
        "2024년",
        "010-1234-5678",
        "치킨 2마리",
        "천천히 먹어",
        "만 먹고 싶다",
        "이천에서 먹을 데",
        "사천짜장",
        "3인분",
        "5분 안에",
        "10명 단체",
        "100 원래",
    ],
)
def test_counts_times_and_dates_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_a_word_ending_in_man_does_not_start_an_amount() -> None:
    assert [a.value for a in find_amounts("치킨만 오천원")] == [5000]


def test_every_amount_in_order_with_spans() -> None:
    amounts = find_amounts("3천원 있는데 5천원짜리 먹고 싶어")
    assert [a.value for a in amounts] == [3000, 5000]
    assert amounts[0].text == "3천원" and amounts[0].explicit
    assert not find_amounts("4500으로")[0].explicit


def test_parse_won_rejects_disordered_units() -> None:
    assert parse_won("천천") is None
    assert parse_won("백천") is None
    assert parse_won("이삼") is None
    assert parse_won("1만5천") == 15000


def test_renderers() -> None:
    assert to_hangul(15000) == "만오천원"
    assert to_hangul(15000, spaced=True) == "만 오천원"
    assert to_hangul(27500) == "이만칠천오백원"
    assert to_mixed(15000) == "1만5천원"
    assert to_mixed(3500) == "3천500원"
    assert to_digits(15000) == "15,000원"


# A lone digit word before 원 is left alone (사원, 구원, 일원 are words), so Hangul amounts start at 10.
@given(st.integers(min_value=10, max_value=99_999_999), st.booleans())
def test_round_trip_hangul(won: int, spaced: bool) -> None:
    assert first_amount(to_hangul(won, spaced=spaced)) == won


@given(st.integers(min_value=1, max_value=99_999_999), st.booleans())
def test_round_trip_mixed(won: int, spaced: bool) -> None:
    assert first_amount(to_mixed(won, spaced=spaced) + "으로 뭐 먹지") == won


@given(st.integers(min_value=1, max_value=999_999_999), st.booleans())
def test_round_trip_digits(won: int, commas: bool) -> None:
    assert first_amount(f"{to_digits(won, commas=commas)} 있어") == won


@given(st.integers(min_value=100, max_value=99_999).map(lambda n: n * 10))
def test_bare_round_numbers_read_as_money_when_followed_by_a_money_particle(won: int) -> None:
    assert first_amount(f"{won}으로 뭐 먹지") == won
