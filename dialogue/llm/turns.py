"""Step 5 of a turn on the model path (``dialogue.routing``): the model answers with its tools, streamed as it writes.

The seller assistant (FAQ only) keeps its scope gate: the offline FAQ answer decides first, a refusal is given as it
is, and an answerable question is worded by the model from the entries found, with citations. Every model failure
before the first token is answered offline; one after it ends the text with a plain apology.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator

from dialogue.llm.prompts import grounding_block
from dialogue.llm.responder import ModelAnswer, ModelResponder, ModelUnavailable
from dialogue.messages import TextDelta
from dialogue.routing import Assistant
from dialogue.turn import Handler, Reply, TurnContext

logger = logging.getLogger(__name__)

INTERRUPTED = "\n\n(죄송해요, 답을 쓰다가 연결이 끊겼어요. 다시 한 번 물어봐 주세요.)"
"""Ends a model's reply cut short after its first token: said plainly, never continued by another model."""
_CITATION = re.compile(r"\[(\d{1,2})\]")


class ModelTurns:
    """The model path over a configured ``ModelResponder`` (``dialogue.routing.ModelStep``)."""

    def __init__(self, llm: ModelResponder) -> None:
        self.llm = llm

    def serves(self, assistant: str) -> bool:
        return self.llm.serves(assistant)

    async def answer(
        self, ctx: TurnContext, assistant: Assistant, offline: Handler
    ) -> AsyncIterator[TextDelta | Reply]:
        """Text deltas while the model writes, then the whole `Reply` (its ``model`` set)."""
        fallback: Reply | None = None
        entries: list[dict[str, object]] = []
        if not assistant.understands:
            fallback = await offline.handle(ctx)
            if fallback.sources:
                found = await self.llm.tools_of(assistant.name).call(ctx, "faq_search", json.dumps({"query": ctx.text}))
                entries = list(found.data.get("entries", []))
            if not entries:
                yield fallback
                return
        answer: ModelAnswer | None = None
        try:
            async for item in self.llm.respond(
                ctx, assistant.name, grounding=grounding_block(entries) if entries else ""
            ):
                if isinstance(item, ModelAnswer):
                    answer = item
                else:
                    yield TextDelta(item.text)
        except ModelUnavailable as error:
            logger.info("turn %s answered offline: %s", ctx.turn_id, error.reason)
            if fallback is None:
                fallback = error.answer.views[-1] if error.answer.views else await offline.handle(ctx)
            fallback.model = error.answer
            yield fallback
            return
        assert answer is not None
        text = answer.text.strip()
        extra = ""
        if answer.interrupted:
            extra = INTERRUPTED
        elif entries:
            extra = citations(answer.text, entries)
        if extra:
            yield TextDelta(extra)
        views = answer.views + ([fallback] if fallback is not None else [])
        yield Reply(
            text + extra,
            cards=next((view.cards for view in reversed(views) if view.cards), ()),
            quick_replies=next((view.quick_replies for view in reversed(views) if view.quick_replies), ()),
            shown=tuple(item for view in views for item in view.shown),
            sources=fallback.sources if fallback is not None else (),
            streamed=True,
            model=answer,
        )


def citations(text: str, entries: list[dict[str, object]]) -> str:
    """The FAQ entries the answer cites by number ([1]), or the best one when it cites none, as a closing line."""
    by_number = {str(entry["number"]): entry for entry in entries}
    cited = [by_number[number] for number in dict.fromkeys(_CITATION.findall(text)) if number in by_number]
    chosen = cited or entries[:1]
    return "\n\n참고: " + ", ".join(f"[{entry['number']}] {entry['question']}" for entry in chosen)
