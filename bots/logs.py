"""Logging for every entry point: one JSON object per line (or plain text for a terminal), each naming the turn it
belongs to, with personal data masked and configured secrets never written out."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from dialogue.privacy import mask_pii
from dialogue.trace import current_turn_id

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}
_REDACTED = "[secret]"


class Redactor:
    """Replaces the configured secret values (tokens, keys, signing secrets) wherever they appear in a line."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({secret for secret in secrets if len(secret) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _REDACTED)
        return text


def secrets_of(settings: BaseModel) -> list[str]:
    """Every secret value in a settings tree."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            found.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            found += secrets_of(value)
    return found


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
        return self._redact(mask_pii(text))

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
        line = self._redact(mask_pii(super().format(record)))
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
