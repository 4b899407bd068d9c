"""Korean provinces (시도) and the ASCII area codes kkini derives from a 시도 and a 시군구 name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sido:
    """A province-level division: its current official name, the names addresses also use, its area slug."""

    name: str
    slug: str
    metropolitan: bool
    former: tuple[str, ...] = ()
    short: tuple[str, ...] = ()


SIDOS: tuple[Sido, ...] = (
    Sido("서울특별시", "seoul", True, short=("서울", "서울시")),
    Sido("부산광역시", "busan", True, short=("부산", "부산시")),
    Sido("대구광역시", "daegu", True, short=("대구", "대구시")),
    Sido("인천광역시", "incheon", True, short=("인천", "인천시")),
    Sido("광주광역시", "gwangju", True, short=("광주",)),
    Sido("대전광역시", "daejeon", True, short=("대전", "대전시")),
    Sido("울산광역시", "ulsan", True, short=("울산", "울산시")),
    Sido("세종특별자치시", "sejong", True, short=("세종", "세종시")),
    Sido("경기도", "gyeonggi", False, short=("경기",)),
    Sido("강원특별자치도", "gangwon", False, former=("강원도",), short=("강원",)),
    Sido("충청북도", "chungbuk", False, short=("충북",)),
    Sido("충청남도", "chungnam", False, short=("충남",)),
    Sido("전북특별자치도", "jeonbuk", False, former=("전라북도",), short=("전북",)),
    Sido("전라남도", "jeonnam", False, short=("전남",)),
    Sido("경상북도", "gyeongbuk", False, short=("경북",)),
    Sido("경상남도", "gyeongnam", False, short=("경남",)),
    Sido("제주특별자치도", "jeju", False, former=("제주도",), short=("제주",)),
)

# Full names (current and former), longest first, so that a prefix match never stops at a shorter name.
SIDO_FULL_NAMES: tuple[str, ...] = tuple(
    sorted((name for sido in SIDOS for name in (sido.name, *sido.former)), key=len, reverse=True)
)
# Abbreviations as a whole first word of an address ("서울 종로구 ...") and the official name they stand for.
SIDO_SHORT_NAMES: dict[str, str] = {short: sido.name for sido in SIDOS for short in sido.short}

# 시군구 names that exist in more than one province; their area code carries the province's slug.
_AMBIGUOUS_SIGUNGU = frozenset({"고성군"})

AREA_MAX_LENGTH = 30  # Shop.area allows 40, and the import source "merchants:<area>" must fit in 40 too


def find_sido(name: str) -> Sido | None:
    """The province a name (official, former or abbreviated) stands for."""
    name = name.strip()
    for sido in SIDOS:
        if name == sido.name or name in sido.former or name in sido.short:
            return sido
    return None


def area_slug(sido_name: str, sigungu: str) -> str:
    """The ASCII area code of a 시군구: ``chuncheon`` for 춘천시, ``incheon-seogu`` for 인천광역시 서구.

    A district of a metropolitan city carries the city's slug (서구 and 중구 exist in several cities); a city or
    county of a province is named alone. The 시/군/구 suffix goes unless the name would be one syllable:
    ``seoul-gangnam`` for 강남구 but ``incheon-seogu`` for 서구. Returns "" when neither name is known.
    """
    sido = find_sido(sido_name)
    parts = sigungu.split()
    if not parts or (sido is not None and find_sido(parts[0]) is sido):
        return sido.slug if sido is not None else ""
    names = [romanize(_without_suffix(part)) for part in parts]
    if sido is not None and (sido.metropolitan or parts[0] in _AMBIGUOUS_SIGUNGU):
        names.insert(0, sido.slug)
    slug = "-".join(names)
    return slug[:AREA_MAX_LENGTH].strip("-")


def _without_suffix(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "시군구" else name


_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# A final consonant that moves to the next syllable when that one starts with a vowel (철원 -> cheorwon).
_LIAISON = {
    1: "g", 2: "kk", 4: "n", 7: "d", 8: "r", 16: "m", 17: "b", 19: "s",
    20: "ss", 22: "j", 23: "ch", 24: "k", 25: "t", 26: "p", 27: "",
}  # fmt: skip
_RIEUL, _IEUNG, _FINAL_N, _FINAL_L = 5, 11, 4, 8


def romanize(text: str) -> str:
    """Revised Romanization of Hangul, lower-case and without separators: 춘천 -> chuncheon, 강릉 -> gangneung.

    Covers the sound changes that matter in place names (liaison, ㄹ after a consonant, ㄴ+ㄹ); characters other
    than Hangul syllables are kept when they are ASCII letters or digits and dropped otherwise.
    """
    syllables = [(ord(ch) - 0xAC00) if "가" <= ch <= "힣" else ch for ch in text]
    out: list[str] = []
    for index, item in enumerate(syllables):
        if isinstance(item, str):
            out.append(item.lower() if item.isascii() and item.isalnum() else "")
            continue
        initial, vowel, final = item // 588, (item % 588) // 28, item % 28
        previous = syllables[index - 1] if index > 0 else None
        following = syllables[index + 1] if index + 1 < len(syllables) else None
        prev_final = previous % 28 if isinstance(previous, int) else 0
        onset = _INITIALS[initial]
        if initial == _IEUNG and prev_final in _LIAISON:
            onset = _LIAISON[prev_final]
        elif initial == _RIEUL and prev_final in (_FINAL_L, _FINAL_N):
            onset = "l"
        elif initial == _RIEUL and prev_final:
            onset = "n"
        coda = _FINALS[final]
        if isinstance(following, int):
            next_initial = following // 588
            if next_initial == _IEUNG and final in _LIAISON:
                coda = ""
            elif next_initial == _RIEUL and final == _FINAL_N:
                coda = "l"
        out.append(onset + _VOWELS[vowel] + coda)
    return "".join(out)
