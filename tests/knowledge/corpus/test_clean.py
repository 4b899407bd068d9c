"""Cleaning rules, one example at a time: boilerplate, related blocks, tags, sentences, invisible characters, chunks."""

from __future__ import annotations

import pytest

from knowledge.corpus.clean import (
    RawFaq,
    chunk,
    clean_answer,
    clean_corpus,
    clean_question,
    match_key,
    normalize_text,
    sentences,
    separate_sentences,
    split_tags,
    strip_boilerplate,
)
from knowledge.types import FaqEntry

FOOTER = (
    "\n\n\n위 도움말이 도움이 되었나요?\n\n\n별점1점\n\n별점2점\n\n별점3점\n\n별점4점\n\n별점5점\n\n\n\n"
    "소중한 의견을 남겨주시면 보완하도록 노력하겠습니다.\n\n보내기\n\n\n\n도움말 닫기"
)
FOOTER_WITH_RELATED = FOOTER.replace(
    "보내기\n\n\n\n",
    "보내기\n\n\n\n관련 도움말/키워드\n\n첫 번째 질문인가요? \n#키워드\n\n[태그] 두 번째 질문 \n\n\n\n",
)


def test_the_footer_is_cut() -> None:
    assert strip_boilerplate("답변입니다." + FOOTER) == ("답변입니다.", ())


@pytest.mark.parametrize(
    "footer",
    [
        "위도움말이도움이되었나요?별점1점별점2점별점3점별점4점별점5점소중한의견을남겨주시면보완하도록노력하겠습니다.보내기도움말닫기",
        "위 도움말이\xa0도움이 되었나요 ?\t별점 1 점\u200b 별점 2점 별점3 점\r\n별점4점 별점5점\ufeff 소중한 의견을  남겨주시면 "
        "보완하도록 노력하겠습니다 보내기 \xa0 도움말 닫기 \n",
        "\n위 도움말이 도움이 되었나요?\n별점1점\n별점2점\n별점3점\n별점4점\n별점5점\n보내기",  # no feedback line, no close
        "\n별점1점 별점2점 별점3점 별점4점 별점5점 도움말 닫기",  # no question
    ],
)
def test_the_footer_is_cut_whatever_its_whitespace(footer: str) -> None:
    assert strip_boilerplate("본문입니다." + footer)[0] == "본문입니다."


@pytest.mark.parametrize(
    "text",
    [
        "메시지 보내기",  # a button name alone is content
        "도움말 닫기 버튼을 누르면 창이 닫힙니다.",
        "위 도움말이 도움이 되었나요? 라는 문구 아래에서 별점1점을 줄 수 있습니다. 그 뒤에 설명이 이어집니다.",
        "리뷰 별점은 1점부터 5점까지입니다.",
    ],
)
def test_text_that_only_resembles_the_footer_stays(text: str) -> None:
    assert strip_boilerplate(text) == (text, ())


def test_the_related_block_gives_its_lines_stripped_in_order() -> None:
    body, titles = strip_boilerplate("답변." + FOOTER_WITH_RELATED)

    assert body == "답변."
    assert titles == ("첫 번째 질문인가요?", "#키워드", "[태그] 두 번째 질문")


def test_a_repeated_footer_is_cut_twice() -> None:
    assert strip_boilerplate("답변." + FOOTER + FOOTER_WITH_RELATED)[0] == "답변."


@pytest.mark.parametrize(
    ("question", "tags", "rest"),
    [
        ("[가입절차] 회원가입은 어떻게 하나요?", ("가입절차",), "회원가입은 어떻게 하나요?"),
        ("[스마트스토어][사업자 대출] 대출 기간은?", ("스마트스토어", "사업자 대출"), "대출 기간은?"),
        ("★ [고객문의] 접수 된 문의 건 처리 방법", ("고객문의",), "접수 된 문의 건 처리 방법"),
        ("★[정보변경 신청] 정보변경 신청 방법", ("정보변경 신청",), "정보변경 신청 방법"),
        ("★ 상품등록하는 방법", (), "상품등록하는 방법"),
        ("[A] [B] [C] 세 번째 괄호는 본문", ("A", "B"), "[C] 세 번째 괄호는 본문"),
        ("가입 시 [스마트스토어센터에 이미 가입되어 있습니다.] 화면이 노출됩니다.", (), None),
        ("개인도메인으로 [.shop] 사용 가능한가요?", (), None),
        ("[가입절차]", ("가입절차",), "[가입절차]"),  # nothing but a tag: the question keeps it
        ("[" + "긴" * 41 + "] 너무 긴 괄호", (), None),
    ],
)
def test_split_tags(question: str, tags: tuple[str, ...], rest: str | None) -> None:
    assert split_tags(question) == (tags, question if rest is None else rest)


def test_a_question_is_normalised_before_its_tags_are_read() -> None:
    assert clean_question("\u200b[원쁠딜]\xa0 1+1 구성은\xa0어떤 의미인가요?  ") == (
        ("원쁠딜",),
        "1+1 구성은 어떤 의미인가요?",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("가능합니다.사업자 등록증의 경우", "가능합니다. 사업자 등록증의 경우"),
        ("잊어버리셨나요?판매자 아이디", "잊어버리셨나요? 판매자 아이디"),
        ("신청해 보세요!풀필먼트", "신청해 보세요! 풀필먼트"),
        ("눌러 주세요.2) 연락가능한", "눌러 주세요. 2) 연락가능한"),
        ("확인할 수 있습니다.·\xa0네이버", "확인할 수 있습니다. ·\xa0네이버"),
        ("문의해 주세요.(상담 카테고리", "문의해 주세요. (상담 카테고리"),
        ("정상입니다.※ 참고.", "정상입니다. ※ 참고."),
        # never split
        ("수수료는 1.5%입니다.", "수수료는 1.5%입니다."),
        ("https://sell.smartstore.naver.com/#/home 에서", "https://sell.smartstore.naver.com/#/home 에서"),
        ("주소는 https://예시.한국/안내.다음 입니다", "주소는 https://예시.한국/안내.다음 입니다"),
        ("e.g.예시, Q.질문, BSB No.가 기재된", "e.g.예시, Q.질문, BSB No.가 기재된"),
        ("입력해주세요.'라고 문구가", "입력해주세요.'라고 문구가"),
        ("가능합니다.)\xa0다음", "가능합니다.)\xa0다음"),
        ("왜그런가요?》판매자", "왜그런가요?》판매자"),
        ("옵션값...그룹", "옵션값... 그룹"),
        ("2020.06.10.(수) 오후", "2020.06.10.(수) 오후"),
        ("이미 띄어져 있습니다. 다음 문장", "이미 띄어져 있습니다. 다음 문장"),
    ],
)
def test_separate_sentences(text: str, expected: str) -> None:
    assert separate_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("가\xa0나\u3000다\t라", "가 나 다 라"),
        ("보\u200b이\u200c지\u200d않\u2060는\ufeff글\u00ad자", "보이지않는글자"),
        ("  앞뒤 공백  ", "앞뒤 공백"),
        ("줄\r\n바꿈\r유지\u2028됨", "줄\n바꿈\n유지\n됨"),
        ("빈 줄\n\n \xa0\n\n은 하나로", "빈 줄\n은 하나로"),
        ("\u1112\u1161\u11ab\u1100\u1173\u11af", "한글"),  # decomposed jamo recomposed (NFC)
        ("①번 항목", "①번 항목"),  # NFC, not NFKC: circled numbers stay
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_normalize_text_can_fold_lines() -> None:
    assert normalize_text("첫 줄\n\n둘째\xa0줄 ", keep_newlines=False) == "첫 줄 둘째 줄"


def test_match_key_ignores_spacing_width_case_and_invisibles() -> None:
    assert match_key("굿서비스 선정기준을\xa0알고 싶어요.  ") == match_key("굿서비스선정기준을 알고\u200b싶어요.")
    assert match_key("ＡＰＩ 설정") == match_key("api설정")
    assert match_key("[태그] 질문") != match_key("질문")


def test_clean_answer_separates_sentences_and_returns_titles() -> None:
    answer, titles = clean_answer("첫 문장입니다.둘째\xa0\xa0문장입니다.\u200b" + FOOTER_WITH_RELATED)

    assert answer == "첫 문장입니다. 둘째 문장입니다."
    assert titles[0] == "첫 번째 질문인가요?"


def test_clean_corpus_links_titles_to_ids_and_drops_the_rest() -> None:
    rows = [
        RawFaq("[태그] 두 번째 질문 ", "둘째 답." + FOOTER),
        RawFaq("첫 번째 질문인가요?", "첫째 답." + FOOTER),
        RawFaq("셋째", "셋째 답." + FOOTER_WITH_RELATED),
        RawFaq("넷째", "넷째 답.", related=("셋째", "넷째", "없는 질문", "첫번째 질문인가요 ?")),
    ]

    entries = clean_corpus(rows, "seller")

    assert [entry.id for entry in entries] == [row.question for row in rows]
    assert entries[2].related == ("첫 번째 질문인가요?", "[태그] 두 번째 질문 ")  # "#키워드" dropped
    assert entries[3].related == ("셋째", "첫 번째 질문인가요?")  # itself and unknown dropped, spacing forgiven
    assert entries[0] == FaqEntry("[태그] 두 번째 질문 ", "두 번째 질문", "둘째 답.", ("태그",), (), "seller")


def test_an_ambiguous_spacing_match_links_nowhere() -> None:
    rows = [RawFaq("질문 하나", "답."), RawFaq("질문하나", "답."), RawFaq("링크", "답.", related=("질문  하나 ",))]

    assert clean_corpus(rows, "c")[2].related == ("질문 하나",)  # equal once spaces are folded
    rows[2] = RawFaq("링크", "답.", related=("질 문하나",))  # equal to both with spaces ignored
    assert clean_corpus(rows, "c")[2].related == ()


def test_source_tags_follow_parsed_tags_without_repeats() -> None:
    [entry] = clean_corpus([RawFaq("[가입] 질문", "답.", tags=("가입", " 추가\xa0태그 ", ""))], "c")

    assert entry.tags == ("가입", "추가 태그")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("첫 문장입니다. 둘째 문장이죠? 셋째!", ["첫 문장입니다.", "둘째 문장이죠?", "셋째!"]),
        ("1. 첫 항목 2. 둘째 항목", ["1. 첫 항목 2. 둘째 항목"]),
        ("Q. 질문인가요? A. 네. 맞아요.", ["Q. 질문인가요?", "A. 네.", "맞아요."]),
        ("수수료는 1.5%입니다. 다음", ["수수료는 1.5%입니다.", "다음"]),
        ("줄 하나\n줄 둘", ["줄 하나", "줄 둘"]),
        ("끝났어요.) 다음", ["끝났어요.)", "다음"]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def entry_with(answer: str) -> FaqEntry:
    return FaqEntry(id="질문", question="질문", answer=answer)


def test_chunk_packs_sentences_up_to_the_limit() -> None:
    answer = " ".join(f"{n}번째 문장은 이렇게 끝납니다." for n in range(1, 11))

    chunks = chunk(entry_with(answer), max_chars=60)

    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(c.entry_id == "질문" and 0 < len(c.text) <= 60 for c in chunks)
    assert all(c.text.endswith("끝납니다.") for c in chunks)
    assert " ".join(c.text for c in chunks) == answer


def test_a_short_answer_is_one_chunk_and_an_empty_one_none() -> None:
    assert [c.text for c in chunk(entry_with("짧은 답입니다."))] == ["짧은 답입니다."]
    assert chunk(entry_with("")) == []


def test_an_overlong_sentence_is_cut_at_spaces_or_at_the_limit() -> None:
    words = chunk(entry_with("가나다 " * 30), max_chars=20)
    solid = chunk(entry_with("가" * 45), max_chars=20)

    assert all(len(c.text) <= 20 and not c.text.startswith(" ") for c in words)
    assert "".join(c.text for c in words).replace(" ", "") == "가나다" * 30
    assert [len(c.text) for c in solid] == [20, 20, 5]


def test_chunk_refuses_a_non_positive_limit() -> None:
    with pytest.raises(ValueError, match="positive"):
        chunk(entry_with("답."), max_chars=0)
