"""Logging for every entry point: one JSON object per line (or plain text for a terminal), each naming the turn it
belongs to, with configured secrets never written out and personal data masked.

Secrets are redacted first, then personal data is masked: a bot token whose id looks like a phone number
("01012345678:AAH...") is replaced whole instead of losing only its digits to the phone mask.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote, urlsplit

from pydantic import BaseModel, SecretStr

from dialogue.privacy import mask_pii
from dialogue.trace import current_turn_id

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}
_REDACTED = "[secret]"


class Redactor:
    """Replaces the configured secret values (tokens, keys, signing secrets) wherever they appear in a line, also
    as they read once escaped for JSON or a repr, or quoted into a URL. Values shorter than 6 characters are left
    alone: they would replace ordinary words."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for secret in secrets if len(secret) >= 6 for form in _written_forms(secret)}
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _REDACTED)
        return text


def _written_forms(secret: str) -> Iterator[str]:
    """The secret as it may be written into a line: as is, JSON-escaped, repr-escaped, URL-quoted."""
    yield secret
    yield json.dumps(secret)[1:-1]
    yield json.dumps(secret, ensure_ascii=False)[1:-1]
    yield repr(secret)[1:-1]
    yield quote(secret, safe="")
    yield quote_plus(secret, safe="")


def secrets_of(settings: BaseModel) -> list[str]:
    """Every secret value in a settings tree: each SecretStr, in sections, lists and mappings too, and the password
    of every URL setting (``postgresql://user:password@host/db``)."""
    return list(_secrets_in(settings))


def _secrets_in(value: Any) -> Iterator[str]:
    if isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _secrets_in(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _secrets_in(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _secrets_in(item)
    elif isinstance(value, str) and "://" in value:
        yield from _url_password(value)


def _url_password(url: str) -> Iterator[str]:
    try:
        password = urlsplit(url).password
    except ValueError:
        return
    if password:
        yield password
        if unquote(password) != password:
            yield unquote(password)


class JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": self._clean(record.getMessage()),
        }
        turn_id = getattr(record, "turn_id", None) or current_turn_id.get()
        if turn_id:
            entry["turn_id"] = turn_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = self._field(value)
        if record.exc_info:
            entry["exc"] = self._clean(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)

    def _clean(self, text: str) -> str:
        return mask_pii(self._redact(text))

    def _field(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._clean(value)
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self._clean(json.dumps(value, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """The same cleaning for people reading a terminal."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line = mask_pii(self._redact(super().format(record)))
        turn_id = current_turn_id.get()
        return f"{line} [turn {turn_id}]" if turn_id else line


# A log file is rotated at this size, the newest few kept: a console left running does not fill the disk.
LOG_FILE_MAX_BYTES = 5 * 1024 * 1024
LOG_FILE_BACKUPS = 3


class _KkiniHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """The handler ``configure_logging`` installs, told apart from handlers others added (a test runner's)."""


class _KkiniFileHandler(RotatingFileHandler):
    """The file ``configure_logging`` writes to instead of stderr, rotated at LOG_FILE_MAX_BYTES."""


def configure_logging(level: str, log_format: str, secrets: Iterable[str] = (), *, file: Path | None = None) -> None:
    """Send every record to stderr in ``log_format`` (json or text); calling it again replaces only its own handler.

    Given ``file``, records go there instead, as JSON lines, and so do the warnings libraries would print on stderr:
    for a command whose terminal belongs to a conversation.
    """
    redact = Redactor(secrets)
    handler: logging.Handler
    if file is None:
        handler = _KkiniHandler(sys.stderr)
        handler.setFormatter(JsonFormatter(redact) if log_format == "json" else TextFormatter(redact))
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = _KkiniFileHandler(file, maxBytes=LOG_FILE_MAX_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8")
        handler.setFormatter(JsonFormatter(redact))
    root = logging.getLogger()
    for old in [existing for existing in root.handlers if isinstance(existing, _KkiniHandler | _KkiniFileHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(file is not None)
