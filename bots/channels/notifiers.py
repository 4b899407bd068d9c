"""Pushes for the jobs package: one `Notifier` per channel whose settings are present.

Each notifier turns the platform's answer into the protocol's terms: a message id, or `DeliveryError` with
``retry_after`` (rate limited), ``permanent`` (blocked bot, unknown chat or user, wrong credentials) or neither
(a transient failure worth retrying). With a key-value store, a push whose idempotency key already went out returns
the first message id instead of posting again, and two workers never send the same push at once.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bots.channels.slack.text import section_text
from bots.channels.telegram_buttons import callback_data
from bots.settings import KakaoSettings, Settings, SlackSettings, TelegramSettings
from jobs.notifier import DeliveryError, Notifier, Push
from storage.kv import KeyValueStore

logger = logging.getLogger(__name__)

SENT_TTL_S = 7 * 24 * 3600
"""How long a sent push's message id is remembered against its idempotency key."""
CLAIM_TTL_S = 60.0
"""How long a push being sent is claimed; a worker that died mid-send frees it after this."""
CLAIMED = "\x00sending"
SLACK_PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_auth",
        "is_archived",
        "missing_scope",
        "not_authed",
        "not_in_channel",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
    }
)


def retry_seconds(value: int | float | timedelta | str | None) -> float | None:
    """A retry delay as seconds, from PTB's int-or-timedelta or an HTTP ``Retry-After`` header."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def telegram_retry_after(error: RetryAfter) -> float | None:
    """Seconds to wait, whichever type this PTB version gives (an int now, a timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return retry_seconds(error.retry_after)


class IdempotentSends:
    """Remembers which idempotency keys went out, so a retried push returns the first message id."""

    def __init__(self, kv: KeyValueStore | None, channel: str) -> None:
        self.kv = kv
        self.channel = channel

    async def send_once(self, push: Push, send: Callable[[], Awaitable[str | None]]) -> str | None:
        if self.kv is None:
            return await send()
        key = f"push:{self.channel}:{push.idempotency_key}"
        if not await self.kv.set_if_absent(key, CLAIMED, CLAIM_TTL_S):
            previous = await self.kv.get(key)
            if previous is None:  # the claim expired between the two calls: try again later
                raise DeliveryError("push claim changed hands", retry_after=1.0)
            if previous == CLAIMED:
                raise DeliveryError("the same push is being sent by another worker", retry_after=CLAIM_TTL_S)
            return previous or None
        try:
            message_id = await send()
        except BaseException:
            await self.kv.delete(key)
            raise
        await self.kv.set(key, message_id or "", ttl=SENT_TTL_S)
        return message_id


class TelegramNotifier:
    """Sends a push as a Telegram message; buttons become an inline keyboard."""

    channel = "telegram"

    def __init__(self, settings: TelegramSettings, kv: KeyValueStore | None = None) -> None:
        assert settings.token is not None
        self.bot = Bot(settings.token.get_secret_value(), base_url=f"{settings.api_base_url.rstrip('/')}/bot")
        self.kv = kv
        self.sends = IdempotentSends(kv, self.channel)

    async def send(self, push: Push) -> str | None:
        return await self.sends.send_once(push, lambda: self._send(push))

    async def _send(self, push: Push) -> str | None:
        try:
            chat_id = int(push.external_id)
        except ValueError:
            raise DeliveryError(f"not a Telegram chat id: {push.external_id!r}", permanent=True) from None
        try:
            keyboard = await inline_keyboard(push.buttons, self.kv)
            message = await self.bot.send_message(chat_id, push.text[:4096], reply_markup=keyboard)
        except RetryAfter as error:
            raise DeliveryError(str(error), retry_after=telegram_retry_after(error)) from error
        except (Forbidden, InvalidToken) as error:
            raise DeliveryError(str(error), permanent=True) from error
        except BadRequest as error:
            raise DeliveryError(str(error), permanent=True) from error
        except (NetworkError, TelegramError) as error:
            raise DeliveryError(str(error)) from error
        return str(message.message_id)

    async def aclose(self) -> None:
        await self.bot.shutdown()


async def inline_keyboard(
    buttons: tuple[tuple[str, str], ...], kv: KeyValueStore | None
) -> InlineKeyboardMarkup | None:
    """One button per row, each carrying its payload the way the Telegram channel reads it back, under the one
    callback-data policy (`telegram_buttons.callback_data`): a button whose payload cannot be carried is left out."""
    rows = []
    for label, payload in buttons:
        data = await callback_data(kv, payload)
        if data is None:
            logger.warning("telegram: a push button's payload does not fit without a store; the button is left out")
            continue
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


class KakaoNotifier:
    """Sends a push through Kakao's Event API: the Event block named in the settings shows ``event.data.text``.

    The Event API cannot add quick replies to a push; the block's own buttons apply, so ``buttons`` are dropped.
    The answer's ``taskId`` is the message id.
    """

    channel = "kakao"

    def __init__(self, settings: KakaoSettings, kv: KeyValueStore | None = None, *, timeout_s: float = 10.0) -> None:
        assert settings.bot_id is not None and settings.rest_api_key is not None
        self.url = f"{settings.event_api_base_url.rstrip('/')}/v2/bots/{settings.bot_id}/talk"
        self.headers = {"Authorization": f"KakaoAK {settings.rest_api_key.get_secret_value()}"}
        self.event_name = settings.event_name
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self.sends = IdempotentSends(kv, self.channel)

    async def send(self, push: Push) -> str | None:
        return await self.sends.send_once(push, lambda: self._send(push))

    async def _send(self, push: Push) -> str | None:
        body = {
            "event": {"name": self.event_name, "data": {"text": push.text}},
            "user": [{"type": "botUserKey", "id": push.external_id}],
        }
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.post(self.url, json=body, headers=self.headers) as response:
                answer: dict[str, Any] = await response.json(content_type=None) if response.content_length != 0 else {}
                status, retry_after = response.status, response.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise DeliveryError(f"Kakao Event API unreachable: {error!r}") from error
        message = str(answer.get("message") or answer.get("status") or status)
        if status == 429:
            raise DeliveryError(f"Kakao Event API rate limited: {message}", retry_after=retry_seconds(retry_after))
        if status >= 500:
            raise DeliveryError(f"Kakao Event API failed ({status}): {message}")
        if status >= 400 or answer.get("status") != "SUCCESS":
            raise DeliveryError(f"Kakao Event API refused the push ({status}): {message}", permanent=True)
        task_id = answer.get("taskId")
        return str(task_id) if task_id else None

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class SlackNotifier:
    """Sends a push as a Slack direct message (conversations.open, then chat.postMessage with buttons)."""

    channel = "slack"

    def __init__(self, settings: SlackSettings, kv: KeyValueStore | None = None) -> None:
        assert settings.bot_token is not None
        self.client = AsyncWebClient(token=settings.bot_token.get_secret_value(), base_url=settings.api_base_url)
        self.sends = IdempotentSends(kv, self.channel)

    async def send(self, push: Push) -> str | None:
        return await self.sends.send_once(push, lambda: self._send(push))

    async def _send(self, push: Push) -> str | None:
        try:
            opened = await self.client.conversations_open(users=push.external_id)
            channel = opened["channel"]["id"]
            posted = await self.client.chat_postMessage(
                channel=channel, text=section_text(push.text), blocks=push_blocks(push) if push.buttons else None
            )
        except SlackApiError as error:
            raise slack_delivery_error(error) from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(f"Slack unreachable: {error!r}") from error
        return str(posted.get("ts") or "") or None

    async def aclose(self) -> None:
        """Nothing held: the SDK opens a session per call."""


def push_blocks(push: Push) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": section_text(push.text)}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": label[:75]},  # plain_text: shown as written
                    "value": payload[:2000],
                    "action_id": f"push_button_{index}",
                }
                for index, (label, payload) in enumerate(push.buttons[:25])
            ],
        },
    ]


def slack_delivery_error(error: SlackApiError) -> DeliveryError:
    response = error.response
    code = str(response.get("error") or "") if response is not None else ""
    if response is not None and response.status_code == 429:
        return DeliveryError("Slack rate limited", retry_after=retry_seconds(response.headers.get("Retry-After")))
    if response is not None and response.status_code >= 500:
        return DeliveryError(f"Slack failed ({response.status_code})")
    return DeliveryError(f"Slack refused: {code or error}", permanent=code in SLACK_PERMANENT_ERRORS)


@dataclass(frozen=True, slots=True)
class _Factory:
    enabled: Callable[[Settings], bool]
    build: Callable[[Settings, KeyValueStore | None], Notifier]


_FACTORIES: dict[str, _Factory] = {
    "telegram": _Factory(lambda s: s.telegram.token is not None, lambda s, kv: TelegramNotifier(s.telegram, kv)),
    "kakao": _Factory(
        lambda s: s.kakao.bot_id is not None and s.kakao.rest_api_key is not None,
        lambda s, kv: KakaoNotifier(s.kakao, kv),
    ),
    "slack": _Factory(lambda s: s.slack.bot_token is not None, lambda s, kv: SlackNotifier(s.slack, kv)),
}


def build_notifiers(settings: Settings, kv: KeyValueStore | None = None) -> dict[str, Notifier]:
    """A notifier for each channel whose push settings are present, keyed by channel name.

    Pass the key-value store to make sends idempotent across retries and workers. Close them with `close_notifiers`.
    """
    return {name: factory.build(settings, kv) for name, factory in _FACTORIES.items() if factory.enabled(settings)}


async def close_notifiers(notifiers: dict[str, Notifier]) -> None:
    for notifier in notifiers.values():
        close = getattr(notifier, "aclose", None)
        if close is not None:
            try:
                await close()
            except Exception:
                logger.exception("closing the %s notifier failed", notifier.channel)
