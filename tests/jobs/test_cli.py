"""``kkini dev card-issuer``, ``kkini jobs list|run`` and ``kkini worker`` as an operator runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from tests.conftest import REPO_ROOT
from tests.fakes.server import free_port


def start(args: list[str], env: dict[str, str], ready: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``kkini ARGS`` and return once it printed ``ready``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bots", *args],
        cwd=REPO_ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("KKINI_")}, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if ready in line:
            return process, "".join(lines)
    process.kill()
    raise AssertionError("".join(lines))


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    remaining, _ = process.communicate(timeout=30)
    assert process.returncode == 0, remaining
    return remaining


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[dict[str, str]]:
    """A loaded data dir and the development card issuer serving its cards."""
    port = free_port()
    values = {
        "KKINI_DATA_DIR": str(tmp_path_factory.mktemp("kkini-jobs")),
        "KKINI_SAMPLE__BURGER_DIR": str(shared_dir / "data" / "burger"),
        "KKINI_CARD_ISSUER__BASE_URL": f"http://127.0.0.1:{port}",
        "KKINI_CARD_ISSUER__API_KEY": "cli-test-key",
        "KKINI_TELEGRAM__TOKEN": "",
    }
    issuer, banner = start(["dev", "card-issuer", "--port", str(port), "--tick", "3600"], values, "cards")
    assert "with 60 cards" in banner
    try:
        yield values
    finally:
        stop(issuer)


def test_jobs_run_and_list(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["jobs", "run", "balance-sync"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "ok" and outcome["counts"]["fetched"] == 60
    assert outcome["counts"]["marked_low"] >= 1  # the sample data's low cards (demo03 4,300 won ...)
    listed = CliRunner().invoke(main, ["jobs", "list", "--json"], env=env, catch_exceptions=False)
    jobs = {row["name"]: row for row in json.loads(listed.stdout)}
    assert set(jobs) == {"balance-sync", "notify-deliver", "coupon-reminders", "popularity", "retention"}
    assert jobs["balance-sync"]["last_status"] == "ok" and jobs["balance-sync"]["schedule"] == "every 5 min"
    assert jobs["retention"]["last_status"] is None
    unknown = CliRunner().invoke(main, ["jobs", "run", "nope"], env=env)
    assert unknown.exit_code == 2 and "balance-sync" in unknown.output


def test_worker_starts_and_stops(env: dict[str, str]) -> None:
    worker, banner = start(["worker"], {**env, "KKINI_JOBS__NOTIFY_DELIVER_SECONDS": "1"}, "kkini worker")
    assert "balance-sync" in banner and "notify-deliver" in banner
    assert "shutting down" in stop(worker)
