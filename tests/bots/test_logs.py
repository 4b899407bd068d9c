"""Log lines are JSON objects that name their turn, never carry personal data or a configured secret."""

from __future__ import annotations

import contextvars
import io
import json
import logging

from pydantic import SecretStr

from bots.logs import JsonFormatter, Redactor, TextFormatter, secrets_of
from bots.settings import Settings
from dialogue.trace import current_turn_id


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("kkini.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_json_line_names_its_turn_and_keeps_extra_fields() -> None:
    formatter = JsonFormatter(Redactor([]))

    def in_a_turn() -> str:
        current_turn_id.set("t-123")
        return formatter.format(_record("provider %s failed", "openai", stage="router", attempts=2))

    entry = json.loads(contextvars.copy_context().run(in_a_turn))
    assert entry["msg"] == "provider openai failed"
    assert entry["turn_id"] == "t-123"
    assert entry["level"] == "WARNING" and entry["logger"] == "kkini.test"
    assert entry["stage"] == "router" and entry["attempts"] == 2
    assert current_turn_id.get() is None


def test_personal_data_is_masked_in_messages_fields_and_tracebacks() -> None:
    formatter = JsonFormatter(Redactor([]))
    try:
        raise ValueError("카드 1234-5678-9012-3456 거절")
    except ValueError:
        import sys

        record = _record("user said %s", "제 번호는 010-1234-5678이에요", text="메일 kid@example.com")
        record.exc_info = sys.exc_info()
    entry = json.loads(formatter.format(record))
    assert "010-1234-5678" not in entry["msg"] and "[전화번호]" in entry["msg"]
    assert entry["text"] == "메일 [이메일]"
    assert "1234-5678-9012-3456" not in entry["exc"] and "[카드번호]" in entry["exc"]


def test_configured_secrets_never_reach_a_line() -> None:
    settings = Settings(
        _env_file=None,
        telegram={"token": "123456:ABCdefGHIjkl", "webhook_secret": "hook-secret-value"},
        openai={"api_key": SecretStr("sk-test-abcdefghijkl")},
    )
    redact = Redactor(secrets_of(settings))
    record = _record("POST https://api.telegram.org/bot123456:ABCdefGHIjkl/sendMessage key=%s", "sk-test-abcdefghijkl")
    for formatter in (JsonFormatter(redact), TextFormatter(redact)):
        line = formatter.format(record)
        assert "ABCdefGHIjkl" not in line and "sk-test" not in line
        assert "[secret]" in line


def test_configure_logging_replaces_only_its_own_handler() -> None:
    from bots.logs import configure_logging

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        foreign = logging.NullHandler()
        root.addHandler(foreign)
        configure_logging("INFO", "text")
        configure_logging("INFO", "json")
        ours = [handler for handler in root.handlers if isinstance(handler.formatter, (JsonFormatter, TextFormatter))]
        assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
        assert foreign in root.handlers  # a test runner's handlers stay
        stream = io.StringIO()
        handler = ours[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        logging.getLogger("kkini.x").info("hello %s", "world")
        assert json.loads(stream.getvalue())["msg"] == "hello world"
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
