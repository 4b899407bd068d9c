"""``kkini nlu parse`` and ``kkini eval nlu``: the offline understander on stdin lines and on a labelled file.

Neither needs the database or settings: the understander is built from kkini's own examples and dictionaries.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from bots.cli.root import echo_json


def _understander() -> Any:
    # Imported here so that `kkini --help` does not load kiwi and train the model.
    from dialogue.nlu.understander import OfflineNLU

    return OfflineNLU()


@click.group()
def nlu() -> None:
    """Intents and entities of users' messages."""


@nlu.command("parse")
def nlu_parse() -> None:
    """Read JSON lines {"text", "context"?} on stdin; print {"intent", "confidence", "entities"} per line, in order."""
    understander = _understander()
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            # JSON lines are UTF-8 whatever the locale says.
            stream.reconfigure(encoding="utf-8")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict) or not isinstance(request.get("text"), str):
                raise ValueError('expected an object with a string "text"')
            context = request.get("context") or []
            if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
                raise ValueError('"context" must be a list of strings')
            result = understander.parse(request["text"], tuple(context))
            reply: dict[str, Any] = {
                "intent": result.intent,
                "confidence": result.confidence,
                "entities": result.entities,
            }
        except (ValueError, TypeError) as error:
            reply = {"error": str(error)}
        click.echo(json.dumps(reply, ensure_ascii=False))
        sys.stdout.flush()


@click.group("eval")
def eval_group() -> None:
    """Measure components against labelled development sets."""


_DEV_SETS = (Path("../shared/eval/nlu_dev.jsonl"), Path("../shared/eval/nlu_people_dev.jsonl"))


@eval_group.command("nlu")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--table", is_flag=True, help="Print a plain-text summary (per intent, per style, confusion) instead.")
def eval_nlu(files: tuple[Path, ...], table: bool) -> None:
    """Score the offline understander on labelled JSON-lines FILES (format of ../shared/spec/nlu.md).

    Without FILES, both development sets of ../shared/eval. One file prints its report as JSON; several print
    {file name: report}.
    """
    from dialogue.nlu.evaluate import evaluate, load_cases, summary

    if not files:
        files = tuple(path for path in _DEV_SETS if path.is_file())
        if not files:
            raise click.UsageError("no FILE given and no development set in ../shared/eval")
    try:
        loaded = {path: load_cases(path) for path in files}
    except (ValueError, KeyError) as error:
        raise click.ClickException(f"{error}") from None
    understander = _understander()
    reports = {path: evaluate(understander, cases) for path, cases in loaded.items()}
    if table:
        click.echo("\n\n".join(summary(path.name, report) for path, report in reports.items()))
    elif len(reports) == 1:
        echo_json(next(iter(reports.values())).as_dict())
    else:
        echo_json({path.name: report.as_dict() for path, report in reports.items()})
