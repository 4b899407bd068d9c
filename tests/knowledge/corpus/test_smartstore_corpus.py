"""The real SmartStore FAQ through loader and cleaning: the counts the data README states, and invariants."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from knowledge.corpus.clean import CleanedFaq, RawFaq, chunk, clean_entry, link_related, match_key, strip_boilerplate
from knowledge.corpus.files import read_faq
from knowledge.corpus.pickle_loader import load_faq_pickle
from knowledge.types import FaqEntry

RATING_OR_CLOSE = re.compile(r"별\s*점\s*[1-5]\s*점|도움말\s*닫기|소중한\s*의견을\s*남겨주시면")


@pytest.fixture(scope="module")
def raw(shared_dir: Path) -> dict[str, str]:
    return load_faq_pickle(shared_dir / "data" / "smartstore_faq" / "final_result.pkl")


@pytest.fixture(scope="module")
def cleaned(raw: dict[str, str]) -> list[CleanedFaq]:
    return [clean_entry(RawFaq(question, answer), "seller") for question, answer in raw.items()]


@pytest.fixture(scope="module")
def entries(cleaned: list[CleanedFaq]) -> list[FaqEntry]:
    return link_related(cleaned)


def test_ids_are_the_original_questions_in_order(raw: dict[str, str], entries: list[FaqEntry]) -> None:
    assert [entry.id for entry in entries] == list(raw)
    assert len({entry.id for entry in entries}) == 2717
    assert {entry.collection for entry in entries} == {"seller"}


def test_no_footer_is_left_and_no_answer_is_empty(entries: list[FaqEntry]) -> None:
    assert not [entry.id for entry in entries if RATING_OR_CLOSE.search(entry.answer)]
    assert not [entry.id for entry in entries if "관련 도움말/키워드" in entry.answer]
    assert all(entry.answer and entry.question for entry in entries)


def test_every_answer_had_the_footer_and_it_is_about_a_fifth_of_the_text(raw: dict[str, str]) -> None:
    bodies = {question: strip_boilerplate(answer)[0] for question, answer in raw.items()}
    removed = sum(len(raw[question]) - len(body) for question, body in bodies.items())

    assert all(len(body) < len(raw[question]) for question, body in bodies.items())
    assert removed / sum(map(len, raw.values())) == pytest.approx(0.2147, abs=0.0005)


def test_invisible_characters_and_nbsp_are_gone(entries: list[FaqEntry]) -> None:
    invisible = re.compile("[\xa0\u200b\ufeff\u200c\u200d\u2060\t]")

    assert not [entry.id for entry in entries if invisible.search(entry.answer + entry.question)]
    assert not [entry.id for entry in entries if "  " in entry.answer or entry.answer != entry.answer.strip()]


def test_glued_hangul_sentences_are_separated(raw: dict[str, str], entries: list[FaqEntry]) -> None:
    glued = re.compile("[가-힣][.?!][가-힣]")

    assert sum(1 for answer in raw.values() if glued.search(strip_boilerplate(answer)[0])) > 1300
    assert not [entry.id for entry in entries if glued.search(entry.answer)]


def test_related_blocks_link_606_of_613_titles(cleaned: list[CleanedFaq], entries: list[FaqEntry]) -> None:
    ids = {entry.id for entry in entries}

    assert sum(1 for item in cleaned if item.related_titles) == 341
    assert sum(len(item.related_titles) for item in cleaned) == 613
    assert sum(len(entry.related) for entry in entries) == 606
    assert sum(1 for entry in entries if entry.related) == 338
    assert all(set(entry.related) <= ids - {entry.id} for entry in entries)
    keys = {match_key(entry_id) for entry_id in ids}
    unlinked = Counter(title for item in cleaned for title in item.related_titles if match_key(title) not in keys)
    assert unlinked == Counter(
        {
            "등급 선정 매출 기준이 궁금합니다.": 2,
            "#발주확인": 1,
            "#자동": 1,
            "#발주 확인": 1,
            "#데일리 리포트": 1,
            "#담당자 전화번호": 1,
        }
    )


def test_tag_counts(raw: dict[str, str], entries: list[FaqEntry]) -> None:
    tagged = [entry for entry in entries if entry.tags]

    # The README's 1,431 counts questions starting with "["; 4 more start with "★ [" and 2 with "\u200b[".
    assert sum(1 for question in raw if question.startswith("[")) == 1431
    assert len(tagged) == 1437
    assert len({entry.tags[0] for entry in tagged}) == 105
    assert sum(1 for entry in tagged if len(entry.tags) == 2) == 119
    assert Counter(entry.tags[0] for entry in tagged).most_common(2) == [("스마트스토어", 81), ("풀필먼트", 80)]
    assert not [entry.question for entry in entries if entry.question.startswith(("[", "★"))]


def test_questions_that_collide_without_tags_keep_distinct_ids(entries: list[FaqEntry]) -> None:
    groups: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        groups[entry.question].append(entry.id)
    collisions = {question: ids for question, ids in groups.items() if len(ids) > 1}

    # The README's 27 strips "[...]" from the raw text; folding \xa0 and dropping "★" joins 3 groups more.
    assert len(collisions) == 30
    assert sum(map(len, collisions.values())) == 71
    assert collisions["접수 된 문의 건 처리 방법"] == [
        "★ [문의관리(Q&A)] 접수 된 문의 건 처리 방법",
        "★ [고객문의] 접수 된 문의 건 처리 방법",
    ]
    assert all(len({tuple(entries_by_id(entries)[i].tags) for i in ids}) == len(ids) for ids in collisions.values())


def entries_by_id(entries: list[FaqEntry]) -> dict[str, FaqEntry]:
    return {entry.id: entry for entry in entries}


def test_read_faq_gives_the_same_entries(shared_dir: Path, entries: list[FaqEntry]) -> None:
    result = read_faq(shared_dir / "data" / "smartstore_faq" / "final_result.pkl", "seller")

    assert result.format == "pickle"
    assert result.rejected == () and result.duplicates == ()
    assert result.entries == entries


def test_chunks_cover_every_answer_within_the_limit(entries: list[FaqEntry]) -> None:
    for entry in entries[::7]:
        chunks = chunk(entry, max_chars=400)
        assert all(len(part.text) <= 400 for part in chunks)
        assert "".join(part.text for part in chunks).replace(" ", "") == entry.answer.replace(" ", "").replace("\n", "")
