"""``kkini chat`` shows only the conversation: its logs go to <data_dir>/logs/chat.log unless --log-level asks."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from bots import logs
from bots.logs import configure_logging
from tests.conftest import REPO_ROOT

TEXT_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR) ")


def _is_log_line(line: str) -> bool:
    if TEXT_LOG_LINE.match(line):
        return True
    try:
        entry = json.loads(line)
    except ValueError:
        return False
    return isinstance(entry, dict) and "level" in entry


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the module: the first chat loads the sample data (about 10 s), the next reuses it."""
    return tmp_path_factory.mktemp("kkini-chat") / "var"


def chat(data_dir: Path, *args: str, text: str = "안녕\n") -> subprocess.CompletedProcess[str]:
    """``kkini chat`` as a user pipes it, in its own process, so that stdout and stderr are the real ones."""
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("KKINI_")},
        "KKINI_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bots", "chat", "--user", "demo03", *args],
        cwd=data_dir.parent,  # not the repository: a developer's .env stays out
        env=env,
        input=text,
        capture_output=True,
        text=True,
        timeout=110,
    )


def test_a_piped_conversation_prints_only_the_conversation_and_logs_into_the_file(data_dir: Path) -> None:
    result = chat(data_dir)
    assert result.returncode == 0, result.stderr
    assert "끼니" in result.stdout and "[1]" in result.stdout  # the greeting and its buttons
    assert not [line for line in result.stdout.splitlines() if _is_log_line(line)], result.stdout
    log_file = data_dir / "logs" / "chat.log"
    assert result.stderr == f"logs: {log_file}\n"  # one short line, nothing else
    entries = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    assert entries and all({"ts", "level", "logger", "msg"} <= set(entry) for entry in entries)
    assert any(entry["level"] == "INFO" for entry in entries)


def test_log_level_sends_the_logs_to_stderr_at_that_level(data_dir: Path) -> None:
    log_file = data_dir / "logs" / "chat.log"
    before = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    result = chat(data_dir, "--log-level", "debug")
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout  # a greeting (worded otherwise on a second "안녕") and its buttons
    assert not [line for line in result.stdout.splitlines() if _is_log_line(line)], result.stdout
    entries = [json.loads(line) for line in result.stderr.splitlines()]  # json: stderr is not a terminal
    assert any(entry["level"] == "DEBUG" for entry in entries)
    assert "logs:" not in result.stderr
    assert (log_file.read_text(encoding="utf-8") if log_file.exists() else "") == before


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in root.handlers:
            if handler not in saved[0]:
                handler.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.captureWarnings(False)


@pytest.mark.usefixtures("root_logging")
def test_the_log_file_masks_personal_data_redacts_secrets_and_takes_warnings(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "chat.log"
    # A file holds JSON lines whatever the format.
    configure_logging("INFO", "text", ["sk-test-abcdefghijkl"], file=log_file)
    logging.getLogger("kkini.test").info("key %s for 010-1234-5678", "sk-test-abcdefghijkl")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a library's start-up warning", UserWarning, stacklevel=1)
    first, second = (json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines())
    assert "sk-test" not in first["msg"] and "[secret]" in first["msg"]
    assert "010-1234-5678" not in first["msg"] and "[전화번호]" in first["msg"]
    assert second["logger"] == "py.warnings" and "a library's start-up warning" in second["msg"]


@pytest.mark.usefixtures("root_logging")
def test_the_log_file_is_rotated_and_configuring_again_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "LOG_FILE_MAX_BYTES", 400)
    log_file = tmp_path / "chat.log"
    configure_logging("INFO", "json", file=log_file)
    for n in range(40):
        logging.getLogger("kkini.test").info("line %d of a long conversation", n)
    assert log_file.stat().st_size <= 400
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chat.log", "chat.log.1", "chat.log.2", "chat.log.3"]
    configure_logging("INFO", "json")
    root = logging.getLogger()
    assert not [handler for handler in root.handlers if isinstance(handler, RotatingFileHandler)]
    assert [handler for handler in root.handlers if isinstance(handler.formatter, logs.JsonFormatter)]
