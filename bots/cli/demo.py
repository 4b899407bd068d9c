"""``kkini demo``: replay the scripted conversations and write (or check) their transcripts."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from bots.cli.root import run_async, settings_from
from bots.demo import DEMOS, replay_all
from knowledge.assistants import SELLER_INSTALL


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/demo"),
    show_default=True,
    help="folder of the transcripts",
)
@click.option("--only", multiple=True, type=click.Choice([demo.name for demo in DEMOS]), help="replay only these")
@click.option("--check", is_flag=True, help="compare with the transcripts in --out instead of writing them")
@click.pass_context
def demo(ctx: click.Context, out: Path, only: tuple[str, ...], check: bool) -> None:
    """Replay the demo conversations on fresh sample data (offline, fixed clock) and write Markdown transcripts."""
    settings = settings_from(ctx)
    chosen = [item for item in DEMOS if not only or item.name in only]
    transcripts = run_async(lambda: replay_all(settings, chosen))
    changed = []
    for name, text in transcripts.items():
        path = out / f"{name}.md"
        if text is None:
            click.echo(f"{name}: skipped, its assistant is not installed ({SELLER_INSTALL})", err=True)
            continue
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if check:
            if old != text:
                changed.append(name)
                diff = difflib.unified_diff(old.splitlines(), text.splitlines(), str(path), "replayed", lineterm="")
                click.echo("\n".join(diff), err=True)
            continue
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"{path}: {'updated' if old != text else 'unchanged'}")
    if changed:
        raise click.ClickException(f"transcripts differ from the replay: {', '.join(changed)}")
    if check:
        replayed = sum(text is not None for text in transcripts.values())
        click.echo(f"{replayed} transcripts match the replay")
