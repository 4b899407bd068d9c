"""Text clean-up before understanding: one form for display and a folded form for matching.

``clean`` keeps what the user wrote (Unicode NFC, control characters removed, whitespace folded) and is what the
engine may show back. ``for_matching`` goes further so that rules and the classifier see fewer spellings of the same
message: full-width ASCII folded, Latin lower-cased, laughter and crying runs (ㅋㅋㅋㅋ, ㅠㅠㅠ) shortened, repeated
punctuation reduced to one mark, long runs of one character cut to two, and food emoji written as their words
("🍔" as "햄버거", ``dialogue.nlu.foods.FOOD_EMOJI``). Digits are never touched, so amounts
survive. The matching form keeps spaces, because Korean spacing (however wrong) still marks word boundaries that
rules rely on.
"""

from __future__ import annotations

import re
import unicodedata

from dialogue.nlu.foods import with_food_words

# Zero-width and formatting characters that arrive from copy-paste and keyboards (ZWSP, BOM, joiners).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_PUNCT_RUN = re.compile(r"([?!.~,^;])\1+")
_MIXED_END = re.compile(r"[?!]{2,}")
_ELLIPSIS = re.compile(r"…+|\.{2,}")
# A non-digit character repeated three or more times ("배고파아아아", "ㅋㅋㅋㅋ", "ㅠㅠㅠ").
_LONG_RUN = re.compile(r"([^\d\s])\1{2,}")
# Crying and laughing written with mixed jamo ("ㅠㅜㅠ", "ㅋㅎㅋㅎ").
_CRY = re.compile(r"[ㅠㅜ]{2,}")
_LAUGH = re.compile(r"[ㅋㅎ]{3,}")


def clean(text: str) -> str:
    """The message as the user wrote it, made safe: NFC, control and zero-width characters removed, spaces folded."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return _SPACES.sub(" ", text).strip()


def _fold_width(text: str) -> str:
    # Full-width ASCII (Ｆ, ５, ！) to half-width. NFKC would do it but would also decompose the compatibility
    # jamo (ㅋ, ㅠ) that carry meaning here, so only this block is mapped.
    return "".join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in text)


def for_matching(text: str) -> str:
    """The folded form that rules and features read; never shown to the user.

    >>> for_matching("배고파아아아 ㅠㅠㅠㅠ 빨리!!!")
    '배고파아아 ㅠㅠ 빨리!'
    """
    text = with_food_words(_fold_width(clean(text))).lower()
    text = _ELLIPSIS.sub(".", text)
    text = _CRY.sub("ㅠㅠ", text)
    text = _LAUGH.sub("ㅋㅋ", text)
    text = _LONG_RUN.sub(r"\1\1", text)
    text = _MIXED_END.sub("?", text) if "?" in text else text
    text = _PUNCT_RUN.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def without_spaces(text: str) -> str:
    """The matching form with every space removed, for dictionary look-ups that must ignore wrong spacing."""
    return text.replace(" ", "")
