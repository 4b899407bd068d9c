"""The conversation so far as the handlers read it, and the last touches every reply of theirs gets.

A handler answers one message, but a child reads replies as a conversation: the same words twice in a row read
as a bot that did not listen, and a long message answered without a word about what was read reads as ignored.
``finished`` gives a reply those last touches; ``varied`` picks one of several wordings that is not the reply just
given, so that "안녕" twice gets two greetings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dialogue.guard import long_note
from dialogue.session import Session, Turn
from dialogue.turn import Reply, TurnContext

ASIDES = frozenset({"general_chat", "out_of_scope"})
"""Intents of messages that leave the conversation's topic where it was ("고마워", "ㅋㅋ")."""
AGAIN = "한 번 더 알려 드릴게요."
"""What a reply that would repeat the previous one word for word starts with instead."""


def previous_reply(session: Session) -> str | None:
    """The bot's last reply, or None at the start of a conversation."""
    return next((turn.text for turn in reversed(session.turns) if turn.role == "bot"), None)


def previous_user(session: Session) -> Turn | None:
    """The user's message before this one (the engine stores this one after the reply), or None."""
    return next((turn for turn in reversed(session.turns) if turn.role == "user"), None)


def last_request(session: Session) -> str | None:
    """The intent of the child's last message that asked for something (small talk and pressed buttons aside: a
    button is read by its route, not as an intent), or None."""
    return next(
        (
            turn.intent
            for turn in reversed(session.turns)
            if turn.role == "user" and turn.intent is not None and turn.intent not in ASIDES
        ),
        None,
    )


def repeats(text: str, session: Session) -> bool:
    """Whether ``text`` is the previous reply word for word (alone, or before the question that followed it)."""
    last = previous_reply(session)
    return last is not None and (text == last or last.startswith(text + "\n\n"))


def varied(ctx: TurnContext, wordings: Sequence[str]) -> str:
    """One of ``wordings``, turning with the conversation and never the reply just given."""
    start = sum(1 for turn in ctx.session.turns if turn.role == "bot")
    for step in range(len(wordings)):
        text = wordings[(start + step) % len(wordings)]
        if not repeats(text, ctx.session):
            return text
    return wordings[start % len(wordings)]


def finished(ctx: TurnContext, reply: Reply, again: str = AGAIN) -> Reply:
    """``reply`` as sent: a word first when the message was read in part (``dialogue.guard.gist``), and ``again``
    first when it would repeat the previous reply word for word."""
    text = reply.text
    note = long_note(ctx.message.text) if not ctx.message.payload else None
    if note is not None and not text.startswith(note):
        text = f"{note} {text}"
    if repeats(text, ctx.session):
        text = f"{again} {text}"
    return reply if text == reply.text else replace(reply, text=text)
