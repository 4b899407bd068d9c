"""A real ``kkini serve`` on a random loopback port, and the browser the tests drive: Debian's chromium.

Shared by the browser tests (tests/browser/conftest.py) and the screenshot script (tests/browser/screenshot.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

from knowledge.corpus.pickle_loader import load_faq_pickle
from tests.fakes.server import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ENV = "KKINI_TEST_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Chromium resolves no name at all: the page is on 127.0.0.1, and nothing else may be reached (no updates, no
# safe browsing), as the suite's loopback guard wants of the Python side.
CHROMIUM_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-first-run", "--disable-extensions")
SELLER_TOPIC = "반품"
"""The seller FAQ entries the browser tests install: about a hundred on returns, small enough to build in seconds."""
READY_WITHIN_S = 90.0


def chromium_path() -> str | None:
    """``KKINI_TEST_CHROMIUM`` when set, else the first chromium on PATH (Debian's package); None when neither."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_seller_faq(shared_dir: Path, path: Path) -> Path:
    """A JSONL part of the real SmartStore FAQ: the entries whose question is about returns (반품)."""
    raw = load_faq_pickle(shared_dir / "data" / "smartstore_faq" / "final_result.pkl")
    chosen = [(question, answer) for question, answer in raw.items() if SELLER_TOPIC in question]
    path.write_text(
        "\n".join(json.dumps({"question": q, "answer": a}, ensure_ascii=False) for q, a in chosen), encoding="utf-8"
    )
    return path


class KkiniServer:
    """``python -m bots serve`` over a fresh data dir (the sample data loads itself), until the block ends.

    The seller collection is built from ``seller_faq`` with the lsa embedding, which takes seconds where e5 takes
    minutes; the meal FAQ uses it too. Entering waits for the server's own "kkini: ready" line, not a timer.
    """

    def __init__(self, data_dir: Path, seller_faq: Path | None = None) -> None:
        """``data_dir`` is created; its parent is the server's working directory."""
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._ended = threading.Event()
        env = {name: value for name, value in os.environ.items() if not name.startswith("KKINI_")}
        env.update(KKINI_DATA_DIR=str(data_dir), KKINI_KNOWLEDGE__EMBEDDING="lsa")
        if seller_faq is not None:
            env["KKINI_KNOWLEDGE__SELLER_FAQ_PATH"] = str(seller_faq)
        self._env = env
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bots", "serve", "--port", str(self.port)],
            cwd=self.data_dir.parent,  # not the checkout: a developer's .env there is not read
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _error: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop()

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line)
            if line.strip() == "kkini: ready":
                self._ready.set()
        self._ended.set()
        self._ready.set()  # wake the waiter: the process ended before it was ready

    def _wait_ready(self) -> None:
        if not self._ready.wait(READY_WITHIN_S) or self._ended.is_set():
            raise RuntimeError(f"kkini serve was not ready within {READY_WITHIN_S:.0f} s:\n{self.output()}")
        with urllib.request.urlopen(self.url + "/readyz", timeout=10) as response:
            ready = json.load(response)
        if ready.get("ready") is not True:
            raise RuntimeError(f"/readyz after 'kkini: ready': {ready}")

    def output(self) -> str:
        return "".join(self.lines[-60:])

    def stop(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
