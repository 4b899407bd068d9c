"""The meal-card merchant importer's reading: normalising fields, parsing the real public lists in ../shared, bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storage.importers import (
    MerchantFileError,
    MerchantFormat,
    detect_format,
    parse_merchants,
    read_merchant_file,
)
from storage.importers.areas import area_slug, romanize
from storage.importers.normalize import (
    clean_text,
    merchant_key,
    normalize_address,
    normalize_phone,
    parse_coordinates,
)
from tests.storage.merchant_files import (
    CHUNCHEON_IMPORTED,
    CHUNCHEON_REJECTED,
    CHUNCHEON_ROWS,
    CSV_HEADER,
    INCHEON_ROWS,
    bad_files,
    chuncheon_csv,
    csv_row,
    incheon_json,
    json_item,
    write_csv,
    write_json,
)

__all__ = ["chuncheon_csv", "incheon_json"]


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
