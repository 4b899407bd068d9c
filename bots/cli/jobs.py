"""``kkini jobs list|run``, ``kkini worker`` and ``kkini dev card-issuer``: the scheduled jobs and their tools."""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import click
from aiohttp import web

from bots.app import Services, running_services
from bots.channels.notifiers import build_notifiers, close_notifiers
from bots.cli.root import echo_json, run_async, settings_from
from bots.settings import Settings
from jobs.assembly import running_jobs
from jobs.context import JobConfig, JobContext
from jobs.issuer.devserver import IssuerApp, IssuerBook, book_from_database
from jobs.runner import JobRunner, RunOutcome
from jobs.scheduler import JobScheduler, running_scheduler
from storage.repositories.job_runs import JobRunRepository


def job_config(settings: Settings) -> JobConfig:
    return JobConfig(jobs=settings.jobs, notify=settings.notify, card_issuer=settings.card_issuer)


@asynccontextmanager
async def job_runner(services: Services) -> AsyncIterator[JobRunner]:
    """The job runner with a notifier for every channel whose push settings are present."""
    notifiers = build_notifiers(services.settings, services.kv)
    try:
        ctx = JobContext(services.db, services.kv, job_config(services.settings), notifiers)
        async with running_jobs(ctx) as runner:
            yield runner
    finally:
        await close_notifiers(notifiers)


@asynccontextmanager
async def scheduled_jobs(services: Services, *, always: bool = False) -> AsyncIterator[JobScheduler | None]:
    """The scheduler running every job for as long as the block lasts; inside ``kkini serve`` it runs only when
    ``KKINI_JOBS__SCHEDULER`` is on (the default), ``kkini worker`` always runs it."""
    if not (always or services.settings.jobs.scheduler):
        yield None
        return
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per fire otherwise; jobs log their own runs
    async with job_runner(services) as runner, running_scheduler(runner) as scheduler:
        yield scheduler


@click.group()
def jobs() -> None:
    """Scheduled jobs: balance sync, notice delivery, coupon reminders, popularity, retention."""


@jobs.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.pass_context
def jobs_list(ctx: click.Context, as_json: bool) -> None:
    """Every job with its schedule and its last run."""
    settings = settings_from(ctx)

    async def work() -> list[dict[str, Any]]:
        async with running_services(settings) as services, job_runner(services) as runner:
            rows = []
            async with services.db.session() as session:
                runs = JobRunRepository(session)
                for spec in runner.jobs.values():
                    last = await runs.latest(spec.name, limit=1)
                    run = last[0] if last else None
                    rows.append(
                        {
                            "name": spec.name,
                            "schedule": spec.schedule,
                            "description": spec.description,
                            "last_status": run.status if run else None,
                            "last_started_at": run.started_at.isoformat() if run else None,
                            "last_finished_at": run.finished_at.isoformat() if run and run.finished_at else None,
                            "last_counts": run.counts if run else {},
                            "last_error": run.error if run else None,
                        }
                    )
            return rows

    rows = run_async(work)
    if as_json:
        echo_json(rows)
        return
    click.echo(f"{'job':<17} {'schedule':<30} {'last run':<26} description")
    for row in rows:
        last = f"{row['last_status']} {row['last_started_at'][:19]}" if row["last_status"] else "never"
        click.echo(f"{row['name']:<17} {row['schedule']:<30} {last:<26} {row['description']}")


@jobs.command("run")
@click.argument("name")
@click.pass_context
def jobs_run(ctx: click.Context, name: str) -> None:
    """Run job NAME now (it still takes the job's lock, so it never overlaps a scheduled run)."""
    settings = settings_from(ctx)

    async def work() -> RunOutcome | list[str]:
        async with running_services(settings) as services, job_runner(services) as runner:
            if name not in runner.jobs:
                return sorted(runner.jobs)
            return await runner.run(name)

    outcome = run_async(work)
    if isinstance(outcome, list):
        raise click.BadParameter(f"no job {name!r}; jobs: {', '.join(outcome)}", param_hint="NAME")
    echo_json(
        {
            "job": outcome.job,
            "status": outcome.status,
            "counts": outcome.counts,
            "error": outcome.error,
            "started_at": outcome.started_at,
            "finished_at": outcome.finished_at,
        }
    )
    if outcome.status != "ok":
        ctx.exit(1)


@click.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """The scheduler and outbox delivery without the HTTP server; run as many replicas as you like."""
    settings = settings_from(ctx)

    async def work() -> None:
        stop = _stop_on_signals()
        async with running_services(settings) as services, scheduled_jobs(services, always=True) as scheduler:
            assert scheduler is not None
            click.echo(f"kkini worker {scheduler.runner.owner}: {', '.join(scheduler.runner.jobs)}")
            await stop.wait()
            click.echo("kkini worker: shutting down")

    run_async(work)


@click.group()
def dev() -> None:
    """Development servers."""


@dev.command("card-issuer")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=int, default=8090, show_default=True, help="port to listen on")
@click.option("--api-key", default=None, help="bearer key to require [KKINI_CARD_ISSUER__API_KEY, else generated]")
@click.option("--tick", type=float, default=10.0, show_default=True, help="seconds between simulation steps")
@click.option(
    "--spend-probability",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="chance that a card pays for a meal in one step during meal hours",
)
@click.option("--seed", type=int, default=None, help="random seed of the simulation")
@click.pass_context
def card_issuer(
    ctx: click.Context,
    host: str,
    port: int,
    api_key: str | None,
    tick: float,
    spend_probability: float,
    seed: int | None,
) -> None:
    """A card issuer implementing the balance API over kkini's cards, with simulated spending and monthly top-ups."""
    settings = settings_from(ctx)
    configured = settings.card_issuer.api_key.get_secret_value() if settings.card_issuer.api_key else None
    key = api_key or configured or secrets.token_urlsafe(18)

    async def work() -> None:
        stop = _stop_on_signals()
        async with running_services(settings) as services:
            if settings.sample.load_on_start and await services.database_is_empty():
                await services.load_sample_data()
            book = await book_from_database(services.db, datetime.now(UTC))
        issuer = IssuerApp(book, key)
        runner = web.AppRunner(issuer.build(), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            await runner.cleanup()
            raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
        click.echo(f"card issuer on http://{host}:{port} with {len(book)} cards")
        click.echo(f"  KKINI_CARD_ISSUER__BASE_URL=http://{host}:{port}")
        if not (api_key or configured):
            click.echo(f"  KKINI_CARD_ISSUER__API_KEY={key}")
        simulation = asyncio.create_task(_simulate(book, tick, spend_probability, random.Random(seed)))
        try:
            await stop.wait()
        finally:
            simulation.cancel()
            await runner.cleanup()

    run_async(work)


async def _simulate(book: IssuerBook, tick: float, spend_probability: float, rng: random.Random) -> None:
    while True:
        await asyncio.sleep(tick)
        changed = book.simulate(datetime.now(UTC), rng, spend_probability)
        if changed:
            click.echo(f"card issuer: {changed} cards changed")


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM; installed before anything is announced, so an early signal stops cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
