"""The ``kkini`` command as an operator runs it, on the embedded default in a temporary data dir."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner, Result

from bots.cli import main
from tests.conftest import REPO_ROOT
from tests.fakes.server import free_port


@pytest.fixture(scope="module")
def loaded_env(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> dict[str, str]:
    """A data dir with the sample data loaded once for the module's read-only tests."""
    env = {
        "KKINI_DATA_DIR": str(tmp_path_factory.mktemp("kkini-cli")),
        "KKINI_SAMPLE__BURGER_DIR": str(shared_dir / "data" / "burger"),
    }
    result = CliRunner().invoke(main, ["data", "load"], env=env)
    assert result.exit_code == 0, result.output
    return env


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    env = {"KKINI_DATA_DIR": str(tmp_path), "KKINI_OPENAI__API_KEY": "sk-very-secret", "KKINI_TELEGRAM__TOKEN": "1:x"}
    result = run(env, "config", "show")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert "sk-very-secret" not in result.output and "1:x" not in result.output
    assert shown["openai"]["api_key"] == "********"
    assert shown["database"]["url"] == f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}"


def test_invalid_setting_stops_with_the_name_and_the_expectation(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["data", "stats"], env={"KKINI_DATA_DIR": str(tmp_path), "KKINI_NOTIFY__QUIET_HOURS": "night"}
    )
    assert result.exit_code == 2
    assert "KKINI_NOTIFY__QUIET_HOURS" in result.output and "HH:MM-HH:MM" in result.output
    assert not (tmp_path / "kkini.db").exists()


def test_data_load_is_idempotent_and_stats_count_rows(loaded_env: dict[str, str]) -> None:
    before = json.loads(run(loaded_env, "data", "stats").stdout)
    again = json.loads(run(loaded_env, "data", "load").stdout)
    after = json.loads(run(loaded_env, "data", "stats").stdout)
    assert sum(again["inserted"].values()) == 0
    assert before == after
    assert after["shops"] >= 400 and after["menu_items"] >= 4000 and after["coupons"] == 30
    assert after["users"] == 60 and after["meal_cards"] == 60


def test_cards_list_shows_masked_numbers_and_holders(loaded_env: dict[str, str]) -> None:
    rows = json.loads(run(loaded_env, "cards", "list", "--json").stdout)
    assert len(rows) == 60
    first = rows[0]
    assert first["number"].count("*") == 8
    assert first["identities"] == ["console:demo01"]
    table = run(loaded_env, "cards", "list").output
    assert "60 cards" in table and "console:demo07" in table


def test_users_add_creates_links_and_is_idempotent(loaded_env: dict[str, str]) -> None:
    card = json.loads(run(loaded_env, "cards", "list", "--json").stdout)[6]
    linked = json.loads(
        run(
            loaded_env, "users", "add", "--channel", "telegram", "--external-id", "424242", "--card", card["card_id"]
        ).stdout
    )
    assert linked["user_id"] == card["holder"] and linked["created_identity"] and not linked["created_user"]
    assert linked["identities"] == ["console:demo07", "telegram:424242"]
    again = json.loads(
        run(
            loaded_env, "users", "add", "--channel", "telegram", "--external-id", "424242", "--card", card["card_id"]
        ).stdout
    )
    assert not again["created_identity"] and again["user_id"] == card["holder"]
    fresh = json.loads(run(loaded_env, "users", "add", "--channel", "kakao", "--external-id", "new-kakao-key").stdout)
    assert fresh["created_user"] and fresh["identities"] == ["kakao:new-kakao-key"]


def test_users_add_refuses_bad_input_clearly(loaded_env: dict[str, str]) -> None:
    unknown = CliRunner().invoke(
        main, ["users", "add", "--channel", "telegram", "--external-id", "1", "--card", "KC-NOPE"], env=loaded_env
    )
    assert unknown.exit_code == 1 and "no card with id 'KC-NOPE'" in unknown.output
    channel = CliRunner().invoke(main, ["users", "add", "--channel", "fax", "--external-id", "1"], env=loaded_env)
    assert channel.exit_code == 2 and "fax" in channel.output
    blank = CliRunner().invoke(main, ["users", "add", "--channel", "kakao", "--external-id", "  "], env=loaded_env)
    assert blank.exit_code == 2 and "--external-id" in blank.output


def test_import_merchants_reports_and_reimport_updates(loaded_env: dict[str, str], shared_dir: Path) -> None:
    path = shared_dir / "data" / "merchants" / "incheon_seogu_merchants_20201015.json"
    first = json.loads(run(loaded_env, "data", "import-merchants", "--json", str(path)).stdout)
    assert first["rows"] == 135 and first["imported"] == 135 and first["rejected"] == 0
    second = run(loaded_env, "data", "import-merchants", str(path)).output
    assert "0 imported" in second and "135 unchanged" in second


def test_import_merchants_rejects_an_unknown_format(loaded_env: dict[str, str], tmp_path: Path) -> None:
    bogus = tmp_path / "list.csv"
    bogus.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["data", "import-merchants", str(bogus)], env=loaded_env)
    assert result.exit_code == 1 and "list.csv" in result.output


def test_serve_starts_on_an_empty_data_dir_and_stops_on_sigint(tmp_path: Path, shared_dir: Path) -> None:
    """README's first command, minus the install: `kkini serve` on a fresh data dir."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KKINI_")},
        "KKINI_DATA_DIR": str(tmp_path / "var"),
        "KKINI_SAMPLE__BURGER_DIR": str(shared_dir / "data" / "burger"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bots", "serve", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_forward_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        # The server listens at once and says when the meal assistant has loaded in the background: /readyz agrees.
        output = _read_until(lines, "kkini: ready", timeout_s=90)
        assert f"serving on http://127.0.0.1:{port}" in output and "press Ctrl+C" in output, output
        assert "sample data loaded" in output and "channels on" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            ready = json.load(response)
        assert ready.get("ready") is True, ready
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        reader.join(timeout=30)
        process.stdout.close()
    remaining = "".join(iter(lines.get_nowait, None))
    assert process.returncode == 0, remaining
    assert "shutting down" in remaining
    assert (tmp_path / "var" / "kkini.db").exists()


def _forward_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """On a thread of its own: put each line of ``stream`` on ``lines``, then None at its end."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _read_until(lines: queue.Queue[str | None], marker: str, timeout_s: float) -> str:
    """The lines up to the one holding ``marker``; fails when the output ends first or none comes in ``timeout_s``."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while not seen or marker not in seen[-1]:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no {marker!r} within {timeout_s:g} s:\n" + "".join(seen)) from None
        if line is None:
            raise AssertionError(f"the output ended before {marker!r}:\n" + "".join(seen))
        seen.append(line)
    return "".join(seen)
