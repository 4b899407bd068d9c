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
from typing import Any

from aiohttp import web
from telegram import CallbackQuery, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
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
from bots.channels.telegram_stream import MAX_TEXT, DraftStream, EditStream, Stream, TelegramReply
from bots.http.bodies import BodyRefused, read_bounded
from bots.inbox import Delivery, InboxUnavailable, ReplyGate
from bots.settings import TelegramSettings
from dialogue.messages import IncomingMessage, TextDelta
from storage.kv import KeyValueStore
from storage.models import utcnow

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
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
    """The `ChannelAdapter` for Telegram; python-telegram-bot's handlers decide which updates are turns."""

    channel = CHANNEL

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

    async def wait_started(self) -> None:
        """Until the bot has started (its getMe answered); updates from the inbox wait for it too."""
        await self._started.wait()

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
        try:
            raw = await read_bounded(request)
        except BodyRefused as refused:
            return refused.response()
        try:
            data, update = self._parse(raw)
        except ValueError as error:
            logger.info("telegram: malformed update refused: %r", error)
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        try:
            await self.turns.inbox.accept(CHANNEL, str(update.update_id), {"update": data})
        except InboxUnavailable:
            return web.json_response({"ok": False, "error": "storage unavailable, deliver again"}, status=503)
        return web.json_response({"ok": True})

    def parse(self, raw: bytes) -> Update:
        """The update in a webhook body; ``ValueError`` when it is not one."""
        return self._parse(raw)[1]

    def _parse(self, raw: bytes) -> tuple[dict[str, Any], Update]:
        try:
            data = json.loads(raw)
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) else None
        except (TypeError, KeyError, AttributeError) as error:
            # python-telegram-bot trusts the shape it is given: a field of the wrong type fails anywhere inside.
            raise ValueError(f"not a Telegram update: {error!r}") from error
        if update is None or not isinstance(data.get("update_id"), int):
            raise ValueError("not a Telegram update")
        return data, update

    async def process(self, delivery: Delivery) -> None:
        """An update from the inbox, through the handlers (errors go to `_on_error`). Until the bot has started
        (its getMe may be retried for a while) the update waits, its lease renewed."""
        await self.wait_started()
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
        await self._answer(update)

    async def _on_help(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._send_once(update, chat.id, HELP)

    async def _on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._answer(update)

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
        message = await self.identity(update)
        if message is None:
            chat = update.effective_chat
            if chat is not None:
                await self._send_once(update, chat.id, "이 버튼은 시간이 지나 쓸 수 없어요. 다시 말씀해 주세요.")
            return
        await self._answer(update, message)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("telegram: handling update failed", exc_info=context.error)

    # -- one turn ------------------------------------------------------------------------------------------

    async def identity(self, update: Update) -> IncomingMessage | None:
        """A text message (a command as the words it stands for) or a pressed button (its payload, read back under
        `telegram_buttons`); None when it is neither, or the button's key has expired."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return None
        payload: str | None = None
        query = update.callback_query
        if query is not None:
            payload = await payload_of(self.kv, query.data or "")
            if payload is None:
                return None
            text = _button_label(query) or ""
        else:
            said = update.effective_message.text if update.effective_message is not None else None
            if not said:
                return None
            command = said.split()[0].lstrip("/").split("@")[0].lower() if said.startswith("/") else ""
            text = COMMAND_UTTERANCES.get(command, said)
        return IncomingMessage(
            CHANNEL,
            str(user.id),
            text=text,
            payload=payload,
            conversation=str(chat.id) if chat.type != Chat.PRIVATE else None,
            delivery_id=str(update.update_id),
            received_at=utcnow(),
        )

    async def render(self, gathered: Gathered) -> TelegramReply:
        """The text, and an inline keyboard: each card's buttons on a row of their own, quick replies two a row."""
        rows: list[list[InlineKeyboardButton]] = []
        for card in gathered.cards:
            for button in card.buttons:
                data = await callback_data(self.kv, button.payload)
                if data is not None:
                    rows.append([InlineKeyboardButton(f"{card.title} · {button.label}", callback_data=data)])
        quick = []
        for button in gathered.quick_replies:
            data = await callback_data(self.kv, button.payload)
            if data is not None:
                quick.append(InlineKeyboardButton(button.label, callback_data=data))
        rows.extend(quick[i : i + 2] for i in range(0, len(quick), 2))
        return TelegramReply(gathered.text, InlineKeyboardMarkup(rows) if rows else None)

    async def send(self, update: Update, reply: TelegramReply) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._send(chat.id, reply.text, reply.keyboard)

    async def _answer(self, update: Update, message: IncomingMessage | None = None) -> None:
        message = message or await self.identity(update)
        chat = update.effective_chat
        if message is None or chat is None:
            return
        gate = self._gate(update)
        stream: Stream = (
            DraftStream(self.application.bot, self._send, chat.id, self.settings.draft_interval_s, gate)
            if chat.type == Chat.PRIVATE
            else EditStream(self.application.bot, self._send, chat.id, self.settings.edit_interval_s, gate)
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
            await stream.finish(await self.render(gathered))
        await gate.delivered()

    def _gate(self, update: Update) -> ReplyGate:
        return self.turns.inbox.gate(CHANNEL, str(update.update_id))

    async def _send_once(self, update: Update, chat_id: int, text: str) -> None:
        """A reply that is not a turn, shown once per update however often the update is worked on."""
        gate = self._gate(update)
        if await gate.opens():
            await self._send(chat_id, text)
            await gate.delivered()

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
