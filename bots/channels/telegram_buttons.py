"""Button payloads in Telegram's callback data, under one policy for replies and pushes alike.

Telegram takes 1 to 64 bytes of callback data. A payload that is 1-64 bytes of UTF-8 (and does not look like one of
our keys) travels as itself; any other (longer, or empty) travels as a short key to it in the key-value store, for
`BUTTON_TTL_S`. Without a store such a payload cannot be carried: `callback_data` gives None and the button is left
out, never sent as data Telegram would refuse (``BUTTON_DATA_INVALID``) or that would read back as another payload.
The channel reads every pressed button back through `payload_of`, whichever of them sent it.
"""

from __future__ import annotations

import hashlib

from storage.kv import KeyValueStore

CALLBACK_DATA_MIN = 1
CALLBACK_DATA_MAX = 64
BUTTON_TTL_S = 7 * 24 * 3600.0
"""How long a key to a long payload stays readable (a push's buttons may be pressed days later)."""
KEY_PREFIX = "k:"


def fits(payload: str) -> bool:
    """Whether the payload can be callback data as it is."""
    size = len(payload.encode("utf-8"))
    return CALLBACK_DATA_MIN <= size <= CALLBACK_DATA_MAX and not payload.startswith(KEY_PREFIX)


async def callback_data(kv: KeyValueStore | None, payload: str) -> str | None:
    """The payload itself when it `fits`, else a key to it in the store; None without a store to hold it."""
    if fits(payload):
        return payload
    if kv is None:
        return None
    key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
    await kv.set(f"tg-button:{key}", payload, ttl=BUTTON_TTL_S)
    return KEY_PREFIX + key


async def payload_of(kv: KeyValueStore, data: str) -> str | None:
    """The payload a pressed button's callback data stands for; None when its key has expired."""
    if data.startswith(KEY_PREFIX):
        return await kv.get(f"tg-button:{data.removeprefix(KEY_PREFIX)}")
    return data
