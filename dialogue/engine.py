"""DialogueEngine: one message in, reply events out. It holds no global state and knows no channel."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime

from dialogue.account import CardView, card_view
from dialogue.guard import check
from dialogue.korean import text_parts
from dialogue.llm.responder import ModelAnswer, ModelResponder
from dialogue.llm.turns import ModelTurns
from dialogue.messages import (
    Cards,
    Final,
    FinalMeta,
    IncomingMessage,
    ModelMeta,
    QuickReplies,
    ReplyEvent,
    Text,
    TextDelta,
)
from dialogue.nlu.types import Understander, Understanding
from dialogue.privacy import mask_pii
from dialogue.routing import Assistant, reads_intent, route
from dialogue.session import SessionStore
from dialogue.slots import SLOT_IDLE_S
from dialogue.trace import current_turn_id
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.models import User, utcnow
from storage.repositories import ConversationRepository, UserRepository
from storage.repositories.conversations import ShownRow, TurnRow

logger = logging.getLogger(__name__)

CONTEXT_TURNS = 4
"""How many of the user's earlier messages the understanding sees."""


class UnknownAssistant(LookupError):
    """The message names an assistant this deployment does not have."""


class DialogueEngine:
    """Guards and understands a message in its session, routes it (``dialogue.routing``), stores the turn, yields
    the reply's events.

    ``assistants`` (``dialogue.assistants``) are the routing tables; the message's ``assistant`` picks one. With
    ``llm`` (a provider is configured), typed messages of the assistants it serves are answered by a model that calls
    the same tools, streamed as it writes, after the same buttons and interceptors as the offline path.
    """

    def __init__(
        self,
        *,
        db: Database,
        sessions: SessionStore,
        nlu: Understander,
        assistants: Mapping[str, Assistant],
        clock: Callable[[], datetime] = utcnow,
        llm: ModelResponder | None = None,
    ) -> None:
        self.db = db
        self.sessions = sessions
        self.nlu = nlu
        self.assistants = dict(assistants)
        self.clock = clock
        self.model = ModelTurns(llm) if llm is not None else None

    async def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]:
        """Answer one message: the reply's text, cards and quick replies, then `Final`."""
        timings: dict[str, float] = {}
        started = stage = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal stage
            now = time.perf_counter()
            timings[name] = round((now - stage) * 1000, 3)
            stage = now

        assistant = self.assistants.get(message.assistant)
        if assistant is None:
            raise UnknownAssistant(message.assistant)
        now = message.received_at or self.clock()
        turn_id = uuid.uuid4().hex
        # Log lines from here on name the turn; each request runs in its own task, so this never leaks across turns.
        current_turn_id.set(turn_id)
        checked = check(message.payload if message.payload and not message.text else message.text)
        lap("guard")
        key = SessionStore.key_for(message.channel, message.user, message.assistant)
        (user, first_contact, card), session = await asyncio.gather(
            self._user_and_card(message, now), self.sessions.load(key)
        )  # the database and the key-value store, at once
        session.expire_slots(now.timestamp(), SLOT_IDLE_S)
        session.user_id = user.id
        lap("session")

        understanding = Understanding(intent="", confidence=0.0)
        reply: Reply | None = None
        if checked.refusal is not None and not message.payload:
            reply = Reply(checked.refusal)
        else:
            if reads_intent(assistant, message):
                understanding = self.nlu.parse(checked.text, session.user_texts()[-CONTEXT_TURNS:])
            lap("nlu")
            ctx = TurnContext(message, checked.text, now, turn_id, user, session, understanding, card, first_contact)
            async for item in route(ctx, assistant, self.model):
                if isinstance(item, TextDelta):
                    yield item
                else:
                    reply = item
        assert reply is not None
        lap("handler")
        model_answer = reply.model
        if model_answer is not None and model_answer.first_token_ms is not None:
            timings["model_first_token"] = round(model_answer.first_token_ms, 3)

        intent = understanding.intent or None
        session.add("user", checked.text, intent)
        session.add("bot", reply.text)
        session.slots_at = now.timestamp()
        if reply.shown:
            session.last_shops = [item.shop_id for item in reply.shown]
            session.focus_shop = None
            session.last_items = [item.item_id for item in reply.shown]
        await self.sessions.save(session)
        lap("session_save")
        await self._record(message, user, turn_id, checked.text, reply, understanding, timings, now, model_answer)
        lap("store")
        timings["total"] = round((time.perf_counter() - started) * 1000, 3)

        if reply.stream and not reply.streamed:
            for part in text_parts(reply.text):
                yield TextDelta(part)
        yield Text(reply.text)
        if reply.cards:
            yield Cards(reply.cards)
        if reply.quick_replies:
            yield QuickReplies(reply.quick_replies)
        meta = FinalMeta(
            confidence=understanding.confidence,
            entities=understanding.entities,
            timings_ms=timings,
            provider=_provider(model_answer),
            model=_model_meta(model_answer),
            sources=reply.sources,
        )
        yield Final(reply.text, intent=intent, turn_id=turn_id, meta=meta)

    async def _user_and_card(self, message: IncomingMessage, now: datetime) -> tuple[User, bool, CardView | None]:
        """The kkini user behind the channel identity (created on first contact) and their card."""
        async with self.db.session() as session:
            users = UserRepository(session)
            found = await users.profile(message.channel, message.user)
            if found is None:
                user = (await users.add_identity(message.channel, message.user)).user
                return user, True, None
        user, card, program = found
        return user, False, card_view(card, program, now) if card is not None and program is not None else None

    async def _record(
        self,
        message: IncomingMessage,
        user: User,
        turn_id: str,
        text: str,
        reply: Reply,
        understanding: Understanding,
        timings: dict[str, float],
        now: datetime,
        model: ModelAnswer | None = None,
    ) -> None:
        """Store the turn with personal data masked, the recommendations it showed, and what a model cost."""
        turn = TurnRow(
            turn_id=turn_id,
            user_id=user.id,
            channel=message.channel,
            assistant=message.assistant,
            input_text=mask_pii(text),
            reply_text=mask_pii(reply.text),
            intent=understanding.intent or None,
            confidence=understanding.confidence if understanding.intent else None,
            entities=understanding.entities,
            timings_ms=timings,
            provider=_provider(model),
            tokens_in=model.usage.input_tokens if model is not None else 0,
            tokens_out=model.usage.output_tokens if model is not None else 0,
            cost_usd=round(model.cost_usd, 8) if model is not None else 0.0,
            created_at=now,
        )
        shown = [
            ShownRow(
                turn_id=turn_id,
                user_id=user.id,
                shop_id=item.shop_id,
                menu_item_id=item.item_id,
                rank=rank,
                score=round(item.score, 4),
                reasons=list(item.reasons),
                shown_at=now,
            )
            for rank, item in enumerate(reply.shown, start=1)
        ]
        async with self.db.session() as session:
            await ConversationRepository(session).record(turn, shown)


def _model_meta(model: ModelAnswer | None) -> ModelMeta | None:
    """What the model path did this turn, for metrics: every provider tried with its outcome, tokens and cost."""
    if model is None:
        return None
    return ModelMeta(
        provider=model.provider,
        attempts=tuple((attempt.provider, attempt.outcome) for attempt in model.attempts),
        tokens_in=model.usage.input_tokens,
        tokens_out=model.usage.output_tokens,
        cost_usd=model.cost_usd,
        cached=model.cached,
    )


def _provider(model: ModelAnswer | None) -> str:
    """Who wrote the reply: a provider, ``cache`` for a cached model answer, or ``offline``."""
    if model is None or not model.text or not model.provider:
        return "offline"
    return "cache" if model.cached else model.provider
