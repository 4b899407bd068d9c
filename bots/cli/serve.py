"""``kkini serve``: the HTTP server on the embedded default or on the configured services."""

from __future__ import annotations

import asyncio
import signal

import click
from aiohttp import web

from bots.app import (
    CHANNEL_NOTES_KEY,
    CHANNELS_KEY,
    STAFF_BOARD_KEY,
    Services,
    init_application,
    running_services,
    serving_dialogue,
)
from bots.channels.dialogue import AssistantState, DialogueSlot
from bots.channels.slack import socket_app_token
from bots.cli.jobs import scheduled_jobs
from bots.cli.root import settings_from, stop_on_crash
from bots.http.memory import freeze_long_lived_objects
from bots.settings import Settings, SettingsError
from knowledge.assistants import SELLER_INSTALL


@click.command()
@click.option("--host", default=None, help="address to listen on [KKINI_SERVER__HOST, 127.0.0.1]")
@click.option("--port", type=int, default=None, help="port to listen on [KKINI_SERVER__PORT, 8080]")
@click.option(
    "--telegram-polling", is_flag=True, help="development: fetch Telegram updates by polling instead of the webhook"
)
@click.option(
    "--slack-socket",
    is_flag=True,
    help="development: receive Slack events over Socket Mode too (needs KKINI_SLACK__APP_TOKEN), no public URL",
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, telegram_polling: bool, slack_socket: bool) -> None:
    """Run the server until interrupted; loads the sample data into an empty database first."""
    settings = settings_from(ctx)
    if slack_socket:
        try:
            socket_app_token(settings.slack)
        except SettingsError as error:
            raise click.UsageError(str(error)) from None
    listen = (host or settings.server.host, port or settings.server.port)
    try:
        asyncio.run(_serve(settings, *listen, telegram_polling=telegram_polling, slack_socket=slack_socket))
    except click.ClickException:
        raise
    except Exception as error:  # a database that refuses, a migration that fails: one log line, not a traceback
        stop_on_crash(settings, "serve", error)


async def _serve(
    settings: Settings, host: str, port: int, *, telegram_polling: bool = False, slack_socket: bool = False
) -> None:
    async with running_services(settings) as services:
        if settings.sample.load_on_start and await services.database_is_empty():
            click.echo("kkini: empty database, loading the sample data ...")
            report = await services.load_sample_data()
            click.echo(f"kkini: sample data loaded in {report.elapsed_s:.1f} s")
        dialogue = DialogueSlot()
        app = init_application(services, dialogue, telegram_polling=telegram_polling, slack_socket=slack_socket)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
        _print_banner(services, app[CHANNELS_KEY], f"http://{host}:{port}", app.get(CHANNEL_NOTES_KEY, {}))
        freeze_long_lived_objects()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            async with (
                serving_dialogue(
                    services, dialogue, staff_board=app.get(STAFF_BOARD_KEY), progress=_progress
                ) as loading,
                scheduled_jobs(services),
            ):
                loading.add_done_callback(lambda task: _loading_failed(task, stop))
                await _announce_dialogue(dialogue, stop)
                await stop.wait()
        finally:
            click.echo("kkini: shutting down")
            await runner.cleanup()


async def _announce_dialogue(dialogue: DialogueSlot, stop: asyncio.Event) -> None:
    """Say what becomes of each assistant, and when the server is ready, without holding up the server."""

    async def watch() -> None:
        announced: dict[str, AssistantState] = {}
        while not stop.is_set():
            changed = False
            for name, state in dialogue.states.items():
                if state is AssistantState.LOADING or announced.get(name) is state:
                    continue
                announced[name] = state
                changed = True
                if state is AssistantState.READY:
                    click.echo(f"kkini: the {name} assistant is ready")
                elif state is AssistantState.NOT_INSTALLED:
                    click.echo(f"kkini: the {name} assistant is off: its FAQ is not installed ({SELLER_INSTALL})")
                else:
                    click.echo(f"kkini: the {name} assistant is off: {dialogue.errors.get(name, 'failed')}", err=True)
            if changed and dialogue.settled:
                click.echo("kkini: ready")
                freeze_long_lived_objects()  # the engine's indexes and models live as long as the process
            await asyncio.sleep(0.2)

    task = asyncio.create_task(watch())
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


def _progress(line: str) -> None:
    """A step of a long knowledge build, on the console while the server waits for it."""
    click.echo(f"kkini: {line}")


_BACKGROUND: set[asyncio.Task[None]] = set()


def _loading_failed(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    if not task.cancelled() and task.exception() is not None:
        click.echo(f"kkini: the dialogue engine could not start: {task.exception()!r}", err=True)
        stop.set()


def _print_banner(services: Services, channels: list[str], url: str, notes: dict[str, str]) -> None:
    settings = services.settings
    database = services.db.engine.url.render_as_string(hide_password=True)
    kv = "Redis" if settings.redis.url else f"SQLite {settings.redis.sqlite_path(settings.data_dir)}"
    click.echo(f"kkini is serving on {url}")
    click.echo(f"  database        {database}")
    click.echo(f"  key-value store {kv}")
    click.echo(f"  channels on     {', '.join(channels) if channels else 'none'}")
    for channel, note in notes.items():
        click.echo(f"  {channel:<15} {note}")
    if "web" in channels:
        click.echo(f"  web chat        {url}/")
    click.echo(f"  health          {url}/healthz, {url}/readyz (ready once every installed assistant answers)")
    click.echo(f"  metrics         {url}/metrics")
    click.echo("press Ctrl+C to stop")
