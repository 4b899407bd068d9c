"""Follow-up questions: spotting a question that leans on the previous turn, and the query to search instead.

"다른 방법은 없어?", "그건 얼마나 걸려?", "그럼 수수료는?" name no topic of their own (or only a word or two after a
pointing word); they are searched together with the user's previous topical question. A follow-up that asks for
another way ("다른 방법", "말고") prefers an entry other than the one the previous question found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.index.tokens import normalize

# Words that point back at the previous turn.
_POINTING = re.compile(
    r"(^|\s)(그럼|그러면|그러니까|그건|그거|그게|그걸|그것|그때|그\s|이건|이거|이게|저건|저거|거기|아까|방금|위에|그런데|근데|그리고|또)"
)
_ALTERNATIVE = re.compile(r"다른\s*(방법|방식|거|건|길|수단|경우)|말고|대신|또\s*다른|아니면|다른\s*건")
# Morphemes of a question's shape rather than its topic: a follow-up made only of these has no topic of its own.
GENERIC_MORPHEMES = frozenset(
    {
        "방법",
        "다르",
        "얼마",
        "얼마나",
        "걸리",
        "알리",
        "주",
        "가능",
        "어디",
        "언제",
        "왜",
        "좋",
        "궁금",
        "문의",
        "질문",
        "설명",
        "뭐",
        "무엇",
        "알",
        "모르",
        "말",
        "그렇",
        "이렇",
        "저렇",
        "그거",
        "이거",
        "거",
        "건",
        "게",
        "하나",
        "더",
        "또",
        "다시",
        "정도",
        "기간",
        "시간",
        "날",
        "일",
        "몇",
        "방식",
        "경우",
        "어떻",
        "해주",
        "되나",
        "필요",
        "있",
        "없",
        "알다",
        "보",
        "보이",
        "나오",
        "걸",
        "오래",
        "빨리",
        "바로",
        "그럼",
        "그러면",
        "대신",
        "말고",
    }
)
_MAX_FOLLOWUP_TOPIC_TERMS = 2
_MAX_HISTORY = 3


@dataclass(frozen=True, slots=True)
class Rewrite:
    """How a query is searched given the conversation so far."""

    query: str
    """The question as typed (normalised)."""
    previous: str | None
    """The earlier question(s) whose topic the follow-up borrows; None when the query stands alone."""
    wants_alternative: bool

    @property
    def is_followup(self) -> bool:
        return self.previous is not None

    @property
    def text(self) -> str:
        """The query to report and embed: previous topic, then the follow-up."""
        return f"{self.previous} {self.query}" if self.previous else self.query


class FollowUpDetector:
    """Decides whether a query needs the previous turn.

    ``content(text)`` returns the text's content morphemes, each with whether the collection's questions know
    it. With history present, a query is a follow-up when it has no content beyond generic question words
    ("다른 방법은 없어?"), or when it points back ("그럼", "그건" ...) and names at most two known topics in a short
    sentence ("그럼 수수료는?"). A word the collection does not know is a new topic: "그럼 날씨는?" stands alone,
    so an off-topic question is never dressed up with the previous turn's topic.
    """

    def __init__(self, content: Callable[[str], list[tuple[str, bool]]]) -> None:
        self.content = content

    def topical(self, text: str) -> tuple[list[str], list[str]]:
        """(known topic morphemes, unknown content morphemes) of ``text``, generic question words left out."""
        known: list[str] = []
        unknown: list[str] = []
        for term, is_known in self.content(text):
            if term in GENERIC_MORPHEMES:
                continue
            (known if is_known else unknown).append(term)
        return known, unknown

    def rewrite(self, query: str, history: Sequence[str]) -> Rewrite:
        text = normalize(query)
        wants_alternative = bool(_ALTERNATIVE.search(text))
        earlier = [normalize(turn) for turn in history if turn and turn.strip()]
        if not earlier or not self.needs_context(text):
            return Rewrite(text, None, wants_alternative)
        # Borrow from the latest earlier question that has a topic of its own (with any follow-ups after it).
        borrowed: list[str] = []
        for turn in reversed(earlier[-_MAX_HISTORY:]):
            borrowed.insert(0, turn)
            if not self.needs_context(turn):
                break
        if not any(self.topical(turn)[0] for turn in borrowed):
            return Rewrite(text, None, wants_alternative)
        return Rewrite(text, " ".join(borrowed), wants_alternative)

    def needs_context(self, text: str) -> bool:
        known, unknown = self.topical(text)
        if unknown:
            return False
        if not known:
            return True
        pointing = bool(_POINTING.search(text)) or bool(_ALTERNATIVE.search(text))
        return pointing and len(known) <= _MAX_FOLLOWUP_TOPIC_TERMS and len(text.replace(" ", "")) <= 20
