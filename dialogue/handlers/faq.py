"""FAQ answers in a conversation: the best entry that answers, a follow-up of the previous answer, or a polite refusal
when the question is not for this assistant (with a real entry near it to press), from ``dialogue.faq``.

Some entries answer a feeling ("급식카드 쓰는 게 창피해요.") and some answers reassure about one ("부끄러운 일이
아니에요"). Said to a child who expressed nothing of the kind, such words suggest there is something to be ashamed
of; so an entry about a feeling the child did not state gives way to the next hit, and reassurance about shame is
left out unless the child said they feel ashamed or fear being seen (``dialogue.handlers.feelings``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dialogue.faq import MORE_PREFIX, PAYLOAD_PREFIX, FaqAnswers, short
from dialogue.handlers.context import finished
from dialogue.handlers.feelings import feeling, said_shame
from dialogue.messages import Button
from dialogue.turn import Reply, TurnContext
from knowledge.types import Hit, SearchResult

# A sentence that tells the child not to be ashamed; the sentences end with one of these marks.
_ABOUT_SHAME = re.compile(r"[^.!?\n]*(?:부끄러|창피|쪽팔|민망)[^.!?\n]*[.!?]+\s*")


class FaqHandler:
    """Answers from one collection. ``refuse(query, suggestion)`` words the out-of-scope reply of the assistant."""

    def __init__(self, answers: FaqAnswers, refuse: Callable[[str, str | None], str]) -> None:
        self.answers = answers
        self.refuse = refuse

    async def handle(self, ctx: TurnContext) -> Reply:
        return finished(ctx, self._reply(ctx))

    def _reply(self, ctx: TurnContext) -> Reply:
        entries = self.answers.source.entries
        payload = ctx.message.payload or ""
        if payload.startswith(MORE_PREFIX) and payload.removeprefix(MORE_PREFIX) in entries:
            return self.answers.answer(entries[payload.removeprefix(MORE_PREFIX)], ctx, whole=True)
        if payload.startswith(PAYLOAD_PREFIX) and payload.removeprefix(PAYLOAD_PREFIX) in entries:
            return self.answers.answer(entries[payload.removeprefix(PAYLOAD_PREFIX)], ctx)
        result, follow_up = self._search(ctx)
        if result.hits and not result.in_scope and follow_up:
            # "다른 방법은 없어?" right after an answered question belongs to that question's topic.
            return self._answer_hit(ctx, result.hits, self._said(ctx))
        ctx.session.faq_entry = None
        if not result.in_scope or not result.hits:
            suggestion = self.answers.source.suggester.suggest(ctx.text, result.hits)
            return Reply(
                self.refuse(ctx.text, suggestion.question),
                quick_replies=(Button(short(suggestion.question), PAYLOAD_PREFIX + suggestion.id),),
                in_scope=False,
            )
        return self._answer_hit(ctx, result.hits, ctx.text)

    def _answer_hit(self, ctx: TurnContext, hits: Sequence[Hit], said: str) -> Reply:
        """The answer from the best hit whose entry speaks of no feeling the child did not state in ``said``, in
        words that reassure about shame only when the child said they feel it."""
        entries = self.answers.source.entries
        stated = feeling(said)
        fitting = [hit for hit in hits if feeling(entries[hit.entry_id].question) in {None, stated}]
        hit = (fitting or list(hits))[0]
        reply = self.answers.answer(entries[hit.entry_id], ctx, hit)
        buttons = tuple(button for button in reply.quick_replies if self._offered(button, stated))
        if buttons != reply.quick_replies:
            reply = replace(reply, quick_replies=buttons)
        if said_shame(said):
            return reply
        text = _ABOUT_SHAME.sub("", reply.text).rstrip()
        return reply if text == reply.text.rstrip() or not text else replace(reply, text=text)

    def _offered(self, button: Button, stated: str | None) -> bool:
        """Whether a follow-up button may be offered: not one about a feeling the child did not state."""
        entry = self.answers.source.entries.get(button.payload.removeprefix(PAYLOAD_PREFIX))
        return entry is None or feeling(entry.question) in {None, stated}

    def follow_up(self, ctx: TurnContext) -> Reply | None:
        """The answer when the message only makes sense as a follow-up of the previous turn's FAQ question
        ("다른 방법은 없어?", "그건 얼마나 걸려?"), whatever the intent reading said; None otherwise."""
        users = [turn for turn in ctx.session.turns if turn.role == "user"]
        if not users or users[-1].intent != "faq" or ctx.session.faq_entry is None:
            return None  # no FAQ answer to follow up on: spare the search
        result, follow_up = self._search(ctx)
        if not follow_up or not result.hits:
            return None  # the search did not read the message as a follow-up: it stands on its own
        return finished(ctx, self._answer_hit(ctx, result.hits, self._said(ctx)))

    def _said(self, ctx: TurnContext) -> str:
        """What the child said on this topic: a follow-up carries the feelings of the questions it follows."""
        return " ".join([*self.answers.history(ctx), ctx.text])

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
