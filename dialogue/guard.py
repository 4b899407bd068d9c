"""The first look at a message: clean it, and turn away what needs no further work."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 500

# Zero-width characters and direction marks survive NFC and break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)


@dataclass(frozen=True, slots=True)
class Checked:
    text: str
    """The cleaned text: NFC, no control or invisible characters, white space folded."""
    refusal: str | None = None
    """A short Korean answer when the message gets no further work (empty, too long, emoji only)."""
    kind: str | None = None
    """Why it was refused: empty, too_long, emoji_only."""


# Terminal escape sequences (ECMA-48), removed whole: only their lead-in is a control character, and what follows
# it ("[31m", "]0;title") would otherwise reach understanding, its digits read as a quantity. In order: strings
# (OSC, DCS, SOS, PM, APC) up to their terminator or the next ESC, CSI with its parameters, then any other escape
# with its intermediates and final byte; a lone ESC at the end goes with the control characters below.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$)"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*(?:[@-~]|$)"
    r"|\x1b[ -/]*[0-~]"
)


def clean(text: str) -> str:
    text = _ESCAPE_SEQUENCE.sub(" ", text)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


def check(text: str) -> Checked:
    cleaned = clean(text)
    if not cleaned:
        return Checked(
            cleaned, '메시지가 비어 있어요. 먹고 싶은 것이나 예산을 말해 주세요. 예: "5천원으로 뭐 먹지?"', "empty"
        )
    if len(cleaned) > MAX_CHARS:
        return Checked(
            cleaned[:MAX_CHARS],
            f"메시지가 너무 길어요 ({len(cleaned):,}자). {MAX_CHARS}자 안으로 짧게 다시 보내 주세요.",
            "too_long",
        )
    if _only_symbols(cleaned):
        return Checked(
            cleaned,
            '😊 이모티콘만으로는 잘 모르겠어요. 무엇을 도와드릴까요? 예: "근처에 지금 먹을 곳 있어?"',
            "emoji_only",
        )
    return Checked(cleaned)


def _only_symbols(text: str) -> bool:
    """True when the text has no letter or digit at all (emoji, punctuation, symbols)."""
    return not any(unicodedata.category(ch)[0] in "LN" for ch in text)
