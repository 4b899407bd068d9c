"""``kkini chat``: a conversation in the console on the embedded default (or the configured services)."""

from __future__ import annotations

import asyncio
import sys

import click

from bots.app import running_dialogue, running_services
from bots.cli.root import log_path, settings_from
from bots.console import ConsoleConversation, prompt_lines, run
from bots.settings import Settings
from knowledge.assistants import SellerNotInstalled
from knowledge.index.folder_lock import KnowledgeBusy

LOG_FILE = "chat.log"


@click.command()
@click.option("--user", default="demo01", show_default=True, help="console user id (demo01 ... demo60 hold cards)")
@click.option("--assistant", type=click.Choice(["meal", "seller"]), default="meal", show_default=True)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    metavar="LEVEL",
    help=f"log to stderr at LEVEL (DEBUG, INFO, WARNING, ERROR) instead of into <data_dir>/logs/{LOG_FILE}",
)
@click.pass_context
def chat(ctx: click.Context, user: str, assistant: str, log_level: str | None) -> None:
    """Talk to kkini; reads stdin lines when not a terminal and prints one reply block per line.

    The terminal shows only the conversation: logs go to a file, named once on stderr, unless --log-level asks for
    them on stderr.
    """
    log_file = None if log_level else LOG_FILE
    settings = settings_from(ctx, log_level=log_level, log_file=log_file)
    if log_file:
        click.echo(f"logs: {log_path(settings, log_file)}", err=True)
    try:
        asyncio.run(_chat(settings, user.strip(), assistant))
    except (SellerNotInstalled, KnowledgeBusy) as error:
        raise click.ClickException(str(error)) from None


async def _chat(settings: Settings, user: str, assistant: str) -> None:
    if not user or len(user) > 128:
        raise click.BadParameter("expected 1 to 128 characters", param_hint="--user")
    async with running_services(settings) as services:
        if settings.sample.load_on_start and await services.database_is_empty():
            await services.load_sample_data()
        async with running_dialogue(services, assistants=(assistant,)) as engine:
            conversation = ConsoleConversation(engine, user, assistant)
            interactive = sys.stdin.isatty()
            if interactive:
                click.echo(f"끼니와 대화해요 ({user}). 버튼은 번호로 누를 수 있어요. 끝내려면 /quit")
                lines = prompt_lines(sys.stdin, "나> ", sys.stdout)
            else:
                lines = (line.rstrip("\n") for line in sys.stdin)
            await run(conversation, lines, sys.stdout, prompt=interactive)
