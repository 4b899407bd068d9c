"""Turning raw merchant rows into shop records, rejecting what cannot be a meal-card shop, with reasons."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storage.categories import category_for
from storage.importers.areas import SIDO_FULL_NAMES, area_slug
from storage.importers.merchant_files import MerchantFile, MerchantFormat, RawMerchant, read_merchant_file
from storage.importers.normalize import (
    clean_text,
    merchant_key,
    normalize_address,
    normalize_phone,
    parse_coordinates,
)
from storage.models import CardAcceptance

SOURCE_PREFIX = "merchants:"
NAME_MAX_LENGTH = 120  # Shop.name
ADDRESS_MAX_LENGTH = 200  # Shop.address
BUSINESS_TYPE_MAX_LENGTH = 40  # Shop.business_type


@dataclass(frozen=True, slots=True)
class MerchantRecord:
    """A normalised meal-card merchant, ready to become a ``Shop`` row.

    These lists are official meal-card merchant lists, so ``card_acceptance`` is "Y"; neither format carries real
    opening hours, so ``hours_known`` is False and no ``ShopHours`` rows are made.
    """

    row: int
    name: str
    category: str
    business_type: str | None
    area: str
    address: str
    phone: str | None
    latitude: float | None
    longitude: float | None
    source: str
    source_key: str
    card_acceptance: str = CardAcceptance.YES
    hours_known: bool = False


@dataclass(frozen=True, slots=True)
class RowIssue:
    """Why a row was rejected, or what was wrong with a row that was kept.

    ``reason`` is short and shared by rows with the same problem, so that reports can count by it; ``detail``
    says what is particular to this row (the row it duplicates, the value that was wrong).
    """

    row: int
    name: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"row {self.row} {self.name or '(no name)'}: {self.reason}{detail}"


def count_by_reason(issues: Iterable[RowIssue]) -> dict[str, int]:
    """How many issues share each reason, the most frequent first."""
    return dict(Counter(issue.reason for issue in issues).most_common())


@dataclass(slots=True)
class ParsedMerchants:
    """A merchant file read and normalised: the records to write, the rows rejected, warnings on kept rows."""

    path: Path
    format: MerchantFormat
    rows: int
    records: list[MerchantRecord] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Remarks on the file as a whole (a partial API page, an extension that does not match the content)."""


def parse_merchants(path: Path) -> ParsedMerchants:
    """Read a merchant list (either known format) and normalise it into records, without touching a database.

    Whole-file problems raise ``MerchantFileError``; row problems become rejections or warnings.
    Every row ends up either as a record or as a rejection: ``len(records) + len(rejected) == rows``.
    """
    return normalise_file(path, read_merchant_file(path))


def normalise_file(path: Path, merchant_file: MerchantFile) -> ParsedMerchants:
    """Records, rejections and warnings for the rows of an already read file; duplicates after the first go."""
    parsed = ParsedMerchants(path, merchant_file.format, len(merchant_file.rows), notes=list(merchant_file.notes))
    first_row_of_key: dict[tuple[str, str], int] = {}
    for raw in merchant_file.rows:
        record, warnings = normalise_row(raw)
        parsed.warnings.extend(warnings)
        if isinstance(record, RowIssue):  # rejected
            parsed.rejected.append(record)
            continue
        key = (record.source, record.source_key)
        if key in first_row_of_key:
            detail = f"same name and address as row {first_row_of_key[key]}"
            parsed.rejected.append(RowIssue(raw.row, record.name, "duplicate within the file", detail))
            continue
        first_row_of_key[key] = raw.row
        parsed.records.append(record)
    return parsed


def normalise_row(raw: RawMerchant) -> tuple[MerchantRecord | RowIssue, list[RowIssue]]:
    """One raw row as a record or the reason it is rejected, with warnings on it either way."""
    name = clean_text(raw.name)
    warnings = [RowIssue(raw.row, name, note) for note in raw.notes]

    def reject(reason: str, detail: str = "") -> tuple[RowIssue, list[RowIssue]]:
        return RowIssue(raw.row, name, reason, detail), warnings

    if not name:
        return reject("missing name")
    if len(name) > NAME_MAX_LENGTH:
        return reject("name too long", f"{len(name)} characters, at most {NAME_MAX_LENGTH}")
    business_type = clean_text(raw.business_type) or None
    category = category_for(business_type, name)
    if category is None:
        return reject(f"not a meal merchant: {business_type or 'no business type'}")

    sido, sigungu = clean_text(raw.sido), clean_text(raw.sigungu)
    address = normalize_address(raw.road_address, sigungu)
    if not address and raw.lot_address.strip():
        address = normalize_address(raw.lot_address, sigungu)
        if address:
            warnings.append(RowIssue(raw.row, name, "no road-name address; the lot-number address is used"))
    if not address:
        return reject("missing address")
    if len(address) > ADDRESS_MAX_LENGTH:
        return reject("address too long", f"{len(address)} characters, at most {ADDRESS_MAX_LENGTH}")
    sido, sigungu = sido or _address_sido(address), sigungu or _address_sigungu(address)
    area = area_slug(sido, sigungu) if sigungu else ""
    if not area:
        return reject("missing district (시군구)")
    if sigungu and sigungu.split()[0] not in address:
        warnings.append(RowIssue(raw.row, name, "address outside the listed district", f"{sigungu}: {address}"))

    phone = normalize_phone(raw.phone)
    if phone is None and clean_text(raw.phone):
        warnings.append(RowIssue(raw.row, name, "phone number not recognised", clean_text(raw.phone)))
    latitude, longitude, problem = parse_coordinates(raw.latitude, raw.longitude)
    if problem is not None:
        reason, _, detail = problem.partition(": ")
        kept = "kept" if latitude is not None else "dropped"
        warnings.append(RowIssue(raw.row, name, f"{reason}; coordinates {kept}", detail))

    record = MerchantRecord(
        row=raw.row,
        name=name,
        category=category,
        business_type=business_type[:BUSINESS_TYPE_MAX_LENGTH] if business_type else None,
        area=area,
        address=address,
        phone=phone,
        latitude=latitude,
        longitude=longitude,
        source=SOURCE_PREFIX + area,
        source_key=merchant_key(name, address),
    )
    return record, warnings


def _address_sido(address: str) -> str:
    return next((sido for sido in SIDO_FULL_NAMES if address.startswith(sido + " ")), "")


def _address_sigungu(address: str) -> str:
    """The 시군구 after the province in a normalised address ("강원특별자치도 춘천시 ..." -> "춘천시")."""
    words = address.split()
    start = 1 if _address_sido(address) else 0
    if len(words) > start and words[start][-1:] in ("시", "군", "구"):
        return words[start]
    return ""
