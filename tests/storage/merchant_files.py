"""The merchant lists the importer tests read: the real public files in ../shared, and small files written on the fly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

CHUNCHEON_ROWS = 4593
CHUNCHEON_REJECTED = {
    "duplicate within the file": 22,
    "not a meal merchant: 식품잡화": 10,
    "not a meal merchant: 정육점": 6,
    "not a meal merchant: 농협(기타)": 4,
    "not a meal merchant: 식품류제조업": 2,
    "not a meal merchant: 농수산물": 2,
    "not a meal merchant: 청과물": 1,
}
CHUNCHEON_IMPORTED = CHUNCHEON_ROWS - sum(CHUNCHEON_REJECTED.values())  # 4546
INCHEON_ROWS = 135

CSV_HEADER = (
    "가맹점명,가맹점유형,업종명,시도명,시군구명,시군구코드,소재지도로명주소,"
    "전화번호,관리기관명,관리기관전화번호,데이터기준일자"
)
CSV_TAIL = ("강원특별자치도 춘천시청", "033-250-4043", "2025-07-14")


@pytest.fixture(scope="module")
def chuncheon_csv(shared_dir: Path) -> Path:
    return shared_dir / "data" / "merchants" / "chuncheon_mealcard_merchants_20250714.csv"


@pytest.fixture(scope="module")
def incheon_json(shared_dir: Path) -> Path:
    return shared_dir / "data" / "merchants" / "incheon_seogu_merchants_20201015.json"


def csv_row(name: str, business_type: str, address: str, phone: str = "") -> str:
    """A data line in Chuncheon's layout, quoted as the real file quotes addresses with commas."""
    cells = [name, "일반가맹점", business_type, "강원특별자치도", "춘천시", "4181000", address, phone, *CSV_TAIL]
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(cells)
    return line.getvalue()


def write_csv(path: Path, *rows: str, header: str = CSV_HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    return path


def json_item(**fields: str) -> dict[str, str]:
    item = {
        "mrhstNm": "장독대",
        "ctprvnNm": "인천광역시",
        "signguNm": "서구",
        "rdnmadr": "인천광역시 서구 청마로 175",
        "lnmadr": "인천광역시 서구 당하동 1092-12",
        "latitude": "37.59287723",
        "longitude": "126.6764253",
        "phoneNumber": "032-561-7454",
        "weekdayOperOpenHhmm": "10:00",
        "weekdayOperColseHhmm": "20:00",
    }
    item.update(fields)
    return item


def write_json(path: Path, *items: dict[str, str]) -> Path:
    document = {"response": {"header": {"resultCode": "00"}, "body": {"items": list(items), "totalCount": "1"}}}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files that cannot be imported at all, with a fragment of the error each must give."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\xef\xbb\xbf \n\n")
    wrong_headers = write_csv(tmp_path / "wrong.csv", "김밥천국,서울", header="상점,주소")
    header_only = write_csv(tmp_path / "header_only.csv")
    malformed = tmp_path / "malformed.json"
    malformed.write_text('{"response": {"body": {"items": [{"mrhstNm": "장독대",}]}}', encoding="utf-8")
    no_items = tmp_path / "no_items.json"
    no_items.write_text('{"response": {"header": {"resultCode": "00"}, "body": {"totalCount": "0"}}}', encoding="utf-8")
    empty_items = write_json(tmp_path / "empty_items.json")
    api_error = tmp_path / "api_error.json"
    api_error.write_text('{"response": {"header": {"resultCode": "30", "resultMsg": "SERVICE KEY IS NOT REGISTERED"}}}')
    other_json = tmp_path / "stores.json"
    other_json.write_text('[{"store": "장독대", "lat": 33.5}]', encoding="utf-8")
    spreadsheet = tmp_path / "merchants.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04" + bytes(100))
    prose = tmp_path / "notes.txt"
    prose.write_text("아동급식카드 가맹점 목록입니다\n", encoding="utf-8")
    return {
        "empty": (empty, "the file is empty"),
        "blank": (blank, "the file is empty"),
        "wrong headers": (wrong_headers, "lacks the column(s) 가맹점명, 소재지도로명주소; its header is: 상점, 주소"),
        "header only": (header_only, "no merchant rows"),
        "malformed JSON": (malformed, "malformed JSON at line 1"),
        "JSON without items": (no_items, "no response.body.items"),
        "JSON with empty items": (empty_items, "no merchant rows"),
        "API error": (api_error, "30 SERVICE KEY IS NOT REGISTERED"),
        "other JSON": (other_json, "no mrhstNm"),
        "spreadsheet": (spreadsheet, "export the sheet as CSV"),
        "prose": (prose, "unknown format"),
        "missing": (tmp_path / "nowhere.csv", "cannot read"),
    }
