"""kkini's own meal-card FAQ: enough entries, well linked, in Korean, already clean, and true to the known facts."""

from __future__ import annotations

import re

import pytest

from knowledge.corpus.clean import RawFaq, clean_entry, sentences
from knowledge.corpus.meal_faq import MEAL_COLLECTION, build_entries, meal_faq
from knowledge.corpus.meal_items import MealFaqItem
from knowledge.types import FaqEntry

HANGUL = re.compile("[가-힣]")
LETTER = re.compile(r"[^\W\d_]")


@pytest.fixture(scope="module")
def entries() -> list[FaqEntry]:
    return meal_faq()


def by_question(entries: list[FaqEntry], fragment: str) -> FaqEntry:
    [entry] = [entry for entry in entries if fragment in entry.question]
    return entry


def test_there_are_at_least_45_entries_with_unique_questions(entries: list[FaqEntry]) -> None:
    assert len(entries) >= 45
    assert len({entry.id for entry in entries}) == len(entries)
    assert all(entry.id == entry.question and entry.collection == MEAL_COLLECTION == "meal" for entry in entries)


def test_related_ids_are_other_meal_entries(entries: list[FaqEntry]) -> None:
    ids = {entry.id for entry in entries}

    assert all(entry.related and set(entry.related) <= ids - {entry.id} for entry in entries)
    assert all(len(set(entry.related)) == len(entry.related) for entry in entries)


def test_every_entry_is_korean_with_two_to_five_sentences_and_a_tag(entries: list[FaqEntry]) -> None:
    for entry in entries:
        letters = LETTER.findall(entry.question + entry.answer)
        assert len(HANGUL.findall(entry.question + entry.answer)) / len(letters) > 0.9, entry.id
        assert 2 <= len(sentences(entry.answer)) <= 5, entry.id
        assert entry.tags and all(tag and "[" not in tag for tag in entry.tags), entry.id


def test_entries_are_already_clean(entries: list[FaqEntry]) -> None:
    for entry in entries:
        cleaned = clean_entry(RawFaq(entry.question, entry.answer), MEAL_COLLECTION).entry
        assert (cleaned.question, cleaned.answer) == (entry.question, entry.answer)


def test_the_topics_the_assistant_needs_are_covered(entries: list[FaqEntry]) -> None:
    tags = {tag for entry in entries for tag in entry.tags}

    assert {"사용방법", "사용처", "한도", "잔액", "카드문제", "끼니기능", "알림", "주문", "개인정보", "마음"} <= tags


@pytest.mark.parametrize(
    ("fragment", "facts"),
    [
        ("서울 꿈나무카드는 한 끼", ["9,500원", "2025년", "9,000원"]),
        ("하루에 몇 번", ["세 끼", "27,000원", "28,500원"]),
        ("춘천이나 경기도", ["10,000원", "G드림카드", "7,000원"]),
        ("서울에서는 어떤 가게", ["한식", "양식", "중식", "일식", "일반대중음식", "편의점", "패스트푸드", "제과점"]),
        ("살 수 없는 건", ["술", "담배", "복권", "상품권"]),
        ("편의점에서 과자만", ["3,000원", "4,000원"]),
        ("잃어버렸어요", ["주민센터"]),
        ("정지됐다고", ["주민센터"]),
        ("유효기간", ["주민센터"]),
        ("알림을 그만", ["알림 꺼줘"]),
        ("대화 기록은 얼마나", ["365일", "7일"]),
        ("감자튀김이나 콜라", ["양념감자", "600원", "사이다"]),
        ("햄버거 세트", ["감자튀김", "콜라"]),
        ("친구들이 알까 봐", ["부끄러운 일이 아니에요"]),
    ],
)
def test_answers_state_the_public_facts(entries: list[FaqEntry], fragment: str, facts: list[str]) -> None:
    answer = by_question(entries, fragment).answer

    assert [fact for fact in facts if fact not in answer] == []


def test_region_dependent_answers_send_the_child_to_the_community_centre(entries: list[FaqEntry]) -> None:
    hedged = [entry for entry in entries if "지역마다" in entry.answer]

    assert len(hedged) >= 8
    assert all(re.search("주민센터|카드마다|가게에 물어", entry.answer) for entry in hedged)


def test_build_entries_refuses_broken_links_and_repeats() -> None:
    item = MealFaqItem("a", "질문?", "답이에요. 그래요.", ("태그",), ("a",))

    with pytest.raises(ValueError, match="unknown or own keys"):
        build_entries([item], "meal")
    with pytest.raises(ValueError, match="unknown or own keys"):
        build_entries([MealFaqItem("a", "질문?", "답.", ("태그",), ("없음",))], "meal")
    with pytest.raises(ValueError, match="used twice"):
        build_entries([MealFaqItem("a", "하나?", "답.", ()), MealFaqItem("a", "둘?", "답.", ())], "meal")
    with pytest.raises(ValueError, match="written twice"):
        build_entries([MealFaqItem("a", "하나?", "답.", ()), MealFaqItem("b", "하나?", "답.", ())], "meal")
