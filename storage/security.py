"""Keyed hashing and masking of card numbers: kkini never stores a card number in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets
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


def load_or_create_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, or one generated once and kept (mode 600) in the data dir."""
    if configured:
        return configured.encode()
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    path.touch(mode=0o600)
    path.write_bytes(key)
    return key
