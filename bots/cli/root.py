"""The root command group and helpers that every subcommand uses."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Coroutine
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


def settings_from(ctx: click.Context) -> Settings:
    """Read the settings once per invocation; an invalid value stops with a message naming the variable."""
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
        configure_logging(loaded.log_level, log_format, secrets_of(loaded))
        # Every command migrates on start; alembic's per-step INFO lines are noise there.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    settings: Settings = ctx.obj["settings"]
    return settings


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(factory())


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
