"""Answers to the onboarding questions, pressed ("onboard:diet:no_spicy") or typed ("매운 거 못 먹어" while the diet
question waits), and the first question asked after a new user's first request (``dialogue.onboarding``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from dialogue import onboarding
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.repositories import UserRepository

READY = '이제 준비 끝! 배고프면 예산이나 먹고 싶은 걸 말해 주세요. 예: "5천원으로 뭐 먹지?"'


class OnboardingAnswers:
    """Stores an answer in the user's preferences and asks the next question, until the last one is answered.

    As a payload route it answers the pressed buttons; as the pending-question step (``dialogue.routing``) it answers
    a typed message only when the message answers the question waiting, and returns None otherwise.
    """

    def __init__(self, db: Database, on_change: Callable[[int], None] | None = None) -> None:
        self.db = db
        self.on_change = on_change

    async def handle(self, ctx: TurnContext) -> Reply:
        parsed = onboarding.parse_payload(ctx.message.payload or "")
        if parsed is None:
            return Reply("그 버튼은 이제 쓸 수 없어요. 먹고 싶은 걸 말해 주면 바로 찾아볼게요.")
        return await self._answer(ctx, *parsed)

    async def intercept(self, ctx: TurnContext) -> Reply | None:
        pending = ctx.session.onboarding
        if pending is None:
            return None
        typed = onboarding.answer_from_text(pending, ctx.understanding)
        if typed is None:
            return None
        return await self._answer(ctx, pending, typed)

    async def _answer(self, ctx: TurnContext, step: str, value: str) -> Reply:
        changes = onboarding.preference_changes(step, value, ctx.user.preferences)
        upcoming = onboarding.next_question(step)
        async with self.db.session() as session:
            users = UserRepository(session)
            if changes:
                ctx.user.preferences = await users.update_preferences(ctx.user_id, changes)
            if upcoming is None:
                await users.mark_onboarded(ctx.user_id, ctx.now)
                ctx.user.onboarded_at = ctx.now
        if changes and self.on_change is not None:
            self.on_change(ctx.user_id)
        ctx.session.onboarding = upcoming.step if upcoming else None
        thanks = "좋아요!" if changes else "알겠어요."
        if upcoming is None:
            return Reply(f"{thanks} {READY}")
        return Reply(f"{thanks} {upcoming.text}", quick_replies=upcoming.buttons)


def with_first_question(ctx: TurnContext, reply: Reply) -> Reply:
    """``reply``, followed by the first onboarding question for a user not onboarded and not yet asked this session:
    the request is served first, then the question."""
    if ctx.user.onboarded_at is not None or ctx.session.onboarding is not None:
        return reply
    question = onboarding.first_question()
    ctx.session.onboarding = question.step
    opener = "처음 오셨네요! " if ctx.first_contact else ""
    text = f"{reply.text}\n\n{opener}{question.text} 알려 주시면 더 잘 맞게 추천할게요."
    return replace(reply, text=text, quick_replies=question.buttons)
