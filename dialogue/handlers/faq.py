"""FAQ answers in a conversation: the best entry that answers, a follow-up of the previous answer, or a polite refusal
when the question is not for this assistant (with a real entry near it to press), from ``dialogue.faq``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dialogue.faq import MORE_PREFIX, PAYLOAD_PREFIX, FaqAnswers, short
from dialogue.messages import Button
from dialogue.turn import Reply, TurnContext
from knowledge.types import SearchResult


class FaqHandler:
    """Answers from one collection. ``refuse(query, suggestion)`` words the out-of-scope reply of the assistant."""

    def __init__(self, answers: FaqAnswers, refuse: Callable[[str, str | None], str]) -> None:
        self.answers = answers
        self.refuse = refuse

    async def handle(self, ctx: TurnContext) -> Reply:
        entries = self.answers.source.entries
        payload = ctx.message.payload or ""
        if payload.startswith(MORE_PREFIX) and payload.removeprefix(MORE_PREFIX) in entries:
            return self.answers.answer(entries[payload.removeprefix(MORE_PREFIX)], ctx, whole=True)
        if payload.startswith(PAYLOAD_PREFIX) and payload.removeprefix(PAYLOAD_PREFIX) in entries:
            return self.answers.answer(entries[payload.removeprefix(PAYLOAD_PREFIX)], ctx)
        result, follow_up = self._search(ctx)
        if result.hits and not result.in_scope and follow_up:
            # "다른 방법은 없어?" right after an answered question belongs to that question's topic.
            return self.answers.answer(entries[result.hits[0].entry_id], ctx, result.hits[0])
        ctx.session.faq_entry = None
        if not result.in_scope or not result.hits:
            suggestion = self.answers.source.suggester.suggest(ctx.text, result.hits)
            return Reply(
                self.refuse(ctx.text, suggestion.question),
                quick_replies=(Button(short(suggestion.question), PAYLOAD_PREFIX + suggestion.id),),
                in_scope=False,
            )
        return self.answers.answer(entries[result.hits[0].entry_id], ctx, result.hits[0])

    def follow_up(self, ctx: TurnContext) -> Reply | None:
        """The answer when the message only makes sense as a follow-up of the previous turn's FAQ question
        ("다른 방법은 없어?", "그건 얼마나 걸려?"), whatever the intent reading said; None otherwise."""
        users = [turn for turn in ctx.session.turns if turn.role == "user"]
        if not users or users[-1].intent != "faq" or ctx.session.faq_entry is None:
            return None  # no FAQ answer to follow up on: spare the search
        result, follow_up = self._search(ctx)
        if not follow_up or not result.hits:
            return None  # the search did not read the message as a follow-up: it stands on its own
        return self.answers.answer(self.answers.source.entries[result.hits[0].entry_id], ctx, result.hits[0])

    def _search(self, ctx: TurnContext) -> tuple[SearchResult, bool]:
        """The search with the earlier questions, and whether it read the message as a follow-up of the last
        answered entry (the history rewrote the query)."""
        result = self.answers.search(ctx, ctx.text)
        return result, result.query != ctx.text and ctx.session.faq_entry is not None


@dataclass(frozen=True, slots=True)
class FaqFollowUpFirst:
    """Gives the FAQ the first word on a message that continues its previous answer (``dialogue.routing``).

    Short follow-ups carry no topic of their own, so the intent reading files them under small talk or out of
    scope; without this, "다른 방법은 없어?" right after a card question would be refused.
    """

    faq: FaqHandler

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        return self.faq.follow_up(ctx)
