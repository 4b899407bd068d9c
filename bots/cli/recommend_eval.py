"""``kkini eval recommend``: kkini's scripted conversations through the real engine on the offline default, over a
fresh database holding the sample data, each reply judged rule by rule (``dialogue.recommend.evaluate``)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bots.cli.root import echo_json, settings_from
from bots.settings import Settings

if TYPE_CHECKING:
    from dialogue.recommend.evaluate import Conversation, Report

SAMPLE_AT = (2026, 11, 23, 20, 0)
"""The moment the sample data is generated around (a Monday evening in Seoul), as the conversations assume."""
CARD_KEY = b"kkini-eval-recommend"


@click.command("recommend")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.pass_context
def recommend_eval(ctx: click.Context, file: Path | None, as_json: bool) -> None:
    """Play scripted conversations (FILE, else kkini's own) and count, per rule, the replies and items that break it.

    Every count must be 0: items off-request, over the budget, the meal amount or the card's money, closed at the
    time asked, far from the place asked; invented budgets and counts; lists mixing areas; missed questions.
    """
    from dialogue.recommend.evaluate import default_path, load_conversations, summary

    settings = settings_from(ctx, log_level="ERROR")
    try:
        conversations = load_conversations(file or default_path())
        report = asyncio.run(_run(settings, conversations))
    except (ValueError, KeyError) as error:  # a turn names a landmark or a user the sample data lacks
        raise click.ClickException(str(error)) from None
    if as_json:
        echo_json(report.as_dict())
    else:
        click.echo(summary(report))


async def _run(settings: Settings, conversations: list[Conversation]) -> Report:
    from bots.app import Services, running_dialogue
    from dialogue.recommend.evaluate import evaluate
    from dialogue.session import SessionStore
    from storage.database import Database
    from storage.hours import SEOUL
    from storage.kv import InProcessStore
    from storage.migrate import upgrade
    from storage.sample import load_sample_data

    # Offline only, whatever keys the environment holds: the evaluation measures kkini's own path.
    offline = settings.model_copy(update={"router": settings.router.model_copy(update={"order": "offline"})})
    with tempfile.TemporaryDirectory(prefix="kkini-eval-") as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'kkini.db'}")
        kv = InProcessStore("eval:")
        try:
            await upgrade(db.engine)
            await load_sample_data(db, offline.sample, CARD_KEY, now=datetime(*SAMPLE_AT, tzinfo=SEOUL))
            services = Services(settings=offline, db=db, kv=kv, card_hash_key=CARD_KEY)
            sessions = SessionStore(kv)

            async def reset(user: str) -> None:
                await sessions.clear(SessionStore.key_for("console", user))

            async with running_dialogue(services) as engine:
                return await evaluate(engine, db, conversations, reset)
        finally:
            await kv.close()
            await db.close()
