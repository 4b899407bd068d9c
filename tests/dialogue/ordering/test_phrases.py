"""Cart commands and questions read from the words alone (`dialogue.ordering.phrases`, the items of
`dialogue.nlu.menu`); which line or product they mean is the order service's business."""

from __future__ import annotations

import pytest

from dialogue.nlu.menu import menu_items, menu_pieces
from dialogue.ordering import phrases


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("치즈 추가", phrases.Extra("치즈")),
        ("베이컨 토핑 추가해줘", phrases.Extra("베이컨")),
        ("계란 올려줘", phrases.Extra("계란")),
        ("치즈 하나 추가요", phrases.Extra("치즈")),
        ("감튀 하나 추가", phrases.Extra("감튀")),  # a product after all, decided against the menu
        ("이거 추가", None),
        ("콜라 하나 더 추가", phrases.More("콜라")),
        ("베이컨토핑 빼줘", phrases.Remove("베이컨토핑")),
        ("콜라 생수로 바꿔줘", phrases.Change((("콜라", "생수"), (None, "콜라 생수")))),
    ],
)
def test_what_a_message_asks_the_cart_to_do(said: str, command: phrases.Command | None) -> None:
    assert phrases.command(said) == command


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("감자튀김 양념감자 칠리로 바꿔줘", ""),  # the side group is what changes, not a 포테이토 to add
        ("감자튀김 양념감자로 바꿔줘", ""),
        ("불고기버거 세트 하나 감자튀김 양념감자 칠리로 바꿔줘", "불고기버거 세트 하나"),
        ("새우버거 세트 하나 콜라 사이다로 바꿔줘", "새우버거 세트 하나"),
    ],
)
def test_the_items_a_message_adds_leave_out_its_changes(text: str, items: str) -> None:
    assert phrases.without_changes(text) == items


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("아 그럼 콜라 빼줘", phrases.Remove("콜라")),  # fillers are no part of a name
        ("음 저기 감자 좀 양념감자로 바꿔줘", phrases.Change((("감자", "양념감자"),))),
        ("네 개로 해줘", phrases.SetQuantity(None, 4)),  # "네" counts here, it is no "yes"
        ("불고기버거 세트 콜라 말고 사이다로", phrases.Change((("콜라", "사이다"),))),
        ("세트 음료 사이다로", phrases.Change((("음료", "사이다"),))),  # the group named is what changes
        ("그럼 그걸로 주세요", None),
    ],
)
def test_how_people_say_it(said: str, command: phrases.Command | None) -> None:
    assert phrases.command(said) == command


def test_a_set_and_its_drink_instead_of_another_add_only_the_set() -> None:
    assert phrases.without_changes("불고기버거 세트 콜라 말고 사이다로") == "불고기버거 세트"
    assert phrases.without_changes("불고기버거 세트 하나 음료 사이다로") == "불고기버거 세트 하나"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("아 그럼 불고기버거 세트로 할래", ["불고기버거 세트"]),
        ("음 치즈버거 먹고 싶어", ["치즈버거"]),
        ("저기 혹시 콜라 좀 하나만 주세요", ["콜라"]),
        ("음... 그럼, 치즈스틱이랑 콜라 시킬래", ["치즈스틱", "콜라"]),
        ("그걸로 주세요", []),
    ],
)
def test_fillers_and_wish_endings_leave_the_products(text: str, names: list[str]) -> None:
    assert [item["name"] for item in menu_items(text)] == names


def test_how_a_piece_was_said() -> None:
    """A drink right after a set, with no count and no joiner of its own, may be the set's drink."""
    pieces = menu_pieces("불고기버거 세트 하나 사이다로 그리고 콜라 두 개")
    assert [(p.name, p.quantity, p.counted, p.joined) for p in pieces] == [
        ("불고기버거 세트", 1, True, False),
        ("사이다", 1, False, False),
        ("콜라", 2, True, True),
    ]


@pytest.mark.parametrize(
    ("said", "question"),
    [
        ("맵나?", phrases.AskSpicy(None)),
        ("이거 매워?", phrases.AskSpicy(None)),
        ("혹시 치킨버거 매워요?", phrases.AskSpicy("치킨버거")),
        ("안 매워?", phrases.AskSpicy(None)),
        ("매운 거 먹고 싶어", None),
        ("매운 치킨버거 하나", None),
        ("제일 싼 거 뭐야?", phrases.AskCheapest(None)),
        ("가장 저렴한 세트는?", phrases.AskCheapest("set")),
        ("제일 싼 버거 뭐예요", phrases.AskCheapest("main")),
        ("제일 싼 데 어디야?", None),  # a place: the recommender's question
        ("얼마야?", phrases.AskTotal()),
        ("총 얼마야?", phrases.AskTotal()),
        ("다 해서 얼마예요?", phrases.AskTotal()),
        ("얼마 남았어?", None),
        ("이거 얼마야?", phrases.AskPrice(None)),
        ("치즈버거 세트 가격 얼마야", phrases.AskPrice("치즈버거 세트")),
        ("잔액 얼마야?", phrases.AskPrice("잔액")),  # no product: left to the balance by the answerer
        ("메뉴 보여줘", phrases.ShowMenu()),
        ("메뉴판", phrases.ShowMenu()),
        ("뭐 팔아?", phrases.ShowMenu()),
        ("메뉴 추천해줘", None),
        ("주문 들어갔어?", phrases.AskOrderStatus()),
        ("주문 됐어?", phrases.AskOrderStatus()),
        ("주문 접수됐나요?", phrases.AskOrderStatus()),
        ("주문할게", None),
        ("주문 취소할래", None),
        ("주문 어떻게 해?", None),
    ],
)
def test_questions_asked_while_ordering(said: str, question: phrases.Question | None) -> None:
    assert phrases.question(said) == question
