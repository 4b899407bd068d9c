"""``kkini data``: the sample data, row counts, and imports of public merchant lists."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from bots.app import running_services
from bots.cli.root import echo_json, run_async, settings_from
from storage.importers import ImportReport, MerchantFileError, import_merchants
from storage.sample.stats import table_counts


@click.group()
def data() -> None:
    """Sample data and public merchant lists."""


@data.command("load")
@click.pass_context
def data_load(ctx: click.Context) -> None:
    """Load the sample data; a second run inserts nothing."""
    settings = settings_from(ctx)

    async def work() -> dict[str, object]:
        async with running_services(settings) as services:
            report = await services.load_sample_data()
        return {"inserted": report.inserted, "seconds": round(report.elapsed_s, 2)}

    echo_json(run_async(work))


@data.command("stats")
@click.pass_context
def data_stats(ctx: click.Context) -> None:
    """Print a JSON object of row counts per table."""
    settings = settings_from(ctx)

    async def work() -> dict[str, int]:
        async with running_services(settings) as services:
            return await table_counts(services.db)

    echo_json(run_async(work))


@data.command("import-merchants")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON, every rejected row included")
@click.pass_context
def data_import_merchants(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Import a public meal-card merchant list (CSV with BOM, or data.go.kr JSON); re-import updates."""
    settings = settings_from(ctx)

    async def work() -> ImportReport:
        async with running_services(settings) as services:
            return await import_merchants(services.db, file)

    try:
        report = run_async(work)
    except MerchantFileError as error:
        raise click.ClickException(f"{file}: {error}") from None
    if as_json:
        echo_json(
            {
                "file": str(report.path),
                "format": report.format,
                "rows": report.rows,
                "imported": report.imported,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": len(report.rejected),
                "rejected_by_reason": report.rejected_by_reason,
                "warnings_by_reason": report.warnings_by_reason,
                "rejected_rows": [asdict(issue) for issue in report.rejected],
                "seconds": round(report.seconds, 2),
            }
        )
    else:
        click.echo(report.summary())
