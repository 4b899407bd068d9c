"""Small helpers for natural Korean replies."""

from __future__ import annotations

from storage.units import won as won  # re-exported: replies word money the same way as the jobs

_DIGIT_HAS_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True, "7": True,
                    "8": True, "9": False}  # fmt: skip
_LETTERS_WITH_FINAL = frozenset("LMNR")  # read el, em, en, ar


def has_final_consonant(word: str) -> bool:
    """Whether the last sound of ``word`` has a 받침 (for choosing 은/는, 이/가, 을/를, 으로/로).

    Trailing punctuation and spaces are skipped ("치즈김밥)"); digits and Latin letters are read aloud (일, 삼, 엘).
    """
    for char in reversed(word.strip()):
        if "가" <= char <= "힣":
            return (ord(char) - 0xAC00) % 28 != 0
        if char in _DIGIT_HAS_FINAL:
            return _DIGIT_HAS_FINAL[char]
        if char.isalpha():
            return char.upper() in _LETTERS_WITH_FINAL
    return False


def particle(word: str, with_final: str, without_final: str) -> str:
    """``particle("떡볶이", "은", "는")`` -> "떡볶이는"."""
    return word + (with_final if has_final_consonant(word) else without_final)


def ro(word: str) -> str:
    """으로/로: "분식으로", "치킨으로", "피자로"; ㄹ 받침 takes 로 ("서울로", "사이다 (L)로", "1로")."""
    for char in reversed(word.strip()):
        if "가" <= char <= "힣":
            if (ord(char) - 0xAC00) % 28 == 8:
                return word + "로"
            break
        if char in "178" or char in "Ll":
            return word + "로"
        if char.isalnum():
            break
    return particle(word, "으로", "로")


def walking_minutes(distance_m: float) -> int:
    """Minutes on foot for a child (about 67 m a minute), at least 1."""
    return max(1, round(distance_m / 67))


def hhmm(minutes: int) -> str:
    """Minutes after midnight (may pass 24:00) -> "21:30", "01:00"."""
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def text_parts(text: str, size: int = 60) -> list[str]:
    """The text in parts of about ``size`` characters, broken after spaces where possible, for streaming."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space + 1 if space != -1 else end
        parts.append(text[start:end])
        start = end
    return parts
