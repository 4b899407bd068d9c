"""Telegram: python-telegram-bot's Application, fed from our webhook route (or by polling in development).

The route checks ``X-Telegram-Bot-Api-Secret-Token``, parses the update and writes it to the durable inbox
(`bots.inbox`) before it answers 200: a slow turn never makes Telegram redeliver, and a process that dies mid-turn
loses nothing (another worker takes the update after its lease). The inbox drops an update whose update_id it has
seen (queued, or done within Telegram's 24-hour redelivery), by set membership, so a late or out-of-order update is
still answered; a store that does not answer makes the route answer 503, so Telegram delivers again. The reply to an
update is shown at most once (`ReplyGate`), however often the update is worked on. Answers stream: drafts (sendMessageDraft) in private chats, then the final
message; throttled edits of one message in groups. Messages longer than 4,096 characters are split. AIORateLimiter
keeps within Telegram's flood limits and waits out a 429's retry_after.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import time
from typing import Any

from aiohttp import web
from telegram import CallbackQuery, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bots.channels.middleware import Turns
from bots.channels.replies import EMPTY_MESSAGE, Gathered, split_text
from bots.channels.telegram_buttons import callback_data, payload_of
from bots.inbox import Delivery, InboxUnavailable, ReplyGate
from bots.settings import TelegramSettings
from dialogue.messages import Button, IncomingMessage, TextDelta
from storage.kv import KeyValueStore
from storage.models import utcnow

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
COMMAND_UTTERANCES = {
    "start": "안녕하세요",
    "balance": "카드 잔액 알려줘",
    "coupons": "쿠폰 보여줘",
    "cart": "장바구니 보여줘",
}
"""Commands the engine answers, as the words a user would type for them."""
HELP = (
    "끼니는 급식카드로 먹을 수 있는 곳을 찾아 드려요.\n"
    '예: "5천원으로 뭐 먹지?", "근처 분식집", "지금 여는 곳"\n\n'
    "/balance 카드 잔액\n/coupons 내 쿠폰\n/cart 장바구니\n"
    "/link 카카오톡 계정과 연결하는 코드 받기 (/link 코드 로 연결)\n/help 도움말"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONCURRENT_UPDATES = 1024
"""Updates handled at once. A turn mostly waits (on the model, on Telegram), so the bound is memory, not CPU: a
lower one would queue a busy minute's turns behind each other. One chat's turns still run in order (the turn lock)."""


class TelegramChannel:
    def __init__(
        self,
        settings: TelegramSettings,
        turns: Turns,
        kv: KeyValueStore,
        *,
        polling: bool = False,
    ) -> None:
        assert settings.token is not None
        self.settings = settings
        self.turns = turns
        self.kv = kv
        self.polling = polling
        root = settings.api_base_url.rstrip("/")
        builder = (
            Application.builder()
            .token(settings.token.get_secret_value())
            .base_url(f"{root}/bot")
            .base_file_url(f"{root}/file/bot")
            .rate_limiter(AIORateLimiter(max_retries=3))
            .concurrent_updates(CONCURRENT_UPDATES)
        )
        if not polling:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._started = asyncio.Event()
        self._add_handlers()

    @property
    def webhook_secret_set(self) -> bool:
        return self.settings.webhook_secret is not None

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_post("/telegram/webhook", self.webhook)

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        if self.polling:
            updater = self.application.updater
            assert updater is not None
            await self.application.bot.delete_webhook()
            await updater.start_polling(allowed_updates=["message", "callback_query"], poll_interval=0.0)
        self._started.set()

    async def stop(self) -> None:
        self._started.clear()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    # -- the webhook route -------------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        expected = self.settings.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if expected is None or not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
            return web.json_response({"ok": False, "error": "wrong or missing secret token"}, status=403)
        raw = await request.read()  # within KKINI_CHANNELS__MAX_BODY_BYTES and nesting limits (bots.http.bodies)
        try:
            data = json.loads(raw)
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # python-telegram-bot trusts the shape it is given: a field of the wrong type fails anywhere inside.
            logger.info("telegram: malformed update refused: %r", error)
            update = None
        if update is None or not isinstance(data.get("update_id"), int):
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        try:
            await self.turns.inbox.accept(CHANNEL, str(update.update_id), {"update": data})
        except InboxUnavailable:
            return web.json_response({"ok": False, "error": "storage unavailable, deliver again"}, status=503)
        return web.json_response({"ok": True})

    async def process(self, delivery: Delivery) -> None:
        """An update from the inbox, through the handlers (errors go to `_on_error`). Until the bot has started
        (its getMe may be retried for a while) the update waits, its lease renewed."""
        await self._started.wait()
        update = Update.de_json(delivery.payload["update"], self.application.bot)
        await self.application.process_update(update)

    # -- handlers -----------------------------------------------------------------------------------------

    def _add_handlers(self) -> None:
        app = self.application
        for command in COMMAND_UTTERANCES:
            app.add_handler(CommandHandler(command, self._on_command))
        app.add_handler(CommandHandler("help", self._on_help))
        app.add_handler(CommandHandler("link", self._on_text))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self._on_text))
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT, self._on_other))
        app.add_error_handler(self._on_error)

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        command = message.text.split()[0].lstrip("/").split("@")[0].lower()
        await self._answer(update, COMMAND_UTTERANCES[command])

    async def _on_help(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._send_once(update, chat.id, HELP)

    async def _on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await self._answer(update, message.text)

    async def _on_other(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._send_once(update, chat.id, EMPTY_MESSAGE)

    async def _on_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()  # stops the button's spinner at once; the reply follows as a message
        except TelegramError as error:
            logger.info("telegram: answering a callback query failed: %r", error)
        payload = await self._payload(query.data or "")
        if payload is None:
            chat = update.effective_chat
            if chat is not None:
                await self._send_once(update, chat.id, "이 버튼은 시간이 지나 쓸 수 없어요. 다시 말씀해 주세요.")
            return
        await self._answer(update, _button_label(query) or "", payload=payload)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("telegram: handling update failed", exc_info=context.error)

    # -- one turn ------------------------------------------------------------------------------------------

    async def _answer(self, update: Update, text: str, *, payload: str | None = None) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        message = IncomingMessage(
            CHANNEL,
            str(user.id),
            text=text,
            payload=payload,
            conversation=str(chat.id) if chat.type != Chat.PRIVATE else None,
            delivery_id=str(update.update_id),
            received_at=utcnow(),
        )
        gate = self._gate(update)
        stream: Stream = (
            DraftStream(self, chat.id, self.settings.draft_interval_s, gate)
            if chat.type == Chat.PRIVATE
            else EditStream(self, chat.id, self.settings.edit_interval_s, gate)
        )
        gathered = Gathered()
        async for event in self.turns.events(message):
            if isinstance(event, TextDelta):
                await stream.push(event.text)
            else:
                gathered.add(event)
        if gathered.final is None or not await gate.opens():
            return  # silenced by the rate limit, or answered by an earlier attempt at this update
        with self.turns.metrics.timed(CHANNEL, "send"):
            await stream.finish(gathered.text, await self._keyboard(gathered))
        await gate.delivered()

    def _gate(self, update: Update) -> ReplyGate:
        return self.turns.inbox.gate(CHANNEL, str(update.update_id))

    async def _send_once(self, update: Update, chat_id: int, text: str) -> None:
        """A reply that is not a turn, shown once per update however often the update is worked on."""
        gate = self._gate(update)
        if await gate.opens():
            await self._send(chat_id, text)
            await gate.delivered()

    async def _keyboard(self, gathered: Gathered) -> InlineKeyboardMarkup | None:
        rows: list[list[InlineKeyboardButton]] = []
        for card in gathered.cards:
            for button in card.buttons:
                label = f"{card.title} · {button.label}"
                rows.append([InlineKeyboardButton(label, callback_data=await self._callback_data(button))])
        quick = [
            InlineKeyboardButton(button.label, callback_data=await self._callback_data(button))
            for button in gathered.quick_replies
        ]
        rows.extend(quick[i : i + 2] for i in range(0, len(quick), 2))
        return InlineKeyboardMarkup(rows) if rows else None

    async def _callback_data(self, button: Button) -> str:
        return await callback_data(self.kv, button.payload)

    async def _payload(self, data: str) -> str | None:
        return await payload_of(self.kv, data)

    async def _send(self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None) -> int | None:
        """Send the text in pieces of at most 4,096 characters, the keyboard under the last; the last message id."""
        pieces = split_text(text, MAX_TEXT)
        last: int | None = None
        for index, piece in enumerate(pieces):
            markup = keyboard if index == len(pieces) - 1 else None
            try:
                sent = await self.application.bot.send_message(chat_id, piece, reply_markup=markup)
            except Forbidden as error:
                logger.info("telegram: chat %s blocked the bot: %s", chat_id, error)
                return None
            except TelegramError as error:
                logger.warning("telegram: sending to %s failed: %r", chat_id, error)
                return None
            last = sent.message_id
        return last


class Stream:
    """How a streamed answer appears while it is written; `finish` sends the whole answer."""

    def __init__(self, channel: TelegramChannel, chat_id: int, interval_s: float, gate: ReplyGate) -> None:
        self.channel = channel
        self.bot = channel.application.bot
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

    async def finish(self, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
        await self.channel._send(self.chat_id, text, keyboard)


class DraftStream(Stream):
    """Private chats: the text so far as an animated draft (sendMessageDraft), then the real message."""

    def __init__(self, channel: TelegramChannel, chat_id: int, interval_s: float, gate: ReplyGate) -> None:
        super().__init__(channel, chat_id, interval_s, gate)
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

    async def finish(self, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
        if self.message_id is None:
            await super().finish(text, keyboard)
            return
        pieces = split_text(text, MAX_TEXT)
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
            await self.channel._send(self.chat_id, "\n\n".join(pieces[1:]), keyboard)


def _button_label(query: CallbackQuery) -> str | None:
    """The label of the pressed button, read from the message it sits under."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return str(button.text).split(" · ")[-1]
    return None
