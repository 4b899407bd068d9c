"""FAQ files in JSONL and CSV (and pickle) through ``read_faq``: detection, good rows, bad rows with reasons."""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path
from typing import Any

import pytest

from knowledge.corpus.errors import FaqFormatError
from knowledge.corpus.files import RejectedRow, detect_format, load_faq, read_faq

FOOTER = "\n\n위 도움말이 도움이 되었나요?\n별점1점\n별점2점\n별점3점\n별점4점\n별점5점\n보내기\n도움말 닫기"
ROWS: list[dict[str, Any]] = [
    {"question": "[가입절차] 가입은 어떻게 하나요?", "answer": "가입 버튼을 누르세요.그 다음 인증합니다." + FOOTER},
    {"question": "★ 상품등록하는 방법", "answer": "상품\xa0등록 메뉴에서 등록합니다."},
    {
        "question": "탈퇴는요?",
        "answer": "탈퇴 메뉴에서 합니다.",
        "tags": ["계정"],
        "related": ["[가입절차] 가입은 어떻게 하나요?"],
    },
]


def write_jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "faq.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "faq.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_jsonl_rows_are_cleaned_and_linked(tmp_path: Path) -> None:
    result = read_faq(write_jsonl(tmp_path, [json.dumps(row, ensure_ascii=False) for row in ROWS]), "seller")

    assert result.format == "jsonl"
    assert result.rejected == () and result.duplicates == ()
    first, second, third = result.entries
    assert (first.id, first.question, first.tags) == (ROWS[0]["question"], "가입은 어떻게 하나요?", ("가입절차",))
    assert first.answer == "가입 버튼을 누르세요. 그 다음 인증합니다."
    assert (second.question, second.answer) == ("상품등록하는 방법", "상품 등록 메뉴에서 등록합니다.")
    assert (third.tags, third.related, third.collection) == (("계정",), (first.id,), "seller")


def test_the_same_rows_give_the_same_entries_as_jsonl_csv_and_pickle(tmp_path: Path) -> None:
    plain = [{"question": row["question"], "answer": row["answer"]} for row in ROWS]
    jsonl = write_jsonl(tmp_path, [json.dumps(row) for row in plain])
    csv_text = "question,answer\n" + "".join(f'"{r["question"]}","{r["answer"]}"\n' for r in plain)
    csv_path = write_csv(tmp_path, "\ufeff" + csv_text)
    pickle_path = tmp_path / "faq.bin"
    pickle_path.write_bytes(pickle.dumps({row["question"]: row["answer"] for row in plain}))

    results = [read_faq(path, "c") for path in (jsonl, csv_path, pickle_path)]

    assert [result.format for result in results] == ["jsonl", "csv", "pickle"]
    assert results[0].entries == results[1].entries == results[2].entries
    assert len(results[0].entries) == 3


def test_bad_jsonl_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    lines = [
        json.dumps({"question": "좋은 질문", "answer": "좋은 답."}),
        "",
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"question": "답 없음"}),
        json.dumps({"question": 3, "answer": "숫자 질문"}),
        json.dumps({"question": "태그", "answer": "답.", "tags": "문자열"}),
        json.dumps({"question": "관련", "answer": "답.", "related": [1]}),
        json.dumps({"question": "꼬리말뿐", "answer": FOOTER}),
        json.dumps({"question": " \u200b ", "answer": "질문이 비었다."}),
        json.dumps({"question": "좋은 질문", "answer": "다른 답."}),
        json.dumps({"question": "null 목록", "answer": "답.", "tags": None, "related": None}),
    ]

    result = read_faq(write_jsonl(tmp_path, lines), "c")

    assert [entry.id for entry in result.entries] == ["좋은 질문", "null 목록"]
    assert [row.line for row in result.rejected] == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = [row.reason for row in result.rejected]
    assert reasons[0].startswith("not JSON")
    assert reasons[1:5] == [
        "a JSON list, expected an object",
        '"answer" is missing',
        '"question" is a int, expected a string',
        '"tags" must be a list of strings',
    ]
    assert reasons[5] == '"related" must be a list of strings'
    assert reasons[6] == "the answer to '꼬리말뿐' is empty after cleaning"
    assert reasons[7] == "the question is empty"
    assert result.duplicates == (RejectedRow(11, "the question repeats line 1: '좋은 질문'"),)


def test_a_line_separator_inside_a_json_string_does_not_split_the_line(tmp_path: Path) -> None:
    line = json.dumps({"question": "질문", "answer": "첫 줄\u2028둘째 줄"}, ensure_ascii=False)

    [entry] = read_faq(write_jsonl(tmp_path, [line]), "c").entries

    assert entry.answer == "첫 줄\n둘째 줄"


def test_csv_with_korean_headers_bom_quotes_and_list_cells(tmp_path: Path) -> None:
    text = (
        "\ufeff 질문 ,답변,태그,관련,메모\r\n"
        '"[가입] 여러 줄 답은?","첫 줄.\r\n둘째 줄, 쉼표 포함.",추가|계정,,무시되는 열\r\n'
        '탈퇴는요?,"탈퇴합니다.",,"[가입] 여러 줄 답은?|없는 질문",\r\n'
        ",,,,\r\n"
    )

    result = read_faq(write_csv(tmp_path, text), "c")

    assert result.format == "csv" and result.rejected == ()
    first, second = result.entries
    assert (first.question, first.answer, first.tags) == (
        "여러 줄 답은?",
        "첫 줄.\n둘째 줄, 쉼표 포함.",
        ("가입", "추가", "계정"),
    )
    assert second.related == (first.id,)


def test_bad_csv_rows_are_reported_with_their_lines(tmp_path: Path) -> None:
    text = "Question,ANSWER\n질문 하나,답 하나.\n셀이 하나뿐\n질문 둘,답 둘.,넘치는 셀\n질문 셋,답 셋.,,\n질문 하나,또 답.\n,답만 있다.\n"

    result = read_faq(write_csv(tmp_path, text), "c")

    assert [entry.id for entry in result.entries] == ["질문 하나", "질문 셋"]
    assert result.rejected == (
        RejectedRow(3, "1 cells, the header has 2"),
        RejectedRow(4, "3 cells, the header has 2"),
        RejectedRow(7, "the question is empty"),
    )
    assert result.duplicates == (RejectedRow(6, "the question repeats line 2: '질문 하나'"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title,body\n질문,답\n", "lacks the column\\(s\\) question/질문, answer/답변"),
        ("질문,내용\n질문,답\n", "lacks the column\\(s\\) answer/답변"),
        ("question,질문,answer\n가,나,다\n", "names the question column twice"),
        ("", "the file is empty"),
    ],
)
def test_a_csv_without_usable_header_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(FaqFormatError, match=message):
        read_faq(write_csv(tmp_path, text), "c")


def test_a_cp949_file_is_refused_as_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(FaqFormatError, match="not UTF-8"):
        read_faq(write_csv(tmp_path, "질문,답변\n가입,합니다\n", encoding="cp949"), "c")


def test_a_json_array_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(ROWS), encoding="utf-8")

    with pytest.raises(FaqFormatError, match="JSON Lines"):
        read_faq(path, "c")


def test_a_pickle_with_code_is_refused_through_read_faq(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"  # the name does not matter, the content does
    path.write_bytes(pickle.dumps({"q": print}))

    with pytest.raises(FaqFormatError, match=r"faq\.csv: the pickle refers to builtins\.print"):
        read_faq(path, "c")


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, [json.dumps({"question": "q", "answer": "a" * 200})])

    with pytest.raises(FaqFormatError, match="over the limit"):
        read_faq(path, "c", max_bytes=100)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pickle.dumps({}, protocol=0), "pickle"),
        (pickle.dumps({}, protocol=1), "pickle"),
        (pickle.dumps({"a": "b"}, protocol=1), "pickle"),
        (pickle.dumps({}, protocol=5), "pickle"),
        (b'\xef\xbb\xbf\n  {"question": "q", "answer": "a"}', "jsonl"),
        (b"question,answer\n", "csv"),
        ("질문,답변\n".encode(), "csv"),
    ],
)
def test_detect_format(data: bytes, kind: str) -> None:
    assert detect_format(data) == kind


def test_load_faq_logs_what_it_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_jsonl(tmp_path, [json.dumps({"question": "q", "answer": "a"}), "oops"])

    with caplog.at_level(logging.WARNING, logger="knowledge.corpus.files"):
        entries = load_faq(path, "c")

    assert [entry.id for entry in entries] == ["q"]
    assert "line 2 left out: not JSON" in caplog.text
