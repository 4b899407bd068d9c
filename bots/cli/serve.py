"""``kkini serve``: the HTTP server on the embedded default or on the configured services."""

from __future__ import annotations

import asyncio
import signal

import click
from aiohttp import web

from bots.app import CHANNELS_KEY, Services, init_application, running_services
from bots.cli.jobs import scheduled_jobs
from bots.cli.root import settings_from
from bots.settings import Settings


@click.command()
@click.option("--host", default=None, help="address to listen on [KKINI_SERVER__HOST, 127.0.0.1]")
@click.option("--port", type=int, default=None, help="port to listen on [KKINI_SERVER__PORT, 8080]")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the server until interrupted; loads the sample data into an empty database first."""
    settings = settings_from(ctx)
    asyncio.run(_serve(settings, host or settings.server.host, port or settings.server.port))


async def _serve(settings: Settings, host: str, port: int) -> None:
    async with running_services(settings) as services:
        if settings.sample.load_on_start and await services.database_is_empty():
            click.echo("kkini: empty database, loading the sample data ...")
            report = await services.load_sample_data()
            click.echo(f"kkini: sample data loaded in {report.elapsed_s:.1f} s")
        app = init_application(services)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
        _print_banner(services, app[CHANNELS_KEY], f"http://{host}:{port}")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            async with scheduled_jobs(services):
                await stop.wait()
        finally:
            click.echo("kkini: shutting down")
            await runner.cleanup()


def _print_banner(services: Services, channels: list[str], url: str) -> None:
    settings = services.settings
    database = services.db.engine.url.render_as_string(hide_password=True)
    kv = "Redis" if settings.redis.url else "in-process"
    click.echo(f"kkini is serving on {url}")
    click.echo(f"  database        {database}")
    click.echo(f"  key-value store {kv}")
    click.echo(f"  channels on     {', '.join(channels) if channels else 'none'}")
    click.echo(f"  health          {url}/healthz, {url}/readyz")
    click.echo("press Ctrl+C to stop")
