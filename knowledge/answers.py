"""Extractive answers: the best entry's title, then its answer cut to what the channel can show.

Nothing is generated: the text is the entry's own answer, cut after the last whole sentence that fits the channel's
limit, with "…" and a note that there is more. Channels that stream split the rendered text with
``dialogue.korean.text_parts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.types import FaqEntry

KAKAO_SIMPLE_TEXT_LIMIT = 1000
"""Kakao i open builder: a simpleText bubble holds at most 1,000 characters."""
TELEGRAM_MESSAGE_LIMIT = 4096
"""Telegram Bot API: a message text holds at most 4,096 characters."""
SLACK_SECTION_LIMIT = 3000
"""Slack Block Kit: a section's text holds at most 3,000 characters."""

ELLIPSIS = "…"
MORE_NOTE = "(답변이 길어 앞부분만 보여 드렸어요. 궁금한 부분을 더 자세히 물어봐 주세요.)"
_TITLE_GAP = "\n\n"
_CUT_GAP = "\n\n"

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xad]")
_TAGS = re.compile(r"^[\s★☆]*(?:\[[^\]]*\]\s*)+")
# A sentence ends at a line end; after ! ? … or 》 followed by white space; after a full stop followed by white
# space behind a syllable or a closing mark (so not the "1." or "I." of a numbered list); and after a mark glued to
# the next sentence ("합니다.사업자") behind a syllable (so not in "1.5" or "www.naver.com").
_SENTENCE_END = re.compile(r"(?<=[가-힣)\]\"'”’])\.(?=\s)|[!?…》](?=\s)|(?<=[가-힣])[.!?](?=[^\s.!?])|\n")


@dataclass(frozen=True, slots=True)
class Answer:
    """What is shown for one entry: ``render()`` = title, a blank line, text."""

    title: str
    """The entry's question without its tags."""
    text: str
    """The answer, cut with "…" and the more-note when ``truncated``."""
    source_id: str
    """The entry's id (its original question)."""
    truncated: bool

    def render(self) -> str:
        """The whole reply as one string (never longer than the limit it was composed for)."""
        return f"{self.title}{_TITLE_GAP}{self.text}" if self.text else self.title


def tidy(text: str) -> str:
    """No invisible characters or no-break spaces, single spaces, no blank-line runs, stripped."""
    text = _INVISIBLE.sub("", text).replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sentence_ends(text: str) -> list[int]:
    """Positions just after each sentence of ``text`` (the last is ``len(text)``)."""
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    return ends


def compose_answer(entry: FaqEntry, *, limit: int, note: str = MORE_NOTE) -> Answer:
    """The answer to show for ``entry`` in at most ``limit`` characters (``render()`` included).

    The body keeps whole sentences; when it is cut it ends with "…" and ``note``. A first sentence longer than the
    room left is cut at a space. With very little room the note goes first, then the body, then the title is cut.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    title = tidy(entry.question) or tidy(_TAGS.sub("", entry.id))
    body = tidy(entry.answer)
    if len(title) >= limit:
        return Answer(_cut_title(title, limit), "", entry.id, truncated=bool(body) or len(title) > limit)
    room = limit - len(title) - len(_TITLE_GAP)
    if len(body) <= room:
        return Answer(title, body, entry.id, truncated=False)
    for tail in (f" {ELLIPSIS}{_CUT_GAP}{note}", f" {ELLIPSIS}", ELLIPSIS):
        kept = _keep(body, room - len(tail))
        if kept:
            return Answer(title, kept + tail, entry.id, truncated=True)
    return Answer(title, "", entry.id, truncated=True)


def _keep(body: str, room: int) -> str:
    """The longest run of whole sentences of ``body`` within ``room`` characters; else words; else characters."""
    if room <= 0:
        return ""
    fitting = [end for end in sentence_ends(body) if len(body[:end].rstrip()) <= room]
    if fitting:
        return body[: fitting[-1]].rstrip()
    window = body[: room + 1]
    space = max(window.rfind(" "), window.rfind("\n"))
    if space > 0:
        return body[:space].rstrip()
    return body[:room]


def _cut_title(title: str, limit: int) -> str:
    if len(title) <= limit:
        return title
    return title[: limit - 1] + ELLIPSIS if limit > 1 else ELLIPSIS


# -- readable passages --------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"(?<![\d.,])([1-9]|1[0-9])[.)](?=\s|\[|'|\"|[가-힣])")
"""A list item's number ("1." "2)"), not a decimal or a date: no digit or mark before it."""
_BULLET = re.compile(r"\s*([·•▪■□○●◆◇▶※])\s*")


def readable(text: str) -> str:
    """``text`` laid out for reading: numbered steps and bullets each on their own line (pasted help pages glue
    them: "가입하기1. 회원가입 2. 인증", "tumblr.com·트위터"), notes ("※ 참고.") on their own line too.

    Numbers are read as a list only when they count up from 1 ("1." then "2."): "3일 이내" and "1.98%" stay.
    """
    text = tidy(text)
    text = _split_numbered(text)
    text = _BULLET.sub(_bullet_break, text)
    return re.sub(r"\n{2,}", "\n", text).strip()


def _split_numbered(text: str) -> str:
    found = list(_NUMBERED.finditer(text))
    expected = 1
    cuts: list[int] = []
    for match in found:
        number = int(match.group(1))
        if number == expected:
            cuts.append(match.start())
            expected += 1
        elif number == 1:  # a second list
            cuts.append(match.start())
            expected = 2
    if len(cuts) < 2:
        return text
    parts = [text[a:b].rstrip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return "\n".join(part for part in parts if part)


def _bullet_break(match: re.Match[str]) -> str:
    mark = match.group(1)
    before = match.string[max(0, match.start() - 1) : match.start()]
    after = match.string[match.end() : match.end() + 1]
    if mark == "·" and "가" <= before <= "힣" and "가" <= after <= "힣" and match.group(0) == mark:
        return mark  # 가·나: a middle dot between two words, not a bullet
    if match.start() == 0:
        return mark + " "
    return "\n" + mark + " "


@dataclass(frozen=True, slots=True)
class PassageAnswer:
    """An answer made of the passage that answers: ``render()`` = title, a blank line, the passage."""

    title: str
    passage: str
    source_id: str
    more: bool
    """Whether the entry says more than the passage (so "자세히 보기" has something to show)."""

    def render(self) -> str:
        return f"{self.title}{_TITLE_GAP}{self.passage}" if self.passage else self.title


def compose_passage(entry: FaqEntry, passage: str, *, limit: int) -> PassageAnswer:
    """The answer for ``entry`` when the search found ``passage`` (a part of its answer) nearest the question:
    that passage, laid out by ``readable``, within ``limit`` characters; the answer's start when ``passage`` is
    empty or not part of the answer."""
    body = tidy(entry.answer)
    part = tidy(passage)
    if not part or _fold(part) not in _fold(body):
        whole = compose_answer(entry, limit=limit, note="")
        shown = whole.text.removesuffix(ELLIPSIS).rstrip()
        return PassageAnswer(whole.title, readable(shown), entry.id, whole.truncated)
    title = tidy(entry.question) or tidy(_TAGS.sub("", entry.id))
    shown = readable(part)
    room = limit - len(title) - len(_TITLE_GAP)
    if len(shown) > room:
        shown = _keep(shown, room - 2).rstrip() + " " + ELLIPSIS
    more = len(_fold(part)) < len(_fold(body))
    return PassageAnswer(title, shown, entry.id, more)


def _fold(text: str) -> str:
    return "".join(text.split())
