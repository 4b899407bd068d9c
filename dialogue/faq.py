"""One FAQ collection as answers: search it with the conversation's earlier questions, and word an entry as a reply
(the passage that answers, "자세히 보기" when the entry says more, two follow-ups). Shared by the FAQ handler
(``dialogue.handlers.faq``) and the model's ``faq_search`` tool.

A reply's ``sources`` lists the entries the answer used: the web stream sends them as its ``sources`` event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from dialogue.messages import Button, Source
from dialogue.turn import Reply, TurnContext
from knowledge.answers import compose_answer, compose_passage, readable
from knowledge.followups import FollowUpSuggester
from knowledge.types import FaqEntry, Hit, Searcher, SearchResult, SimilarEntries

PAYLOAD_PREFIX = "faq:"
"""Buttons that ask an entry by its id (``dialogue.assistants`` routes them to the FAQ handler)."""
MORE_PREFIX = PAYLOAD_PREFIX + "more:"
"""The "자세히 보기" button: the whole entry whose id follows."""
MORE_LABEL = "자세히 보기"
HISTORY_TURNS = 3


class Suggests(Protocol):
    def suggest(self, query: str, hits: Sequence[Hit] = ()) -> FaqEntry: ...


@dataclass(frozen=True, slots=True)
class FaqSource:
    """One assistant's collection: its searcher, its entries by id, and what to suggest instead of a refused
    question (a real entry near what was asked)."""

    searcher: Searcher
    entries: Mapping[str, FaqEntry]
    suggester: Suggests


class FaqAnswers:
    """Answers from one collection. ``faq_turns_only``: the history a search reads is the earlier FAQ questions
    only (the meal assistant, whose conversations mix FAQ with food); ``limit`` bounds a reply's length."""

    def __init__(self, source: FaqSource, *, limit: int = 1000, faq_turns_only: bool = False) -> None:
        self.source = source
        self.limit = limit
        self.faq_turns_only = faq_turns_only
        self._follow_ups: FollowUpSuggester | None = None

    @property
    def follow_ups(self) -> FollowUpSuggester:
        """Built on first use (it indexes every question), nearest by meaning when the searcher can tell."""
        if self._follow_ups is None:
            searcher = self.source.searcher
            similar = searcher.similar if isinstance(searcher, SimilarEntries) else None
            self._follow_ups = FollowUpSuggester(list(self.source.entries.values()), similar=similar)
        return self._follow_ups

    def search(self, ctx: TurnContext, query: str, k: int = 5) -> SearchResult:
        return self.source.searcher.search(query, k=k, history=self.history(ctx))

    def history(self, ctx: TurnContext) -> list[str]:
        """The user's earlier questions this search should read."""
        turns = [turn for turn in ctx.session.turns if turn.role == "user"]
        if self.faq_turns_only:
            turns = [turn for turn in turns if turn.intent == "faq"]
        return [turn.text for turn in turns][-HISTORY_TURNS:]

    def answer(self, entry: FaqEntry, ctx: TurnContext, hit: Hit | None = None, *, whole: bool = False) -> Reply:
        """``entry`` as a reply: the passage ``hit`` found (the answer's start without one), "자세히 보기" when the
        entry says more, two follow-ups; ``whole`` shows the whole entry (within the channel's limit)."""
        buttons: list[Button] = []
        if whole:
            full = compose_answer(entry, limit=self.limit)
            text = f"{full.title}\n\n{readable(full.text)}" if full.text else full.title
        else:
            part = compose_passage(entry, hit.passage if hit is not None else "", limit=self.limit)
            text = part.render()
            if part.more:
                buttons.append(Button(MORE_LABEL, MORE_PREFIX + entry.id))
        follow = self.follow_ups.suggest(entry, k=2)
        buttons.extend(Button(short(item.label), PAYLOAD_PREFIX + item.question_id) for item in follow)
        ctx.session.faq_entry = entry.id
        source = Source(entry.id, entry.question, round(hit.score, 4) if hit else None)
        return Reply(text, quick_replies=tuple(buttons), sources=(source,), stream=True)


def short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
