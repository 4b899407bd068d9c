"""The root command group and helpers that every subcommand uses."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from bots.logs import Redactor, configure_logging, secrets_of
from bots.settings import Settings, SettingsError, load_settings
from dialogue.privacy import mask_pii

T = TypeVar("T")

logger = logging.getLogger(__name__)

_SUMMARY_CHARS = 300


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kkini")
@click.pass_context
def main(ctx: click.Context) -> None:
    """kkini (끼니): a meal-card messenger bot. Settings come from KKINI_* variables and .env."""
    ctx.ensure_object(dict)


def settings_from(ctx: click.Context, *, log_level: str | None = None, log_file: str | None = None) -> Settings:
    """Read the settings once per invocation; an invalid value stops with a message naming the variable.

    The first call also sets up logging: at ``log_level`` (else KKINI_LOG_LEVEL), to stderr in KKINI_LOG_FORMAT, or,
    given ``log_file`` (a name such as ``chat.log``), into ``log_path(settings, log_file)`` as JSON lines.
    """
    if "settings" not in ctx.obj:
        try:
            ctx.obj["settings"] = load_settings()
        except SettingsError as error:
            click.echo(f"kkini: {error}", err=True)
            ctx.exit(2)
        loaded: Settings = ctx.obj["settings"]
        log_format = loaded.log_format
        if log_format == "auto":
            log_format = "text" if sys.stderr.isatty() else "json"
        file = log_path(loaded, log_file) if log_file else None
        configure_logging(log_level or loaded.log_level, log_format, secrets_of(loaded), file=file)
        # Every command migrates on start; alembic's per-step INFO lines are noise there.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    settings: Settings = ctx.obj["settings"]
    return settings


def log_path(settings: Settings, name: str) -> Path:
    """Where a command that keeps its logs off the terminal writes them: ``<data_dir>/logs/<name>``."""
    return settings.data_dir / "logs" / name


def stop_on_crash(settings: Settings, command: str, error: BaseException) -> NoReturn:
    """End a command that crashed: the error and its traceback as one log record (one JSON line with
    KKINI_LOG_FORMAT=json), then one line on stderr naming the error, secrets redacted, and exit status 1."""
    summary = crash_summary(error)
    logger.critical("kkini %s failed: %s", command, summary, exc_info=error)
    line = mask_pii(Redactor(secrets_of(settings))(summary))
    click.echo(f"kkini: {command} failed: {line}", err=True)
    sys.exit(1)


def crash_summary(error: BaseException) -> str:
    """The error on one line: its type and message, the single error inside a group, at most a few hundred chars."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 1] + "…"


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(factory())


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
