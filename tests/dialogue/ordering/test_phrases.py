"""Cart commands read from the words alone (`dialogue.ordering.phrases`); which line or product they mean is the
order service's business."""

from __future__ import annotations

import pytest

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
