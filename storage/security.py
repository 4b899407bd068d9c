"""Keyed hashing and masking of card numbers: kkini never stores a card number in clear."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

KEY_FILE_NAME = "card-hash.key"


def normalise_card_number(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    if not 12 <= len(digits) <= 19:
        raise ValueError("a card number has 12 to 19 digits")
    return digits


def card_number_hash(number: str, key: bytes) -> str:
    """HMAC-SHA256 of the card's digits: equal numbers match, and the number cannot be read back."""
    return hmac.new(key, normalise_card_number(number).encode(), hashlib.sha256).hexdigest()


def mask_card_number(number: str) -> str:
    """Keep the first four and last four digits: ``9410-****-****-1234``."""
    digits = normalise_card_number(number)
    return f"{digits[:4]}-****-****-{digits[-4:]}"


def load_or_create_key(configured: str | None, data_dir: Path, name: str = KEY_FILE_NAME) -> bytes:
    """The configured key, or one generated once and kept (mode 600) in the data dir as ``name``.

    Processes starting together agree on one key: the file is created exclusively, and a process that finds it
    created meanwhile reads the other's key (waiting briefly for it to be written).
    """
    if configured:
        return configured.encode()
    path = data_dir / name
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):
            existing = path.read_bytes().strip()
            if existing:
                return existing
            time.sleep(0.01)  # another process created it and is writing it now
        raise RuntimeError(f"{path} stays empty; remove it to have a new key generated") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
