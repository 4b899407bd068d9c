"""``kkini knowledge ingest|search`` and ``kkini eval faq``: FAQ collections from the command line.

None of them needs the database; they read the data dir, the chromadb URL and the embedding settings. Kiwi and
chromadb are imported inside the commands so that ``kkini --help`` stays fast.
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bots.cli.root import echo_json, settings_from
from bots.settings import Settings

if TYPE_CHECKING:
    from knowledge.index.registry import KnowledgeBase
    from knowledge.retrieval.hybrid import HybridSearcher
    from knowledge.types import FaqEntry

BUILTIN_MEAL = "builtin:meal"


def knowledge_base(ctx: click.Context) -> KnowledgeBase:
    """A knowledge base over the settings' data dir and chromadb, with the invocation's one Kiwi (``ctx.obj["kiwi"]``,
    created on first use; loading one takes seconds)."""
    from kiwipiepy import Kiwi

    from knowledge.index.registry import KnowledgeBase
    from knowledge.index.tokens import Analyzer

    settings: Settings = settings_from(ctx)
    if "kiwi" not in ctx.obj:
        ctx.obj["kiwi"] = Kiwi()
    base = KnowledgeBase(
        settings.knowledge, data_dir=settings.data_dir, openai=settings.openai, analyzer=Analyzer(ctx.obj["kiwi"])
    )
    ctx.call_on_close(base.close)  # lets a server or another command write the folder afterwards
    return base


def load_entries(path: str, collection: str) -> list[FaqEntry]:
    """The entries of a FAQ file (pickle, JSONL or CSV), or of kkini's own meal FAQ for ``builtin:meal``."""
    if path == BUILTIN_MEAL:
        from knowledge.corpus.meal_faq import meal_faq

        return [replace(entry, collection=collection) for entry in meal_faq()]
    from knowledge.corpus.files import load_faq

    if not Path(path).is_file():
        raise click.BadParameter(f"{path} is not a file (or use {BUILTIN_MEAL})", param_hint="PATH")
    return load_faq(Path(path), collection)


def open_searcher(ctx: click.Context, collection: str, *, use_gate: bool) -> HybridSearcher:
    from knowledge.index.embeddings import EmbeddingMismatch, EmbeddingUnavailable
    from knowledge.index.registry import CollectionMissing

    kb = knowledge_base(ctx)
    try:
        searcher = kb.open(collection)
    except (CollectionMissing, EmbeddingMismatch, EmbeddingUnavailable, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if use_gate:
        from knowledge.assistants import gate_for

        searcher.gate = gate_for(collection, searcher, kb.settings.state_dir(kb.data_dir))
    return searcher


@click.group()
def knowledge() -> None:
    """FAQ collections: build them from files, search them."""


@knowledge.command("ingest")
@click.option("--collection", required=True, help="collection name (seller, meal ...)")
@click.option("--rebuild", is_flag=True, help="drop the collection first (refits the offline embedder)")
@click.argument("path")
@click.pass_context
def knowledge_ingest(ctx: click.Context, collection: str, path: str, rebuild: bool) -> None:
    """Build or update a collection from PATH (FAQ pickle, JSONL or CSV; builtin:meal for kkini's meal FAQ).

    Re-ingesting is incremental: unchanged entries are kept, changed ones re-embedded, missing ones removed.
    `--collection seller` installs the seller assistant's FAQ: a running kkini serve must be stopped first (it
    holds the folder) and picks the collection up when it starts again.
    """
    from knowledge.assistants import open_gated
    from knowledge.corpus.errors import FaqFormatError
    from knowledge.index.embeddings import EmbeddingMismatch, EmbeddingUnavailable
    from knowledge.index.folder_lock import KnowledgeBusy

    try:
        entries = load_entries(path, collection)
        kb = knowledge_base(ctx)
        with BarProgress() as bar:
            report = kb.ingest(collection, entries, rebuild=rebuild, progress=bar)
        prepared = time.perf_counter()
        open_gated(kb, collection)  # builds and keeps the lexical index and scope gate: the next start loads them
        prepared_s = time.perf_counter() - prepared
    except (FaqFormatError, EmbeddingMismatch, EmbeddingUnavailable, KnowledgeBusy, ValueError) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        raise click.ClickException(
            "interrupted; what was embedded is kept: run the same command again to go on"
        ) from None
    click.echo(
        f"{collection}: {report.total:,} entries ({report.added:,} added, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged, {report.removed:,} removed), {report.embedded:,} texts embedded "
        f"in {report.seconds:.1f} s; search index and scope gate prepared for start-up in {prepared_s:.1f} s",
        err=True,
    )
    summary = report.as_dict()
    summary["seconds"] = round(report.seconds, 2)
    echo_json(summary)


class BarProgress:
    """``knowledge.index.progress.IngestProgress`` as a rich progress bar on stderr (count, rate, elapsed, ETA);
    steps are printed as lines above it. Off a terminal rich prints the lines and the bar's final state only."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task: Any = None

    def __enter__(self) -> BarProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.finish()

    def step(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False)

    def start(self, total: int, what: str) -> None:
        self.bar.start()
        self.task = self.bar.add_task(f"{what}: embedding", total=total)

    def advance(self, count: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, count)

    def finish(self) -> None:
        if self.task is not None:
            self.bar.stop()
            self.task = None


def _requests(stream: io.TextIOBase | Any) -> Iterator[tuple[str, tuple[str, ...]] | str]:
    """Each non-blank line as (query, history), or an error message for a malformed one."""
    for line in stream:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            yield f"invalid JSON: {error}"
            continue
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            yield 'expected an object with a string "query"'
            continue
        history = request.get("history") or []
        if not isinstance(history, list) or not all(isinstance(turn, str) for turn in history):
            yield '"history" must be a list of strings'
            continue
        yield request["query"], tuple(history)


@knowledge.command("search")
@click.option("--collection", required=True, help="collection to search")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50), help="results per query")
@click.option("--no-gate", is_flag=True, help="skip the scope gate: in_scope is always true")
@click.pass_context
def knowledge_search(ctx: click.Context, collection: str, k: int, no_gate: bool) -> None:
    """Read JSON lines {"query", "history"?} on stdin; print {"in_scope", "results": [{"question", "score"}]} per
    line, in order ("question" is the entry's original question). A malformed line prints {"error"}."""
    searcher = open_searcher(ctx, collection, use_gate=not no_gate)
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
    for request in _requests(sys.stdin):
        if isinstance(request, str):
            reply: dict[str, Any] = {"error": request}
        else:
            query, history = request
            result = searcher.search(query, k=k, history=history)
            reply = {
                "in_scope": result.in_scope,
                "results": [{"question": hit.entry_id, "score": round(hit.score, 6)} for hit in result.hits],
            }
        click.echo(json.dumps(reply, ensure_ascii=False))
        sys.stdout.flush()


def eval_faq(searcher: HybridSearcher, file: Path) -> dict[str, Any]:
    """Metrics of ``searcher`` on a labelled FAQ file: recall_at_1, recall_at_5, mrr, off_topic_rejection,
    false_refusals, counts and the failed cases (see ``knowledge.retrieval.evaluate``)."""
    from knowledge.retrieval.evaluate import evaluate, load_cases

    return evaluate(searcher, load_cases(file)).as_dict()


@click.command("faq")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--collection", default="seller", show_default=True, help="collection to search")
@click.option("--no-gate", is_flag=True, help="skip the scope gate (retrieval alone)")
@click.pass_context
def faq_eval(ctx: click.Context, files: tuple[Path, ...], collection: str, no_gate: bool) -> None:
    """Score search on labelled JSON-lines FILES ({"query", "expected_questions"} or {"query", "in_scope"}, with an
    optional "kind"): scores overall and per kind, and the latency of each search (query encoding included). With
    several files, the metrics of each under its name."""
    searcher = open_searcher(ctx, collection, use_gate=not no_gate)
    found: dict[str, Any] = {}
    for file in files:
        try:
            found[file.stem] = eval_faq(searcher, file)
        except ValueError as error:
            raise click.ClickException(f"{file}: {error}") from None
    echo_json(found[files[0].stem] if len(files) == 1 else found)
