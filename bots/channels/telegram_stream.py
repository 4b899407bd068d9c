"""How a Telegram answer appears while it is written: drafts in private chats, one edited message in groups."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import BadRequest, TelegramError

from bots.channels.replies import split_text
from bots.inbox import ReplyGate

logger = logging.getLogger(__name__)

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096

Send = Callable[[int, str, InlineKeyboardMarkup | None], Awaitable[int | None]]
"""Send a text in pieces, the keyboard under the last (`TelegramChannel._send`)."""


@dataclass(frozen=True, slots=True)
class TelegramReply:
    """A reply as Telegram shows it: the text (split at 4,096 characters when sent) and the keyboard under it."""

    text: str
    keyboard: InlineKeyboardMarkup | None


class Stream:
    """How a streamed answer appears while it is written; `finish` sends the whole answer."""

    def __init__(self, bot: Bot, send: Send, chat_id: int, interval_s: float, gate: ReplyGate) -> None:
        self.send = send
        self.bot = bot
        self.chat_id = chat_id
        self.interval_s = interval_s
        self.gate = gate
        self.text = ""
        self.last_shown = 0.0
        self.enabled = True

    async def push(self, delta: str) -> None:
        self.text += delta
        now = time.monotonic()
        if not self.enabled or now - self.last_shown < self.interval_s:
            return
        self.last_shown = now
        if not await self.gate.opens():
            self.enabled = False
            return
        try:
            await self.show(self.text)
        except TelegramError as error:
            logger.info("telegram: streaming to %s stopped: %r", self.chat_id, error)
            self.enabled = False

    async def show(self, text: str) -> None:
        raise NotImplementedError

    async def finish(self, reply: TelegramReply) -> None:
        await self.send(self.chat_id, reply.text, reply.keyboard)


class DraftStream(Stream):
    """Private chats: the text so far as an animated draft (sendMessageDraft), then the real message."""

    def __init__(self, bot: Bot, send: Send, chat_id: int, interval_s: float, gate: ReplyGate) -> None:
        super().__init__(bot, send, chat_id, interval_s, gate)
        self.draft_id = secrets.randbelow(2**31 - 1) + 1

    async def show(self, text: str) -> None:
        await self.bot.send_message_draft(self.chat_id, self.draft_id, split_text(text, MAX_TEXT)[-1])


class EditStream(Stream):
    """Groups: one message, edited as the text grows (throttled), finished in place."""

    message_id: int | None = None

    async def show(self, text: str) -> None:
        piece = split_text(text, MAX_TEXT)[0]
        if self.message_id is None:
            self.message_id = (await self.bot.send_message(self.chat_id, piece)).message_id
        else:
            await self.bot.edit_message_text(piece, chat_id=self.chat_id, message_id=self.message_id)

    async def finish(self, reply: TelegramReply) -> None:
        if self.message_id is None:
            await super().finish(reply)
            return
        keyboard = reply.keyboard
        pieces = split_text(reply.text, MAX_TEXT)
        try:
            await self.bot.edit_message_text(
                pieces[0],
                chat_id=self.chat_id,
                message_id=self.message_id,
                reply_markup=keyboard if len(pieces) == 1 else None,
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                logger.warning("telegram: final edit in %s failed: %r", self.chat_id, error)
        except TelegramError as error:
            logger.warning("telegram: final edit in %s failed: %r", self.chat_id, error)
        if len(pieces) > 1:
            await self.send(self.chat_id, "\n\n".join(pieces[1:]), keyboard)
