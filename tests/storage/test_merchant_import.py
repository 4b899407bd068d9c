"""The meal-card merchant importer over the real public lists in ../shared, then on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.database import Database
from storage.importers import (
    MerchantFileError,
    MerchantFormat,
    detect_format,
    import_merchants,
    parse_merchants,
    read_merchant_file,
)
from storage.importers import merchants as merchants_module
from storage.importers.areas import area_slug, romanize
from storage.importers.normalize import (
    clean_text,
    merchant_key,
    normalize_address,
    normalize_phone,
    parse_coordinates,
)
from storage.models import Shop, ShopHours

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


# --- normalisation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("033-253-4757", "033-253-4757"),
        ("0332534757", "033-253-4757"),
        ("(033) 253 4757", "033-253-4757"),
        ("02-255-0989", "02-255-0989"),
        ("02-3284-1234", "02-3284-1234"),
        ("010-1234-5678", "010-1234-5678"),
        ("070-7209-1062", "070-7209-1062"),
        ("080-080-3663", "080-080-3663"),
        ("0507-1234-5678", "0507-1234-5678"),
        ("050-4458-2613", "050-4458-2613"),
        ("+82 33-253-4757", "033-253-4757"),
        ("02-1577-0711", "1577-0711"),
        ("1577-0711", "1577-0711"),
        ("063-123-4567", None),
        ("033-0332-5499", None),
        ("253-4757", None),
        ("없음", None),
        ("", None),
    ],
)
def test_phone_numbers_are_normalised_or_dropped(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "sigungu", "expected"),
    [
        (
            "강원특별자치도춘천시 스포츠타운길399번길 22, 1층 (삼천동)",
            "춘천시",
            "강원특별자치도 춘천시 스포츠타운길399번길 22, 1층 (삼천동)",
        ),
        ("인천광역시 서구가정로 305", "서구", "인천광역시 서구 가정로 305"),
        (
            "강원특별자치도 춘천시 공지로 102 1층 103호(석사동)",
            "춘천시",
            "강원특별자치도 춘천시 공지로 102 1층 103호 (석사동)",
        ),
        (
            "강원특별자치도 춘천시 서부대성로239번길 47-26 ,2층",
            "춘천시",
            "강원특별자치도 춘천시 서부대성로239번길 47-26, 2층",
        ),
        ("강원특별자치도 춘천시 충열로 78, , (우두동)", "춘천시", "강원특별자치도 춘천시 충열로 78 (우두동)"),
        ("강원특별자치도춘천시 신북읍 상천3길 4 , .", "춘천시", "강원특별자치도 춘천시 신북읍 상천3길 4"),
        ("강원특별자치도 춘천시 중앙로194번길 35 ...", "춘천시", "강원특별자치도 춘천시 중앙로194번길 35"),
        ("서울 종로구 삼봉로 71, 2층 (수송동, G타워)", "", "서울특별시 종로구 삼봉로 71, 2층 (수송동, G타워)"),
        ("강원특별자치도 춘천시  성심로 11  (교동)", "춘천시", "강원특별자치도 춘천시 성심로 11 (교동)"),
        ("  ", "춘천시", ""),
    ],
)
def test_addresses_get_standard_spacing(raw: str, sigungu: str, expected: str) -> None:
    assert normalize_address(raw, sigungu) == expected


def test_names_lose_invisible_characters_and_extra_spaces() -> None:
    assert clean_text("\ufeff 김밥\u200b천국\xa0\xa0 춘천점\u3000") == "김밥천국 춘천점"
    assert clean_text("㈜고려유통  한우물큰장터") == "(주)고려유통 한우물큰장터"
    assert clean_text("박´S푸드") == "박'S푸드"
    assert clean_text("ＧＳ２５ 춘천점") == "GS25 춘천점"


def test_merchant_key_ignores_spacing_and_brackets_but_not_content() -> None:
    key = merchant_key("한국맥도날드 (유) 춘천퇴계DT점", "강원특별자치도 춘천시 영서로 2173 퇴계동")
    assert key == merchant_key("한국맥도날드(유)춘천퇴계DT점", "강원특별자치도 춘천시 영서로 2173 (퇴계동)")
    assert key != merchant_key("한국맥도날드(유) 춘천후평DT점", "강원특별자치도 춘천시 영서로 2173 (퇴계동)")
    assert key != merchant_key("한국맥도날드(유)춘천퇴계DT점", "강원특별자치도 춘천시 영서로 217-3 (퇴계동)")
    assert len(key) == 32


@pytest.mark.parametrize(
    ("sido", "sigungu", "expected"),
    [
        ("강원특별자치도", "춘천시", "chuncheon"),
        ("인천광역시", "서구", "incheon-seogu"),
        ("서울특별시", "강남구", "seoul-gangnam"),
        ("서울특별시", "종로구", "seoul-jongno"),
        ("강원도", "강릉시", "gangneung"),
        ("강원특별자치도", "철원군", "cheorwon"),
        ("경상북도", "울릉군", "ulleung"),
        ("강원특별자치도", "고성군", "gangwon-goseong"),
        ("경상남도", "고성군", "gyeongnam-goseong"),
        ("경기도", "수원시 장안구", "suwon-jangan"),
        ("세종특별자치시", "세종특별자치시", "sejong"),
        ("", "", ""),
    ],
)
def test_area_codes_from_district_names(sido: str, sigungu: str, expected: str) -> None:
    assert area_slug(sido, sigungu) == expected


def test_romanization_follows_place_name_sound_changes() -> None:
    words = ["춘천", "종로", "밀양", "전라", "관악", "고령", "의정부", "영등포"]
    assert [romanize(word) for word in words] == [
        "chuncheon", "jongno", "miryang", "jeolla", "gwanak", "goryeong", "uijeongbu", "yeongdeungpo",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("37.59215872", "126.6759438", (37.59215872, 126.6759438, None)),
        ("", "", (None, None, None)),
        ("126.6759438", "37.59215872", (37.59215872, 126.6759438, "latitude and longitude swapped")),
        ("abc", "126.67", (None, None, "malformed coordinates: 'abc', '126.67'")),
        ("0", "0", (None, None, "coordinates outside Korea: 0, 0")),
        ("37.5", "", (None, None, "malformed coordinates: '37.5', ''")),
    ],
)
def test_coordinates_inside_korea_only(lat: str, lon: str, expected: tuple[Any, ...]) -> None:
    assert parse_coordinates(lat, lon) == expected


# --- parsing the real files --------------------------------------------------------------------------------------


def test_format_is_told_by_content_not_by_name(chuncheon_csv: Path, incheon_json: Path, tmp_path: Path) -> None:
    assert read_merchant_file(chuncheon_csv).format is MerchantFormat.CSV
    assert read_merchant_file(incheon_json).format is MerchantFormat.DATA_GO_KR_JSON
    misnamed_csv = tmp_path / "merchants.json"
    misnamed_csv.write_bytes(chuncheon_csv.read_bytes())
    misnamed_json = tmp_path / "merchants.csv"
    misnamed_json.write_bytes(incheon_json.read_bytes())
    csv_file, json_file = read_merchant_file(misnamed_csv), read_merchant_file(misnamed_json)
    assert csv_file.format is MerchantFormat.CSV and len(csv_file.rows) == CHUNCHEON_ROWS
    assert json_file.format is MerchantFormat.DATA_GO_KR_JSON and len(json_file.rows) == INCHEON_ROWS
    assert csv_file.notes == ["the file is named .json but holds csv"]
    assert detect_format('\ufeff  {"response": {}}') is MerchantFormat.DATA_GO_KR_JSON


def test_chuncheon_csv_is_parsed_into_meal_merchants(chuncheon_csv: Path) -> None:
    parsed = parse_merchants(chuncheon_csv)

    assert parsed.rows == CHUNCHEON_ROWS
    assert len(parsed.records) + len(parsed.rejected) == CHUNCHEON_ROWS
    assert len(parsed.records) == CHUNCHEON_IMPORTED
    rejected_by_reason = {reason: 0 for reason in CHUNCHEON_REJECTED}
    for issue in parsed.rejected:
        rejected_by_reason[issue.reason] += 1
    assert rejected_by_reason == CHUNCHEON_REJECTED
    butchers = [issue for issue in parsed.rejected if issue.reason == "not a meal merchant: 정육점"]
    assert all(issue.row > 1 and issue.name for issue in butchers)

    convenience = [record for record in parsed.records if record.business_type == "편의점"]
    as_convenience = [record for record in convenience if record.category == "편의점"]
    # A registered convenience store stays one whatever its branch name says ("씨유 춘천거두호반점").
    assert len(convenience) == 393 and as_convenience == convenience
    assert {record.area for record in parsed.records} == {"chuncheon"}
    assert {record.source for record in parsed.records} == {"merchants:chuncheon"}
    assert all(record.latitude is None and record.longitude is None for record in parsed.records)
    assert all(record.card_acceptance == "Y" and not record.hours_known for record in parsed.records)
    assert not any(record.address.startswith("강원특별자치도춘천시") for record in parsed.records)
    by_name = {record.name: record for record in parsed.records}
    assert (
        by_name["(사) 담배인삼공제회 (세인트콕스)"].address
        == "강원특별자치도 춘천시 스포츠타운길399번길 22, 1층 (삼천동)"
    )
    assert by_name["(사) 담배인삼공제회 (세인트콕스)"].phone == "033-253-4757"

    # 한국맥도날드 춘천퇴계DT점 is listed four times with different spacing and phone numbers: the first one wins.
    mcdonalds = [issue for issue in parsed.rejected if "춘천퇴계DT점" in issue.name]
    assert [(issue.reason, issue.detail) for issue in mcdonalds] == [
        ("duplicate within the file", "same name and address as row 4269")
    ] * 3
    assert len({record.source_key for record in parsed.records}) == len(parsed.records)


def test_incheon_json_keeps_coordinates_and_ignores_placeholder_hours(incheon_json: Path) -> None:
    parsed = parse_merchants(incheon_json)

    assert parsed.rows == INCHEON_ROWS and len(parsed.records) == INCHEON_ROWS and parsed.rejected == []
    assert {record.area for record in parsed.records} == {"incheon-seogu"}
    for record in parsed.records:
        assert record.latitude is not None and 37.0 < record.latitude < 38.0
        assert record.longitude is not None and 126.0 < record.longitude < 127.0
        assert not record.hours_known
    addresses = {record.address for record in parsed.records}
    assert "인천광역시 서구 가정로 305" in addresses and "인천광역시 서구가정로 305" not in addresses
    assert len([record for record in parsed.records if record.name == "김밥천국"]) == 8  # eight branches, all kept


# --- bad input -------------------------------------------------------------------------------------------------


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


def test_whole_file_errors_are_clear(tmp_path: Path) -> None:
    for label, (path, message) in bad_files(tmp_path).items():
        with pytest.raises(MerchantFileError) as caught:
            parse_merchants(path)
        assert message in str(caught.value), label


def test_bad_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "rows.csv",
        csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1", "033-254-0001"),
        csv_row(" \u200b ", "한식", "강원특별자치도 춘천시 중앙로 2"),
        csv_row("빈주소식당", "한식", " "),
        csv_row("춘천청과", "청과물", "강원특별자치도 춘천시 중앙로 3"),
        csv_row("김밥 나라", "분식", "강원특별자치도춘천시 중앙로 1"),
        csv_row("이상한전화", "일식", "강원특별자치도 춘천시 중앙로 4", "033-000-1111"),
    )
    parsed = parse_merchants(path)

    assert [record.name for record in parsed.records] == ["김밥나라", "이상한전화"]
    assert parsed.records[0].category == "분식"  # the name says more than the registered 한식
    assert [(issue.row, issue.name, issue.reason) for issue in parsed.rejected] == [
        (3, "", "missing name"),
        (4, "빈주소식당", "missing address"),
        (5, "춘천청과", "not a meal merchant: 청과물"),
        (6, "김밥 나라", "duplicate within the file"),
    ]
    assert [(issue.row, issue.reason, issue.detail) for issue in parsed.warnings] == [
        (7, "phone number not recognised", "033-000-1111")
    ]
    assert parsed.records[1].phone is None


def test_bad_coordinates_are_a_warning_and_the_row_is_kept(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "coords.json",
        json_item(mrhstNm="좌표없음", latitude="", longitude=""),
        json_item(mrhstNm="좌표이상", latitude="위도", longitude="126.67"),
        json_item(mrhstNm="바다한가운데", latitude="0", longitude="0"),
        json_item(mrhstNm="뒤바뀜", latitude="126.6764253", longitude="37.59287723"),
        json_item(mrhstNm="지번만", rdnmadr=" "),
    )
    parsed = parse_merchants(path)

    coordinates = {record.name: (record.latitude, record.longitude) for record in parsed.records}
    assert coordinates == {
        "좌표없음": (None, None),
        "좌표이상": (None, None),
        "바다한가운데": (None, None),
        "뒤바뀜": (37.59287723, 126.6764253),
        "지번만": (37.59287723, 126.6764253),
    }
    assert [(issue.name, issue.reason) for issue in parsed.warnings] == [
        ("좌표이상", "malformed coordinates; coordinates dropped"),
        ("바다한가운데", "coordinates outside Korea; coordinates dropped"),
        ("뒤바뀜", "latitude and longitude swapped; coordinates kept"),
        ("지번만", "no road-name address; the lot-number address is used"),
    ]
    assert next(r for r in parsed.records if r.name == "지번만").address == "인천광역시 서구 당하동 1092-12"


def test_cp949_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old_export.csv"
    text = "\n".join([CSV_HEADER, csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1")]) + "\n"
    path.write_bytes(text.encode("cp949"))
    assert [record.name for record in parse_merchants(path).records] == ["김밥나라"]


# --- writing -------------------------------------------------------------------------------------------------------


async def shop_count(db: Database, source: str | None = None) -> int:
    statement = select(func.count()).select_from(Shop)
    if source is not None:
        statement = statement.where(col(Shop.source) == source)
    async with db.session() as session:
        return int((await session.exec(statement)).one())


async def shops_by_name(db: Database, source: str) -> dict[str, Shop]:
    async with db.session() as session:
        shops = (await session.exec(select(Shop).where(col(Shop.source) == source))).all()
    return {shop.name: shop for shop in shops}


@contextmanager
def counted_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_import_real_files(db: Database, chuncheon_csv: Path, incheon_json: Path) -> None:
    with counted_statements(db) as statements:
        chuncheon = await import_merchants(db, chuncheon_csv)
    incheon = await import_merchants(db, incheon_json)

    assert (chuncheon.imported, chuncheon.updated, chuncheon.unchanged) == (CHUNCHEON_IMPORTED, 0, 0)
    assert chuncheon.imported + len(chuncheon.rejected) == chuncheon.rows == CHUNCHEON_ROWS
    assert chuncheon.rejected_by_reason == CHUNCHEON_REJECTED
    assert chuncheon.sources == ("merchants:chuncheon",)
    assert (incheon.imported, len(incheon.rejected), incheon.rows) == (INCHEON_ROWS, 0, INCHEON_ROWS)
    # Bulk: a select, the inserts in a few batches, the transaction; never a statement per row.
    assert len(statements) < 20

    assert await shop_count(db) == CHUNCHEON_IMPORTED + INCHEON_ROWS
    chuncheon_shops = await shops_by_name(db, "merchants:chuncheon")
    incheon_shops = await shops_by_name(db, "merchants:incheon-seogu")
    assert all(shop.latitude is None and shop.longitude is None for shop in chuncheon_shops.values())
    assert all(shop.latitude is not None and shop.longitude is not None for shop in incheon_shops.values())
    for shop in [*chuncheon_shops.values(), *incheon_shops.values()]:
        assert shop.card_acceptance == "Y" and shop.hours_known is False and shop.source_key
    seven_eleven = chuncheon_shops["(주) 코리아세븐 춘천퇴계마루점"]
    assert (seven_eleven.category, seven_eleven.business_type) == ("편의점", "편의점")
    assert seven_eleven.address == "강원특별자치도 춘천시 퇴계농공로 12, 1동 109호 (석사동, 로얄프라자)"
    assert seven_eleven.area == "chuncheon"
    assert incheon_shops["장독대"].phone == "032-561-7454"
    assert incheon_shops["장독대"].latitude == pytest.approx(37.59287723)
    async with db.session() as session:
        assert (await session.exec(select(func.count()).select_from(ShopHours))).one() == 0


async def test_reimport_changes_nothing(db: Database, chuncheon_csv: Path, incheon_json: Path) -> None:
    await import_merchants(db, chuncheon_csv)
    await import_merchants(db, incheon_json)
    before = await shops_by_name(db, "merchants:chuncheon")

    again = await import_merchants(db, chuncheon_csv)
    incheon_again = await import_merchants(db, incheon_json)

    assert (again.imported, again.updated, again.unchanged) == (0, 0, CHUNCHEON_IMPORTED)
    assert (incheon_again.imported, incheon_again.updated, incheon_again.unchanged) == (0, 0, INCHEON_ROWS)
    assert await shop_count(db) == CHUNCHEON_IMPORTED + INCHEON_ROWS
    after = await shops_by_name(db, "merchants:chuncheon")
    assert {name: shop.id for name, shop in after.items()} == {name: shop.id for name, shop in before.items()}


def modified_copy(source: Path, target: Path) -> Path:
    """The Chuncheon list with one phone number changed and one shop added."""
    original = source.read_text(encoding="utf-8-sig")
    name, address = "(주) 아워홈 더플레이어스GC점", "강원특별자치도 춘천시 동산면 새술막길 438 1층"
    old_line = csv_row(name, "한식", address, "033-250-5042")
    assert original.count(old_line) == 1
    modified = original.replace(old_line, csv_row(name, "한식", address, "033 250 5043"))
    modified += csv_row("새봄분식", "분식", "강원특별자치도춘천시 중앙로 1, 1층", "0332540001") + "\n"
    target.write_text(modified, encoding="utf-8-sig")
    return target


async def test_modified_copy_updates_one_and_adds_one(db: Database, chuncheon_csv: Path, tmp_path: Path) -> None:
    await import_merchants(db, chuncheon_csv)
    copy = modified_copy(chuncheon_csv, tmp_path / "chuncheon_20250801.csv")

    report = await import_merchants(db, copy)

    assert (report.imported, report.updated, report.unchanged) == (1, 1, CHUNCHEON_IMPORTED - 1)
    assert report.rows == CHUNCHEON_ROWS + 1
    assert await shop_count(db, "merchants:chuncheon") == CHUNCHEON_IMPORTED + 1
    shops = await shops_by_name(db, "merchants:chuncheon")
    assert shops["(주) 아워홈 더플레이어스GC점"].phone == "033-250-5043"
    new = shops["새봄분식"]
    assert (new.category, new.address, new.phone) == ("분식", "강원특별자치도 춘천시 중앙로 1, 1층", "033-254-0001")


async def test_import_keeps_coordinates_found_since(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1"))
    await import_merchants(db, path)
    async with db.session() as session:
        shop = (await session.exec(select(Shop))).one()
        shop.latitude, shop.longitude, shop.card_acceptance = 37.88, 127.73, "P"
        session.add(shop)

    report = await import_merchants(db, path)

    assert (report.imported, report.updated, report.unchanged) == (0, 0, 1)
    async with db.session() as session:
        shop = (await session.exec(select(Shop))).one()
    assert (shop.latitude, shop.longitude, shop.card_acceptance) == (37.88, 127.73, "P")


async def test_bad_files_write_nothing(db: Database, tmp_path: Path) -> None:
    for label, (path, _message) in bad_files(tmp_path).items():
        with pytest.raises(MerchantFileError):
            await import_merchants(db, path)
        assert await shop_count(db) == 0, label


async def test_a_failure_while_writing_leaves_nothing_half_written(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(
        tmp_path / "two.csv",
        csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1"),
        csv_row("춘천반점", "중식", "강원특별자치도 춘천시 중앙로 2"),
    )
    await import_merchants(db, path)
    parsed = parse_merchants(
        write_csv(
            tmp_path / "three.csv",
            csv_row("김밥나라", "한식", "강원특별자치도 춘천시 중앙로 1", "033-254-0001"),
            csv_row("춘천반점", "중식", "강원특별자치도 춘천시 중앙로 2", "033-254-0002"),
            csv_row("새봄분식", "분식", "강원특별자치도 춘천시 중앙로 3"),
        )
    )
    # The new shop is inserted first; then an update breaks a NOT NULL constraint and the import must roll back.
    parsed.records[1] = dataclasses.replace(parsed.records[1], category=None)  # type: ignore[arg-type]
    monkeypatch.setattr(merchants_module, "parse_merchants", lambda _path: parsed)

    with pytest.raises(IntegrityError):
        await import_merchants(db, path)

    shops = await shops_by_name(db, "merchants:chuncheon")
    assert sorted(shops) == ["김밥나라", "춘천반점"]
    assert all(shop.phone is None for shop in shops.values())
