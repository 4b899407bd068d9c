"""The first look at a message: clean it, and turn away what needs no further work.

A long message is not refused: its gist (the start, and the last sentence, where a child's question usually is)
goes on, and ``long_note`` words what the reply says about the cut. A message of emoji alone goes on when some of
them are food ("🍕🥤" asks for pizza, ``dialogue.nlu.foods.FOOD_EMOJI``) and is answered here otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dialogue.nlu.foods import food_emoji

MAX_CHARS = 500
"""The most of a message that is read; a longer one is read in part (``gist``)."""
_LAST_SENTENCE_MAX = MAX_CHARS // 2
"""A last sentence longer than this is no short question: the start alone is read."""
_SENTENCE_END = re.compile(r"(?<=[.!?~。？！])\s+")

# Zero-width characters and direction marks survive NFC and break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)


@dataclass(frozen=True, slots=True)
class Checked:
    text: str
    """The cleaned text: NFC, no control or invisible characters, white space folded."""
    refusal: str | None = None
    """A short Korean answer when the message gets no further work (empty, emoji only)."""
    kind: str | None = None
    """What the guard did: empty or emoji_only (refused), too_long (read in part, ``text`` is the gist)."""


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
        return Checked(gist(cleaned), kind="too_long")
    if _only_symbols(cleaned) and not food_emoji(cleaned):
        return Checked(
            cleaned,
            '😊 이모티콘만으로는 잘 모르겠어요. 무엇을 도와드릴까요? 예: "근처에 지금 먹을 곳 있어?"',
            "emoji_only",
        )
    return Checked(cleaned)


def gist(text: str, limit: int = MAX_CHARS) -> str:
    """At most ``limit`` characters of ``text`` that keep what it asks: the first sentences and the last one.

    Children often tell the story first and ask at the end ("... 그래서 5천원으로 뭐 먹지?"), so the last sentence
    is kept when it is short; sentences are never cut, except a first one longer than the limit (cut at a space).
    """
    if len(text) <= limit:
        return text
    sentences = _SENTENCE_END.split(text)
    last = sentences[-1] if len(sentences) > 1 and len(sentences[-1]) <= _LAST_SENTENCE_MAX else ""
    room = limit - len(last) - (1 if last else 0)
    head: list[str] = []
    for sentence in sentences[: -1 if last else None]:
        if len(" ".join([*head, sentence])) > room:
            break
        head.append(sentence)
    if not head:
        head = [_cut_at_space(sentences[0], room)]
    return " ".join([*head, last] if last else head)


def long_note(raw: str) -> str | None:
    """What a reply says about a message that was read in part (``gist``), or None when it was read whole."""
    cleaned = clean(raw)
    if len(cleaned) <= MAX_CHARS:
        return None
    read = gist(cleaned)
    sentences = _SENTENCE_END.split(cleaned)
    if len(sentences) > 1 and read.endswith(sentences[-1]):
        return "글이 길어서 앞부분과 마지막 문장만 읽었어요."
    return "글이 길어서 앞부분만 읽었어요."


def _cut_at_space(text: str, limit: int) -> str:
    """The first ``limit`` characters, ending at a space when one is near the end (no half word)."""
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space >= limit * 0.8 else cut


def _only_symbols(text: str) -> bool:
    """True when the text has no letter or digit at all (emoji, punctuation, symbols)."""
    return not any(unicodedata.category(ch)[0] in "LN" for ch in text)
