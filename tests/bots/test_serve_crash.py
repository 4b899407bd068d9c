"""A ``kkini serve`` that cannot start says so in one JSON log line and one line on stderr, and exits non-zero."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT


def _refused_port() -> int:
    """A loopback port nothing listens on: bound, then closed, so a connection there is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_database_that_refuses_is_one_json_line_and_one_message(tmp_path: Path) -> None:
    password = "pg-Pa55word-ZXCV"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KKINI_")},
        "KKINI_DATA_DIR": str(tmp_path / "var"),
        "KKINI_LOG_FORMAT": "json",
        "KKINI_DATABASE__URL": f"postgresql+asyncpg://kkini:{password}@127.0.0.1:{_refused_port()}/kkini",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bots", "serve", "--port", str(_refused_port())],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    logged = json.loads(lines[0])
    assert logged["level"] == "CRITICAL"
    assert logged["msg"].startswith("kkini serve failed: ConnectionRefusedError")
    assert "Traceback" in logged["exc"] and "ConnectionRefusedError" in logged["exc"]
    assert lines[1].startswith("kkini: serve failed: ConnectionRefusedError: "), lines[1]
    assert password not in result.stderr and password not in result.stdout
