"""Text folding and the features the scope classifier and the lexical index read.

Korean spacing varies freely ("스마트스토어" / "스마트 스토어", "가입 방법" / "가입방법"), so the features are character
n-grams of the text with its spaces removed, plus whole words; no morphological analyser is needed, which keeps the
gate fast to build and free of a second kiwi instance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xad]")
_NOT_WORD = re.compile(r"[^0-9a-z가-힣ㄱ-ㅎㅏ-ㅣ]+")
_TAGS = re.compile(r"^[\s★☆]*(?:\[[^\]]*\]\s*)+")


def fold(text: str) -> str:
    """NFKC, lower case, no invisible characters, punctuation as spaces, single spaces."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def strip_tags(question: str) -> str:
    """A question without its leading bracketed category tags and stars ("[가입절차] ..." -> "...")."""
    return _TAGS.sub("", question).strip()


def char_ngrams(text: str, sizes: tuple[int, ...] = (2, 3)) -> list[str]:
    """Character n-grams of the folded text with spaces removed, ``<`` and ``>`` marking its ends."""
    compact = "<" + fold(text).replace(" ", "") + ">"
    return [compact[i : i + n] for n in sizes for i in range(len(compact) - n + 1)]


def bigrams(text: str) -> set[str]:
    """Distinct character bigrams of the folded, unspaced text (no end markers): the unit of lexical overlap."""
    compact = fold(text).replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def features(text: str, cues: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """What the scope classifier sees: "C:" character 1-4-grams, "W:" words and "Q:" cue groups (a group fires when
    the unspaced text contains any of its stems, so a food the examples never name still reads as food)."""
    folded = fold(text)
    compact = folded.replace(" ", "")
    out = ["C:" + g for g in char_ngrams(folded, (1, 2, 3, 4))]
    out.extend("W:" + word for word in folded.split())
    for name, stems in (cues or {}).items():
        if any(stem in compact for stem in stems):
            out.append("Q:" + name)
    return out
