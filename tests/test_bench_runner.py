"""The combined benchmark run turns every table a benchmark printed into rows of one summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import discover, summary_rows, write_markdown
from bench.common import RECORD_ENV, print_table


def test_printed_tables_are_recorded_and_summarised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "x.jsonl"
    monkeypatch.setenv(RECORD_ENV, str(record))
    print_table("Search", ["backend", "p50 ms", "p95 ms"], [["sqlite", 1.234, 5.0], ["postgres", 2.0, 7.5]])
    print_table("Ingest", ["run", "seconds"], [["first", 19.0]])
    rows = summary_rows("knowledge", record)
    assert rows == [
        ["knowledge", "Search", ""],
        ["knowledge", "· sqlite", "p50 ms 1.23, p95 ms 5.00"],
        ["knowledge", "· postgres", "p50 ms 2.00, p95 ms 7.50"],
        ["knowledge", "Ingest", ""],
        ["knowledge", "· first", "seconds 19.00"],
    ]
    out = tmp_path / "docs" / "benchmarks.md"
    write_markdown(out, rows, failed=[])
    text = out.read_text(encoding="utf-8")
    assert "| knowledge | · sqlite | p50 ms 1.23, p95 ms 5.00 |" in text
    assert "- machine: " in text


def test_every_benchmark_module_is_discovered() -> None:
    names = discover()
    assert {"storage", "dialogue", "recommend", "knowledge"} <= set(names)
