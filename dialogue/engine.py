"""DialogueEngine: one message in, reply events out. It holds no global state and knows no channel."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime

from dialogue import onboarding
from dialogue.account import CardView, card_view
from dialogue.guard import check
from dialogue.korean import text_parts
from dialogue.llm.prompts import grounding_block
from dialogue.llm.responder import ModelAnswer, ModelResponder, ModelUnavailable
from dialogue.messages import Cards, Final, IncomingMessage, QuickReplies, ReplyEvent, Text, TextDelta
from dialogue.nlu.types import Understander, Understanding
from dialogue.privacy import mask_pii
from dialogue.session import SessionStore
from dialogue.slots import SLOT_IDLE_S, merge_slots
from dialogue.trace import current_turn_id
from dialogue.turn import Assistant, Handler, Reply, TurnContext
from storage.database import Database
from storage.models import Conversation, RecommendationLog, User, utcnow
from storage.repositories import ConversationRepository, UserRepository

logger = logging.getLogger(__name__)

INTERRUPTED = "\n\n(죄송해요, 답을 쓰다가 연결이 끊겼어요. 다시 한 번 물어봐 주세요.)"
"""Ends a model's reply cut short after its first token: said plainly, never continued by another model."""
_CITATION = re.compile(r"\[(\d{1,2})\]")
SELECT_PREFIX = "select:"
FAQ_PREFIX = "faq:"
CONTEXT_TURNS = 4
"""How many of the user's earlier messages the understanding sees."""


class UnknownAssistant(LookupError):
    """The message names an assistant this deployment does not have."""


class DialogueEngine:
    """Understands a message in its session, lets the intent's handler answer, stores the turn, yields events.

    ``assistants`` (filled where the application is assembled) map each assistant's intents to handlers; the
    message's ``assistant`` picks one. ``on_select`` answers a press of a recommendation's "여기로 갈래요" button.
    With ``llm`` (a provider is configured), typed messages of the assistants it serves are answered by a model
    that calls the same tools, streamed as it writes; buttons, onboarding answers and every model failure before
    the first token take the offline path.
    """

    def __init__(
        self,
        *,
        db: Database,
        sessions: SessionStore,
        nlu: Understander,
        assistants: Mapping[str, Assistant],
        on_select: Handler | None = None,
        on_user_changed: Callable[[int], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
        llm: ModelResponder | None = None,
    ) -> None:
        self.db = db
        self.llm = llm
        self.sessions = sessions
        self.nlu = nlu
        self.assistants = dict(assistants)
        self.on_select = on_select
        self.on_user_changed = on_user_changed
        self.clock = clock

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
        user, first_contact, card = await self._user_and_card(message, now)
        session = await self.sessions.load(SessionStore.key_for(message.channel, message.user, message.assistant))
        if session.turns and now.timestamp() - float(session.slots.get("_at", 0)) > SLOT_IDLE_S:
            session.slots = {}
        session.user_id = user.id
        lap("session")

        understanding = Understanding(intent="", confidence=0.0)
        if checked.refusal is not None and not message.payload:
            reply = Reply(checked.refusal)
        else:
            if assistant.understands and not (
                message.payload and message.payload.startswith((onboarding.PREFIX, SELECT_PREFIX, FAQ_PREFIX))
            ):
                understanding = self.nlu.parse(checked.text, session.user_texts()[-CONTEXT_TURNS:])
            lap("nlu")
            ctx = TurnContext(message, checked.text, now, turn_id, user, session, understanding, card, first_contact)
            if self._model_may_answer(ctx, assistant):
                if assistant.understands:
                    ctx.session.slots = merge_slots(ctx.session.slots, ctx.understanding)
                intercepted = await assistant.interceptors.first_reply(ctx)
                if intercepted is not None:
                    reply = self._onboarded(ctx, assistant, intercepted)
                else:
                    modelled: Reply | None = None
                    async for item in self._model_answer(ctx, assistant):
                        if isinstance(item, Reply):
                            modelled = item
                        else:
                            yield item
                    assert modelled is not None
                    reply = modelled
            else:
                reply = await self._answer(ctx, assistant)
        lap("handler")
        model = reply.notes.get("model")
        model_answer = model if isinstance(model, ModelAnswer) else None
        if model_answer is not None and model_answer.first_token_ms is not None:
            timings["model_first_token"] = round(model_answer.first_token_ms, 3)

        intent = understanding.intent or None
        session.add("user", checked.text, intent)
        session.add("bot", reply.text)
        session.slots["_at"] = now.timestamp()
        if reply.shown:
            session.last_shops = [item.shop_id for item in reply.shown]
            session.last_items = [item.item_id for item in reply.shown]
        await self.sessions.save(session)
        lap("session_save")
        await self._record(message, user, turn_id, checked.text, reply, understanding, timings, now, model_answer)
        lap("store")
        timings["total"] = round((time.perf_counter() - started) * 1000, 3)

        if reply.notes.get("stream") and not reply.notes.get("streamed"):
            for part in text_parts(reply.text):
                yield TextDelta(part)
        yield Text(reply.text)
        if reply.cards:
            yield Cards(reply.cards)
        if reply.quick_replies:
            yield QuickReplies(reply.quick_replies)
        yield Final(
            reply.text,
            intent=intent,
            turn_id=turn_id,
            meta={
                "confidence": understanding.confidence,
                "entities": understanding.entities,
                "timings_ms": timings,
                "provider": _provider(model_answer),
                "model": _model_meta(model_answer),
                **({"sources": reply.notes["sources"]} if reply.notes.get("sources") else {}),
            },
        )

    def _model_may_answer(self, ctx: TurnContext, assistant: Assistant) -> bool:
        """Typed messages of a served assistant go to the model; buttons and onboarding answers stay offline."""
        if self.llm is None or not self.llm.serves(assistant.name) or ctx.message.payload:
            return False
        pending = ctx.session.onboarding
        return pending is None or onboarding.answer_from_text(pending, ctx.understanding) is None

    async def _model_answer(self, ctx: TurnContext, assistant: Assistant) -> AsyncIterator[TextDelta | Reply]:
        """Text deltas while the model writes, then the whole `Reply` (with the `ModelAnswer` in its notes).

        The seller assistant (FAQ only) keeps its scope gate: the offline FAQ answer decides first, a refusal is
        given as it is, and an answerable question is worded by the model from the entries found, with citations.
        """
        assert self.llm is not None
        offline: Reply | None = None
        entries: list[dict[str, object]] = []
        if not assistant.understands:
            offline = await self._answer(ctx, assistant)
            if "source" in offline.notes:
                found = await self.llm.tools_of(assistant.name).call(ctx, "faq_search", json.dumps({"query": ctx.text}))
                entries = list(found.data.get("entries", []))
            if not entries:
                yield offline
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
            if offline is None:
                offline = error.answer.views[-1] if error.answer.views else await self._answer(ctx, assistant)
            offline.notes["model"] = error.answer
            yield offline
            return
        assert answer is not None
        text = answer.text.strip()
        extra = ""
        if answer.interrupted:
            extra = INTERRUPTED
        elif entries:
            extra = _citations(answer.text, entries)
        views = answer.views + ([offline] if offline is not None else [])
        reply = Reply(
            text + extra,
            cards=next((view.cards for view in reversed(views) if view.cards), ()),
            quick_replies=next((view.quick_replies for view in reversed(views) if view.quick_replies), ()),
            shown=tuple(item for view in views for item in view.shown),
            notes={"model": answer, "streamed": True, "sources": offline.notes.get("sources") if offline else None},
        )
        reply = self._onboarded(ctx, assistant, reply)
        if len(reply.text) > len(text):
            yield TextDelta(reply.text[len(text) :])
        yield reply

    async def _answer(self, ctx: TurnContext, assistant: Assistant) -> Reply:
        payload = ctx.message.payload or ""
        answer = onboarding.parse_payload(payload) if payload else None
        if answer is not None:
            return await self._onboarding_answer(ctx, *answer)
        if payload.startswith(SELECT_PREFIX) and self.on_select is not None:
            return await self.on_select.handle(ctx)
        if payload.startswith(FAQ_PREFIX):
            # A follow-up question pressed under an answer: the assistant's FAQ handler answers that entry.
            return await assistant.handlers.get("faq", assistant.fallback).handle(ctx)
        pending = ctx.session.onboarding
        if pending is not None:
            typed = onboarding.answer_from_text(pending, ctx.understanding)
            if typed is not None:
                return await self._onboarding_answer(ctx, pending, typed)
        handler = assistant.handlers.get(ctx.understanding.intent, assistant.fallback)
        ctx.session.slots = merge_slots(ctx.session.slots, ctx.understanding)
        reply = await assistant.interceptors.first_reply(ctx) or await handler.handle(ctx)
        return self._onboarded(ctx, assistant, reply)

    def _onboarded(self, ctx: TurnContext, assistant: Assistant, reply: Reply) -> Reply:
        """``reply``, followed by the first onboarding question for a new user of an assistant that asks them."""
        if assistant.onboarding and ctx.user.onboarded_at is None and ctx.session.onboarding is None:
            return self._ask_first_question(ctx, reply)
        return reply

    def _ask_first_question(self, ctx: TurnContext, reply: Reply) -> Reply:
        """Serve the request first; then, once per session, the first onboarding question."""
        question = onboarding.first_question()
        ctx.session.onboarding = question.step
        opener = "처음 오셨네요! " if ctx.first_contact else ""
        text = f"{reply.text}\n\n{opener}{question.text} 알려 주시면 더 잘 맞게 추천할게요."
        return Reply(text, reply.cards, question.buttons, reply.shown, reply.notes)

    async def _onboarding_answer(self, ctx: TurnContext, step: str, value: str) -> Reply:
        changes = onboarding.preference_changes(step, value, ctx.user.preferences)
        upcoming = onboarding.next_question(step)
        async with self.db.session() as session:
            users = UserRepository(session)
            if changes:
                ctx.user.preferences = await users.update_preferences(ctx.user_id, changes)
            if upcoming is None:
                await users.mark_onboarded(ctx.user_id, ctx.now)
                ctx.user.onboarded_at = ctx.now
        if changes and self.on_user_changed is not None:
            self.on_user_changed(ctx.user_id)
        ctx.session.onboarding = upcoming.step if upcoming else None
        thanks = "좋아요!" if changes else "알겠어요."
        if upcoming is None:
            return Reply(f'{thanks} 이제 준비 끝! 배고프면 예산이나 먹고 싶은 걸 말해 주세요. 예: "5천원으로 뭐 먹지?"')
        return Reply(f"{thanks} {upcoming.text}", quick_replies=upcoming.buttons)

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
        conversation = Conversation(
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
            RecommendationLog(
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
            await ConversationRepository(session).record(conversation, shown)


def _model_meta(model: ModelAnswer | None) -> dict[str, object] | None:
    """What the model path did this turn, for metrics: every provider tried with its outcome, tokens and cost."""
    if model is None:
        return None
    return {
        "provider": model.provider,
        "attempts": [(attempt.provider, attempt.outcome) for attempt in model.attempts],
        "tokens_in": model.usage.input_tokens,
        "tokens_out": model.usage.output_tokens,
        "cost_usd": model.cost_usd,
        "cached": model.cached,
    }


def _provider(model: ModelAnswer | None) -> str:
    """Who wrote the reply: a provider, ``cache`` for a cached model answer, or ``offline``."""
    if model is None or not model.text or not model.provider:
        return "offline"
    return "cache" if model.cached else model.provider


def _citations(text: str, entries: list[dict[str, object]]) -> str:
    """The FAQ entries the answer cites by number ([1]), or the best one when it cites none, as a closing line."""
    by_number = {str(entry["number"]): entry for entry in entries}
    cited = [by_number[number] for number in dict.fromkeys(_CITATION.findall(text)) if number in by_number]
    chosen = cited or entries[:1]
    return "\n\n참고: " + ", ".join(f"[{entry['number']}] {entry['question']}" for entry in chosen)
