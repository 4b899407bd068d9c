"""Every benchmark in one run, summarised in one table: ``uv run python -m bench [--only NAME ...] [--write FILE]``.

Each ``bench/*_bench.py`` runs in its own process (so one cannot warm another's caches) with the options in
``OPTIONS``, sized so that the whole run takes minutes rather than hours. Every table a benchmark prints is collected
(see ``bench.common.RECORD_ENV``) and shown again as rows of one table: benchmark, measure, result. ``--write`` also
keeps the table, with the machine it came from, in a Markdown file (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.common import RECORD_ENV, print_table

ROOT = Path(__file__).resolve().parent.parent

OPTIONS: dict[str, list[str]] = {
    "storage": ["--rounds", "3", "--queries", "300"],
    "dialogue": ["--messages", "500", "--sessions", "10000"],
    "jobs": ["--notices", "2000"],
}
"""Options per benchmark for the combined run; a benchmark not named here runs with its own defaults."""


def discover() -> list[str]:
    return sorted(path.stem.removesuffix("_bench") for path in (ROOT / "bench").glob("*_bench.py"))


def run_one(name: str, record: Path) -> tuple[int, float]:
    """Run one benchmark with its output passed through; (exit code, seconds)."""
    env = {**os.environ, RECORD_ENV: str(record)}
    command = [sys.executable, "-m", f"bench.{name}_bench", *OPTIONS.get(name, [])]
    print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    code = subprocess.call(command, cwd=ROOT, env=env)
    return code, time.perf_counter() - started


def summary_rows(name: str, record: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    if not record.exists():
        return rows
    for line in record.read_text(encoding="utf-8").splitlines():
        table = json.loads(line)
        header = table["header"]
        rows.append([name, table["title"], ""])  # the table's title once, its rows under it
        for row in table["rows"]:
            result = ", ".join(f"{head} {cell}" for head, cell in zip(header[1:], row[1:], strict=True))
            rows.append([name, f"· {row[0].strip()}", result])
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_markdown(path: Path, rows: list[list[str]], failed: list[str]) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = [
        "# Benchmarks",
        "",
        "The latest combined run of `uv run python -m bench --write docs/benchmarks.md`. Numbers from one run on one",
        "machine, side by side; the machine is shared, so compare medians and ratios within a run, not across runs.",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit.strip() or 'unknown'}",
        f"- machine: {machine()}",
    ]
    if failed:
        lines.append(f"- did not finish: {', '.join(failed)}")
    lines += ["", "| benchmark | measure | result |", "|---|---|---|"]
    lines += [f"| {name} | {measure} | {result} |" for name, measure, result in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=discover(), help="run only these benchmarks")
    parser.add_argument("--write", type=Path, help="also write the summary as Markdown to this file")
    args = parser.parse_args()
    rows: list[list[str]] = []
    failed: list[str] = []
    with TemporaryDirectory() as folder:
        for name in args.only or discover():
            record = Path(folder) / f"{name}.jsonl"
            code, seconds = run_one(name, record)
            if code != 0:
                failed.append(f"{name} (exit {code})")
            rows += summary_rows(name, record)
            rows.append([name, "wall time of the benchmark", f"{seconds:.0f} s"])
    print_table(f"All benchmarks ({machine()})", ["benchmark", "measure", "result"], rows)
    if failed:
        print(f"\ndid not finish: {', '.join(failed)}")
    if args.write:
        write_markdown(args.write, rows, failed)
        print(f"\nwritten to {args.write}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
