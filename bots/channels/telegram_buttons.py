"""Button payloads in Telegram's callback data: 1-64 bytes, so a longer payload travels as a short key to it.

The Telegram channel (its replies) and the Telegram notifier (pushes) both write buttons this way, and the channel
reads every pressed button back through `payload_of`, whichever of them sent it.
"""

from __future__ import annotations

import hashlib

from storage.kv import KeyValueStore

CALLBACK_DATA_MAX = 64
BUTTON_TTL_S = 7 * 24 * 3600.0
"""How long a key to a long payload stays readable (a push's buttons may be pressed days later)."""
KEY_PREFIX = "k:"


async def callback_data(kv: KeyValueStore, payload: str) -> str:
    """The payload itself when it fits Telegram's 64 bytes, else a key to it in the store."""
    if payload and len(payload.encode("utf-8")) <= CALLBACK_DATA_MAX and not payload.startswith(KEY_PREFIX):
        return payload
    key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
    await kv.set(f"tg-button:{key}", payload, ttl=BUTTON_TTL_S)
    return KEY_PREFIX + key


async def payload_of(kv: KeyValueStore, data: str) -> str | None:
    """The payload a pressed button's callback data stands for; None when its key has expired."""
    if data.startswith(KEY_PREFIX):
        return await kv.get(f"tg-button:{data.removeprefix(KEY_PREFIX)}")
    return data
