"""Reading public meal-card merchant lists: telling the format from the content and reading raw rows.

Two shapes are known: a municipal CSV (Chuncheon's, with 가맹점명, 업종명, 시군구명, 소재지도로명주소 ...; the
data.go.kr standard-data CSV uses the same Korean headers plus 소재지지번주소, 위도, 경도) and the data.go.kr
standard-data API's JSON answer (``response.body.items[]`` with mrhstNm, rdnmadr, lnmadr, latitude, longitude ...).
The opening hours the API carries are placeholders (every shop 10:00-20:00) and are not read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from storage.importers.normalize import clean_text


class MerchantFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, empty, an unknown format, malformed); nothing is written."""


class MerchantFormat(StrEnum):
    CSV = "csv"
    DATA_GO_KR_JSON = "data.go.kr-json"


@dataclass(frozen=True, slots=True)
class RawMerchant:
    """One row as the file wrote it, before any normalisation.

    ``row`` is the CSV line (the header is line 1) or the 1-based position in the JSON items.
    """

    row: int
    name: str
    business_type: str | None
    sido: str
    sigungu: str
    road_address: str
    lot_address: str
    phone: str
    latitude: str
    longitude: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MerchantFile:
    format: MerchantFormat
    rows: list[RawMerchant]
    notes: list[str] = field(default_factory=list)


# Fields the reader fills, and the CSV headers that may carry each (first match wins).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("가맹점명", "상호명", "상호"),
    "business_type": ("업종명", "업종"),
    "sido": ("시도명",),
    "sigungu": ("시군구명",),
    "road_address": ("소재지도로명주소", "도로명주소"),
    "lot_address": ("소재지지번주소", "지번주소"),
    "phone": ("전화번호",),
    "latitude": ("위도",),
    "longitude": ("경도",),
}
_JSON_FIELDS = {
    "name": "mrhstNm",
    "sido": "ctprvnNm",
    "sigungu": "signguNm",
    "road_address": "rdnmadr",
    "lot_address": "lnmadr",
    "phone": "phoneNumber",
    "latitude": "latitude",
    "longitude": "longitude",
}
_EXPECTED = (
    "expected a meal-card merchant CSV (headers 가맹점명, 소재지도로명주소, 업종명, 시군구명 ...) "
    "or a data.go.kr JSON response (response.body.items[] with mrhstNm, rdnmadr ...)"
)


def read_merchant_file(path: Path) -> MerchantFile:
    """Read a merchant list, telling its format from the content (a file extension is never trusted).

    Raises MerchantFileError for anything that is not a readable, non-empty list in one of the known formats.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MerchantFileError(f"cannot read {path}: {error.strerror or error}") from error
    merchant_file = parse_merchant_text(decode(data))
    named = {".csv": MerchantFormat.CSV, ".json": MerchantFormat.DATA_GO_KR_JSON}.get(path.suffix.lower())
    if named is not None and named is not merchant_file.format:
        merchant_file.notes.append(f"the file is named {path.suffix} but holds {merchant_file.format}")
    return merchant_file


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with BOM, or CP949 as older Korean exports are."""
    if not data.strip():
        raise MerchantFileError("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        raise MerchantFileError("this is a zip or Excel (.xlsx) file: export the sheet as CSV first")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise MerchantFileError("this is a binary file, not a merchant list: " + _EXPECTED)
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MerchantFileError("the file is neither UTF-8 nor CP949 text")


def detect_format(text: str) -> MerchantFormat:
    """JSON when the text starts like JSON, CSV when its first line is a delimited header; else an error.

    Whether the CSV's header names the merchant columns is checked when its rows are read.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise MerchantFileError("the file is empty")
    if stripped[0] in "{[":
        return MerchantFormat.DATA_GO_KR_JSON
    header = next(csv.reader([stripped.splitlines()[0]], delimiter=_delimiter(stripped)))
    if len([cell for cell in header if cell.strip()]) >= 2:
        return MerchantFormat.CSV
    raise MerchantFileError("unknown format: " + _EXPECTED)


def parse_merchant_text(text: str) -> MerchantFile:
    """Raw rows from a merchant list's text in either known format."""
    fmt = detect_format(text)
    merchant_file = _read_json(text) if fmt is MerchantFormat.DATA_GO_KR_JSON else _read_csv(text)
    if not merchant_file.rows:
        raise MerchantFileError("the file holds no merchant rows")
    return merchant_file


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def _read_csv(text: str) -> MerchantFile:
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.lstrip()))
    try:
        header = [clean_text(cell) for cell in next((cells for cells in reader if any(map(str.strip, cells))), [])]
        columns = _resolve_columns(header)
        rows: list[RawMerchant] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            notes = () if len(cells) == len(header) else (f"{len(cells)} fields where the header has {len(header)}",)
            values = {key: cells[index] if index < len(cells) else "" for key, index in columns.items()}
            rows.append(_raw(reader.line_num, values, notes))
    except csv.Error as error:
        raise MerchantFileError(f"malformed CSV at line {reader.line_num}: {error}") from error
    return MerchantFile(MerchantFormat.CSV, rows)


def _resolve_columns(header: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for key, names in CSV_COLUMNS.items():
        for name in names:
            if name in header:
                columns[key] = header.index(name)
                break
    missing = [CSV_COLUMNS["name"][0]] if "name" not in columns else []
    if "road_address" not in columns and "lot_address" not in columns:
        missing.append(CSV_COLUMNS["road_address"][0])
    if missing:
        raise MerchantFileError(
            f"not a merchant CSV: it lacks the column(s) {', '.join(missing)}; its header is: {', '.join(header)}"
        )
    return columns


def _read_json(text: str) -> MerchantFile:
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        raise MerchantFileError(f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    items, total = _json_items(document)
    if not items:
        raise MerchantFileError("the file holds no merchant rows")
    if not all(isinstance(item, Mapping) for item in items):
        raise MerchantFileError("the JSON items are not all objects: " + _EXPECTED)
    if not any(_JSON_FIELDS["name"] in item for item in items):
        raise MerchantFileError("the JSON items have no mrhstNm (merchant name): " + _EXPECTED)
    rows = [
        _raw(position, {key: _text(item.get(name)) for key, name in _JSON_FIELDS.items()}, ())
        for position, item in enumerate(items, start=1)
    ]
    notes = []
    if total is not None and total > len(items):
        notes.append(f"the file holds {len(items)} of the API's {total} rows: fetch the other pages too")
    return MerchantFile(MerchantFormat.DATA_GO_KR_JSON, rows, notes)


def _json_items(document: Any) -> tuple[list[Any], int | None]:
    """The items of a data.go.kr answer, and its totalCount when it says one."""
    if isinstance(document, list):
        return document, None
    if not isinstance(document, Mapping):
        raise MerchantFileError("the JSON is not an object: " + _EXPECTED)
    response = document.get("response", document)
    if not isinstance(response, Mapping):
        raise MerchantFileError("the JSON has no response object: " + _EXPECTED)
    header = response.get("header")
    if isinstance(header, Mapping) and str(header.get("resultCode", "00")).strip() not in ("00", "0"):
        raise MerchantFileError(f"the API answered an error: {header.get('resultCode')} {header.get('resultMsg', '')}")
    body = response.get("body", response)
    items = body.get("items") if isinstance(body, Mapping) else None
    if isinstance(items, Mapping):  # the XML-shaped answer: items.item is a list, or one object
        items = items.get("item")
        items = [items] if isinstance(items, Mapping) else items
    if items is None:
        raise MerchantFileError("the JSON has no response.body.items: " + _EXPECTED)
    if not isinstance(items, list):
        raise MerchantFileError("response.body.items is not a list: " + _EXPECTED)
    total = body.get("totalCount") if isinstance(body, Mapping) else None
    try:
        return items, int(total) if total not in (None, "") else None
    except (TypeError, ValueError):
        return items, None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _raw(row: int, values: Mapping[str, str], notes: tuple[str, ...]) -> RawMerchant:
    return RawMerchant(
        row=row,
        name=values.get("name", ""),
        business_type=values.get("business_type"),
        sido=values.get("sido", ""),
        sigungu=values.get("sigungu", ""),
        road_address=values.get("road_address", ""),
        lot_address=values.get("lot_address", ""),
        phone=values.get("phone", ""),
        latitude=values.get("latitude", ""),
        longitude=values.get("longitude", ""),
        notes=notes,
    )
