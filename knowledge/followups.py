"""Follow-ups: after every answer, two questions the user is likely to ask next, each the question of a real entry.

Candidates come first from the entry's related-help links, then from the entries whose questions mean most nearly
the same (the searcher's dense leg, ``similar``; those sharing the entry's first tag first), then from entries
sharing its first tag and the nearest questions by character bigrams (all there is without a dense leg). Never the entry itself, an entry whose
question or answer repeats it, or two follow-ups with the same question. Each is shown as a polite offer made
from its question ("정산은 언제 되나요?" -> "정산은 언제 되는지 알려드릴까요?"); the payload stays the entry's id
(its original question), so choosing it retrieves exactly that entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from knowledge.gate.lexical import LexicalIndex
from knowledge.types import FaqEntry

FOLLOW_UPS = 2
SIMILAR_DEPTH = 8
"""Nearest questions by meaning that may be offered: further down they drift to other topics."""
_NOTE = re.compile(r"\s*\((?:[^()]*)\)\s*$")
_TAGS = re.compile(r"^[\s★☆]*(?:\[[^\]]*\]\s*)+")


@dataclass(frozen=True, slots=True)
class FollowUp:
    label: str
    """What the button or quick reply shows: an offer made from the question."""
    question_id: str
    """The entry's id (its original question): the payload to search with when the user picks it."""


class FollowUpSuggester:
    """Follow-ups over one collection; build once (it indexes the questions), then ``suggest`` per answer."""

    def __init__(self, entries: Sequence[FaqEntry], *, similar: Callable[[str, int], list[str]] | None = None) -> None:
        self.similar = similar
        self.entries = {entry.id: entry for entry in entries}
        self.order = {entry.id: i for i, entry in enumerate(entries)}
        self.index = LexicalIndex([entry.id for entry in entries], [entry.question for entry in entries])

    def suggest(self, entry: FaqEntry, k: int = FOLLOW_UPS) -> list[FollowUp]:
        """Up to ``k`` follow-ups for ``entry`` (exactly ``k`` whenever the collection has enough other entries)."""
        chosen: list[FaqEntry] = []
        seen_questions = {_key(entry.question)}
        seen_answers = {_key(entry.answer)}
        for candidate in self._candidates(entry):
            if candidate.id == entry.id or _key(candidate.question) in seen_questions:
                continue
            if _key(candidate.answer) in seen_answers:
                continue
            chosen.append(candidate)
            seen_questions.add(_key(candidate.question))
            seen_answers.add(_key(candidate.answer))
            if len(chosen) == k:
                break
        return [FollowUp(offer(candidate.question or candidate.id), candidate.id) for candidate in chosen]

    def _candidates(self, entry: FaqEntry) -> Iterator[FaqEntry]:
        for related in entry.related:
            if related in self.entries:
                yield self.entries[related]
        if self.similar is not None:
            near = [self.entries[key] for key in self.similar(entry.id, SIMILAR_DEPTH) if key in self.entries]
            tag = entry.tags[:1]
            yield from sorted(near, key=lambda other: bool(tag) and other.tags[:1] != tag)
        ranked = [self.entries[key] for key, _ in self.index.nearest(entry.question, len(self.entries), [entry.id])]
        if entry.tags:
            first = entry.tags[0]
            same_tag = [other for other in self.entries.values() if other.tags[:1] == (first,)]
            ranked_ids = {other.id: i for i, other in enumerate(ranked)}
            yield from sorted(same_tag, key=lambda other: (ranked_ids.get(other.id, len(ranked)), self.order[other.id]))
        yield from ranked
        yield from self.entries.values()  # questions that share no bigram at all, in collection order


def suggest(entry: FaqEntry, entries_by_id: Mapping[str, FaqEntry], k: int = FOLLOW_UPS) -> list[FollowUp]:
    """``k`` follow-ups for ``entry`` among ``entries_by_id`` (builds a suggester: keep one for repeated use)."""
    return FollowUpSuggester(list(entries_by_id.values())).suggest(entry, k)


def _key(text: str) -> str:
    return "".join(text.split())


# -- offers -------------------------------------------------------------------------------------------------

_OFFER = " 알려드릴까요?"
_GUIDE = " 안내해 드릴까요?"
# Statements of a problem, their ending -> the "when ..." form ("노출되지 않아요" -> "노출되지 않을 때").
_PROBLEMS = (
    ("않아요", "않을 때"),
    ("않습니다", "않을 때"),
    ("안 돼요", "안 될 때"),
    ("안돼요", "안 될 때"),
    ("안 됩니다", "안 될 때"),
    ("안됩니다", "안 될 때"),
    ("었어요", "었을 때"),
    ("었습니다", "었을 때"),
    ("았어요", "았을 때"),
    ("았습니다", "았을 때"),
    ("됐어요", "됐을 때"),
    ("했어요", "했을 때"),
    ("됩니다", "될 때"),
    ("돼요", "될 때"),
    ("나와요", "나올 때"),
    ("나옵니다", "나올 때"),
    ("떠요", "뜰 때"),
    ("뜹니다", "뜰 때"),
    ("있어요", "있을 때"),
    ("있습니다", "있을 때"),
    ("없어요", "없을 때"),
    ("없습니다", "없을 때"),
    ("해요", "할 때"),
    ("합니다", "할 때"),
)


# Questions in the polite 해요 style, their ending -> the embedded "whether/how" form ("결제해요?" -> "결제하는지").
_ASKED = (
    ("어떡해요", "어떻게 해야 하는지"),
    ("뭐예요", "뭔지"),
    ("그래요", "그런지"),
    ("달라요", "다른지"),
    ("예요", "인지"),
    ("이에요", "인지"),
    ("해요", "하는지"),
    ("돼요", "되는지"),
    ("와요", "오는지"),
    ("줘요", "주는지"),
    ("봐요", "보는지"),
    ("써요", "쓰는지"),
    ("여요", "이는지"),
    ("내요", "내는지"),
)


def offer(question: str) -> str:
    """A polite offer made from a question: "X는 언제 되나요?" -> "X는 언제 되는지 알려드릴까요?",
    "어떻게 결제해요?" -> "어떻게 결제하는지 알려드릴까요?", "X란?" -> "X가 무엇인지 알려드릴까요?", "X하고
    싶어요." -> "X하는 방법 알려드릴까요?", "X가 노출되지 않아요." -> "X가 노출되지 않을 때 어떻게 하면 되는지
    알려드릴까요?", "X 방법" -> "X 방법 안내해 드릴까요?"."""
    text = " ".join(_TAGS.sub("", question).split())
    while _NOTE.search(text) and _NOTE.sub("", text):
        text = _NOTE.sub("", text)
    asked = text.endswith("?")
    core = text.rstrip(" ?.!")
    if not core:
        return question
    embedded = _embedded(core, asked)
    if embedded is not None:
        return embedded + _OFFER
    for ending in ("알고 싶어요", "알고 싶습니다", "궁금해요", "궁금합니다"):
        if core.endswith(ending):
            return core[: -len(ending)].rstrip() + _OFFER
    for ending in ("고 싶어요", "고 싶습니다", "고싶어요", "고싶습니다"):
        if core.endswith(ending):
            return _adnominal(core[: -len(ending)]) + " 방법" + _OFFER
    for ending, replacement in _PROBLEMS:
        if core.endswith(ending):
            return core[: -len(ending)] + replacement + " 어떻게 하면 되는지" + _OFFER
    if core.endswith(("아요", "어요")) and len(core) > 2 and _final(core[-3]) > 0:  # 지났어요, 같아요, 싫어요
        return core[:-2] + "을 때 어떻게 하면 되는지" + _OFFER
    if core.endswith(("요", "다")):
        return f"'{core}'에 대해" + _OFFER
    return core + _GUIDE


def _embedded(core: str, asked: bool) -> str | None:
    """The question as an embedded clause ("...되는지", "...인지"), or None when it is not a question."""
    if core.endswith("나요"):
        return core[:-2] + "는지"
    if core.endswith("까요"):
        return core[:-2] + "지"  # 할까요 -> 할지, 가능할까요 -> 가능할지
    if core.endswith("가요") and len(core) > 2 and _final(core[-3]) == 4:  # 인가요, 한가요, 그런가요
        return core[:-2] + "지"
    for ending in ("이란", "란"):
        if core.endswith(ending) and len(core) > len(ending):
            subject = core[: -len(ending)]
            return subject + ("이" if _final(subject[-1]) > 0 else "가") + " 무엇인지"
    if not asked:
        return None
    for ending, replacement in _ASKED:
        if core.endswith(ending):
            return core[: -len(ending)] + replacement
    if core.endswith(("아요", "어요")) and len(core) > 2 and _final(core[-3]) > 0:  # 찾아요, 있어요, 먹어요
        return core[:-2] + "는지"
    return None


def _final(syllable: str) -> int:
    """The index of a Hangul syllable's final consonant (0: none, 4: ㄴ, 8: ㄹ); -1 for anything else."""
    if "가" <= syllable <= "힣":
        return (ord(syllable) - 0xAC00) % 28
    return -1


def _with_final(syllable: str, final: int) -> str:
    return chr(ord(syllable) - _final(syllable) + final)


def _adnominal(stem: str) -> str:
    """A verb stem with -는 ("받" -> "받는", "변경하" -> "변경하는"; ㄹ drops: "만들" -> "만드는")."""
    if stem and _final(stem[-1]) == 8:
        return stem[:-1] + _with_final(stem[-1], 0) + "는"
    return stem + "는"
