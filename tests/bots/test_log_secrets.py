"""No configured secret reaches a log line: every SecretStr in the settings tree and every URL password, in JSON
and text lines, in the message, in ``extra=`` fields, nested or not, and in exception tracebacks.

Secrets are redacted before personal data is masked: a Telegram token whose bot id looks like a phone number
("01012345678:AAH...") must go whole, not lose its digits to the phone mask and leak the rest.
"""

from __future__ import annotations

import io
import json
import logging
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr

from bots.logs import JsonFormatter, Redactor, TextFormatter, configure_logging, secrets_of
from bots.settings import Settings

PHONE_SHAPED_TOKEN = "01012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
DATABASE_PASSWORD = "pg-Pa55word-ZXCV"
REDIS_PASSWORD = "redis-Pa55word-QWER"
CHROMA_PASSWORD = "chroma-Pa55word-ASDF"


def _is_secret_field(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and SecretStr in typing.get_args(annotation)


def _secret_fields(model: type[BaseModel], within: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The location of every SecretStr field in a settings class, sections included."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _secret_fields(annotation, (*within, name))
        elif _is_secret_field(annotation):
            yield (*within, name)


def _configured() -> tuple[Settings, list[str]]:
    """Settings with every secret field set to a value of its own, and those values."""
    overrides: dict[str, Any] = {}
    values = []
    for location in _secret_fields(Settings):
        value = PHONE_SHAPED_TOKEN if location == ("telegram", "token") else f"{'-'.join(location)}-Zq8v3Kp1Lm"
        section = overrides
        for part in location[:-1]:
            section = section.setdefault(part, {})
        section[location[-1]] = value
        values.append(value)
    overrides.setdefault("database", {})["url"] = f"postgresql+asyncpg://kkini:{DATABASE_PASSWORD}@db.internal/kkini"
    overrides.setdefault("redis", {})["url"] = f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0"
    overrides.setdefault("knowledge", {})["chroma_url"] = f"https://admin:{CHROMA_PASSWORD}@chroma.internal"
    return Settings(_env_file=None, **overrides), [*values, DATABASE_PASSWORD, REDIS_PASSWORD, CHROMA_PASSWORD]


def test_every_secret_in_the_settings_tree_is_known_to_the_redactor() -> None:
    settings, values = _configured()
    assert len(values) >= 15  # the walk found the sections' secrets, not only the top level
    assert set(values) <= set(secrets_of(settings))


def _emit(logger: logging.Logger, secret: str) -> None:
    """Log ``secret`` every way code here does: message arguments, a URL, extra fields and a traceback."""
    logger.info("calling the API with %s", secret)
    logger.info("POST https://api.telegram.org/bot%s/sendMessage", secret)
    logger.warning(
        "request failed",
        extra={
            "token": secret,
            "headers": {"Authorization": f"Bearer {secret}", "X-Key": secret},
            "tried": [secret, {"again": secret}],
        },
    )
    try:
        raise RuntimeError(f"the server refused key {secret!r}")
    except RuntimeError:
        logger.exception("provider call crashed")


def _values(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item)
    else:
        yield str(node)


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_configured_secret_appears_in_any_log_line(log_format: str) -> None:
    settings, values = _configured()
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        configure_logging("DEBUG", log_format, secrets_of(settings))
        [handler] = [h for h in root.handlers if isinstance(h.formatter, JsonFormatter | TextFormatter)]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        logger = logging.getLogger("kkini.test.secrets")
        for value in values:
            _emit(logger, value)
    finally:
        for handler in root.handlers:
            if handler not in saved[0]:
                handler.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    output = stream.getvalue()
    # Each value was logged 8 times in JSON (message twice, 5 extra fields, the traceback); text lines leave the
    # extra fields out.
    assert output.count("[secret]") >= (8 if log_format == "json" else 3) * len(values)
    searched = [output]
    if log_format == "json":
        lines = [json.loads(line) for line in output.splitlines()]
        assert len(lines) == 4 * len(values)
        searched += [value for line in lines for value in _values(line)]
    for value in values:
        assert not any(value in text for text in searched), value
    # The phone-shaped token went whole: neither its bot id nor its key is left, nor half of it masked.
    token_id, _, token_key = PHONE_SHAPED_TOKEN.partition(":")
    assert token_id not in output and token_key not in output
    assert "[전화번호]:" not in output


SECRETS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=12,
    max_size=40,
)


@given(secret=SECRETS, before=st.text(max_size=10), after=st.text(max_size=10))
def test_a_secret_of_any_characters_is_redacted_in_json_and_text_lines(secret: str, before: str, after: str) -> None:
    redact = Redactor([secret])
    record = logging.LogRecord("kkini.test", logging.WARNING, __file__, 1, "%s%s%s", (before, secret, after), None)
    record.__dict__.update(field=secret, nested={"value": f"{before}{secret}{after}"})
    skeleton = JsonFormatter(Redactor([])).format(
        logging.LogRecord("kkini.test", logging.WARNING, __file__, 1, "", (), None)
    )
    assume(secret not in skeleton and secret not in "[secret]")
    json_line = JsonFormatter(redact).format(record)
    entry = json.loads(json_line)
    assert secret not in json_line
    assert not any(secret in value for value in _values(entry))
    text_line = TextFormatter(redact).format(record)
    assert secret not in text_line
