"""FAQ answers: search the assistant's collection (with the conversation's earlier questions), answer with the passage
of the best entry that answers, offer "자세히 보기" (the whole entry) and two follow-ups, or refuse politely when the
question is not for this assistant (a greeting is greeted).

The reply's ``notes["sources"]`` lists the entries the answer used (``{"id", "question", "score"}``): the web
stream sends them as its ``sources`` event."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from dialogue.messages import Button
from dialogue.turn import Reply, TurnContext
from knowledge.answers import compose_answer, compose_passage, readable
from knowledge.followups import FollowUpSuggester
from knowledge.types import FaqEntry, Hit, Searcher, SearchResult, SimilarEntries

PAYLOAD_PREFIX = "faq:"
"""Buttons that ask an entry by its id; the engine routes them here (dialogue.engine.FAQ_PREFIX)."""
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


class FaqHandler:
    """Answers from one collection. ``refuse(query, suggestion)`` words the out-of-scope reply of the assistant."""

    def __init__(
        self,
        source: FaqSource,
        refuse: Callable[[str, str | None], str],
        *,
        limit: int = 1000,
        faq_turns_only: bool = False,
    ) -> None:
        self.source = source
        self.refuse = refuse
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

    async def handle(self, ctx: TurnContext) -> Reply:
        payload = ctx.message.payload or ""
        if payload.startswith(MORE_PREFIX) and payload.removeprefix(MORE_PREFIX) in self.source.entries:
            return self.answer(self.source.entries[payload.removeprefix(MORE_PREFIX)], ctx, whole=True)
        if payload.startswith(PAYLOAD_PREFIX) and payload.removeprefix(PAYLOAD_PREFIX) in self.source.entries:
            return self.answer(self.source.entries[payload.removeprefix(PAYLOAD_PREFIX)], ctx)
        result, follow_up = self._search(ctx)
        if result.hits and not result.in_scope and follow_up:
            # "다른 방법은 없어?" right after an answered question belongs to that question's topic.
            return self.answer(self.source.entries[result.hits[0].entry_id], ctx, result.hits[0])
        ctx.session.slots.pop("faq_entry", None)
        if not result.in_scope or not result.hits:
            suggestion = self.source.suggester.suggest(ctx.text, result.hits)
            return Reply(
                self.refuse(ctx.text, suggestion.question),
                quick_replies=(Button(_short(suggestion.question), PAYLOAD_PREFIX + suggestion.id),),
                notes={"in_scope": False},
            )
        return self.answer(self.source.entries[result.hits[0].entry_id], ctx, result.hits[0])

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
        buttons.extend(Button(_short(item.label), PAYLOAD_PREFIX + item.question_id) for item in follow)
        ctx.session.slots["faq_entry"] = entry.id
        source = {"id": entry.id, "question": entry.question, "score": round(hit.score, 4) if hit else None}
        return Reply(
            text,
            quick_replies=tuple(buttons),
            notes={"source": entry.id, "sources": [source], "stream": True},
        )

    def follow_up(self, ctx: TurnContext) -> Reply | None:
        """The answer when the message only makes sense as a follow-up of the previous turn's FAQ question
        ("다른 방법은 없어?", "그건 얼마나 걸려?"), whatever the intent reading said; None otherwise."""
        users = [turn for turn in ctx.session.turns if turn.role == "user"]
        if not users or users[-1].intent != "faq" or ctx.session.slots.get("faq_entry") is None:
            return None  # no FAQ answer to follow up on: spare the search
        result, follow_up = self._search(ctx)
        if not follow_up or not result.hits:
            return None  # the search did not read the message as a follow-up: it stands on its own
        return self.answer(self.source.entries[result.hits[0].entry_id], ctx, result.hits[0])

    def _search(self, ctx: TurnContext) -> tuple[SearchResult, bool]:
        """The search with the earlier questions, and whether it read the message as a follow-up of the last
        answered entry (the history rewrote the query)."""
        result = self.source.searcher.search(ctx.text, k=5, history=self.history(ctx))
        return result, result.query != ctx.text and ctx.session.slots.get("faq_entry") is not None

    def history(self, ctx: TurnContext) -> list[str]:
        """The user's earlier questions this search should read (FAQ turns only, for the meal assistant)."""
        turns = [turn for turn in ctx.session.turns if turn.role == "user"]
        if self.faq_turns_only:
            turns = [turn for turn in turns if turn.intent == "faq"]
        return [turn.text for turn in turns][-HISTORY_TURNS:]


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class FaqFollowUpFirst:
    """Gives the FAQ the first word on a message that continues its previous answer (``dialogue.routing``).

    Short follow-ups carry no topic of their own, so the intent reading files them under small talk or out of
    scope; without this, "다른 방법은 없어?" right after a card question would be refused.
    """

    faq: FaqHandler

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        return self.faq.follow_up(ctx)
