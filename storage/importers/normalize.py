"""Normalising the text of public merchant lists: names, addresses, phone numbers, coordinates, match keys."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from storage.importers.areas import SIDO_FULL_NAMES, SIDO_SHORT_NAMES

# Full-width ASCII (U+FF01-U+FF5E) to ASCII, enclosed company marks to their bracketed form, and the accents and
# curly quotes some lists type instead of an apostrophe ("박´S푸드").
_TRANSLATION: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_TRANSLATION.update({ord("㈜"): "(주)", ord("㈔"): "(사)", ord("´"): "'", ord("‘"): "'", ord("’"): "'"})
# Unicode categories that print nothing: controls, format characters (U+200B, U+FEFF, soft hyphen), unassigned.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})


def clean_text(value: str | None) -> str:
    """NFC text without invisible characters, every run of whitespace (NBSP and U+3000 included) one space."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).translate(_TRANSLATION)
    kept = (
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )
    return " ".join("".join(kept).split())


def normalize_address(value: str | None, sigungu: str = "") -> str:
    """A road-name (or lot-number) address in its standard spacing.

    "강원특별자치도춘천시 스포츠타운길399번길 22 ,1층(삼천동) ." becomes
    "강원특별자치도 춘천시 스포츠타운길399번길 22, 1층 (삼천동)": the province and the 시군구 (``sigungu``, when the
    row names it) are split where glued, an abbreviated province is written out ("서울 종로구" -> "서울특별시 종로구"),
    commas and brackets get the standard spacing and the stray dots and commas lists leave at the end go.
    """
    text = clean_text(value)
    if not text:
        return ""
    first, _, rest = text.partition(" ")
    if first in SIDO_SHORT_NAMES:
        text = f"{SIDO_SHORT_NAMES[first]} {rest}".strip()
    for sido in SIDO_FULL_NAMES:
        if text.startswith(sido):
            remainder = text[len(sido) :].lstrip()
            sigungu = sigungu.strip()
            glued = remainder[len(sigungu) : len(sigungu) + 1] not in ("", " ")
            if sigungu and remainder.startswith(sigungu) and glued:
                remainder = f"{sigungu} {remainder[len(sigungu) :]}"
            text = f"{sido} {remainder}".strip()
            break
    text = re.sub(r"\s*(?:,\s*)+", ", ", text)  # "22 ,1층" and "78, , (우두동)": one comma, one space
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"[\s,]+\)", ")", text)
    text = re.sub(r"(?:,\s*|(?<=[^\s(]))\(", " (", text)  # "1층(석사동)" and "78, (우두동)": a space, no comma
    return re.sub(r"[\s.,]+$", "", text)


# Nationwide representative numbers (1577-xxxx), which lists sometimes write behind an area code ("02-1577-0711").
_REPRESENTATIVE = re.compile(r"(?:02|0[3-6][1-5])?(1[568]\d{2})(\d{4})")
_SEOUL = re.compile(r"(02)([2-9]\d{2,3})(\d{4})")
_AREA = re.compile(r"(0[3-6][1-5])([2-9]\d{2,3})(\d{4})")
_MOBILE_AND_SERVICE = re.compile(r"(01[016789]|070|080)(\d{3,4})(\d{4})")
_SAFE_NUMBER = re.compile(r"(050\d?)(\d{4})(\d{4})")


def normalize_phone(value: str | None) -> str | None:
    """A phone number as 0XX-XXX(X)-XXXX (or 15XX-XXXX for representative numbers), or None when it is not one."""
    text = clean_text(value)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+82"):
        digits = "0" + digits[2:].removeprefix("0")
    if not digits:
        return None
    for pattern in (_REPRESENTATIVE, _SEOUL, _AREA, _MOBILE_AND_SERVICE, _SAFE_NUMBER):
        match = pattern.fullmatch(digits)
        if match:
            return "-".join(match.groups())
    return None


# Characters a list may or may not write around the same name or address: spacing, commas, brackets, dots, quotes.
_KEY_NOISE = re.compile(r"[\s.,()\[\]'\"·]")


def merchant_key(name: str, address: str) -> str:
    """A stable key for a merchant from its normalised name and address (32 hex characters).

    Spacing, brackets and punctuation do not count, so "한국맥도날드 (유) 춘천퇴계DT점, 영서로 2173 퇴계동" and
    "한국맥도날드(유)춘천퇴계DT점, 영서로 2173 (퇴계동)" are the same merchant. Changing this function changes
    every key and makes the next import insert every shop again: keep it stable.
    """
    compact = f"{_KEY_NOISE.sub('', name.casefold())}|{_KEY_NOISE.sub('', address.casefold())}"
    return hashlib.blake2b(compact.encode("utf-8"), digest_size=16).hexdigest()


# Mainland Korea, Jeju and the islands (Ulleungdo and Dokdo reach 131.9 E).
LATITUDE_RANGE = (33.0, 39.0)
LONGITUDE_RANGE = (124.0, 132.0)


def parse_coordinates(latitude: str | None, longitude: str | None) -> tuple[float | None, float | None, str | None]:
    """Latitude and longitude inside Korea, or (None, None, why) when present but unusable.

    Empty values give (None, None, None) without a complaint; a pair written the wrong way round is swapped back
    and the swap reported.
    """
    lat_text, lon_text = clean_text(latitude), clean_text(longitude)
    if not lat_text and not lon_text:
        return None, None, None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return None, None, f"malformed coordinates: {lat_text!r}, {lon_text!r}"
    if _inside_korea(lat, lon):
        return lat, lon, None
    if _inside_korea(lon, lat):
        return lon, lat, "latitude and longitude swapped"
    return None, None, f"coordinates outside Korea: {lat_text}, {lon_text}"


def _inside_korea(lat: float, lon: float) -> bool:
    return LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]
