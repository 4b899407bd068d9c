"""The root command group and helpers that every subcommand uses."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from bots.logs import configure_logging, secrets_of
from bots.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


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


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(factory())


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
