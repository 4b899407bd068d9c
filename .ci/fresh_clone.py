#!/usr/bin/env python3
"""The fresh-machine check: README's first command, verbatim, on a clone with nothing beside it.

Clones the repository into a new temporary folder (so there is no ``../shared``), runs the first command of
README.md's first bash block there, waits for ``/readyz``, orders the sample burger set with two changes through
``/api/chat``, reads the cart from another process, asks the seller assistant, and checks that the cart outlives a
``kill -9`` and a restart. Only the standard library,
so it runs with the bare ``python3`` that README's commands start from.

    python3 .ci/fresh_clone.py [--repo .] [--ready-within 120] [--keep]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ORDER = ("불고기버거 세트 하나 주세요", "감자튀김 양념감자로 바꿔줘", "콜라 사이다로 바꿔줘")
EXPECTED_TOTAL = "7,500"
SELLER_QUESTION = "반품 배송비는 누가 내나요?"
SELLER_NOT_INSTALLED = "설치되지 않았어요"


def first_command(readme: Path) -> str:
    block = re.search(r"```bash\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    if block is None:
        raise SystemExit("README.md has no bash block")
    return block.group(1).strip().splitlines()[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    url: str,
    body: dict[str, object] | None = None,
    timeout: float = 60,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[int, dict[str, object]]:
    data = None if body is None else json.dumps(body).encode()
    call = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with (opener or urllib.request.build_opener()).open(call, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Visitor:
    """One web chat visitor: the session cookie the server issues is kept, as a browser keeps it."""

    def __init__(self, jar_path: Path) -> None:
        self.jar = http.cookiejar.LWPCookieJar(str(jar_path))
        if jar_path.exists():
            self.jar.load(ignore_discard=True)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.user = ""

    def save(self) -> None:
        self.jar.save(ignore_discard=True)


class Server:
    """README's first command running in ``folder``, its output in ``log``."""

    def __init__(self, command: str, folder: Path, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "KKINI_SERVER__PORT": str(port)}
        env.pop("CI", None)  # a user's machine: nothing says CI there
        env.pop("VIRTUAL_ENV", None)
        self.log = log
        self.process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=folder,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, within: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < within:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited ({self.process.returncode}); see {self.log}")
            try:
                status, body = request(self.base + "/readyz", timeout=5)
            except OSError:
                status, body = 0, {}
            if status == 200 and body.get("ready"):
                return time.monotonic() - started
            time.sleep(0.5)
        raise SystemExit(f"/readyz not ready within {within:.0f} s; see {self.log}")

    def chat(self, visitor: Visitor, text: str, assistant: str = "meal") -> str:
        status, reply = request(self.base + "/api/chat", {"text": text, "assistant": assistant}, opener=visitor.opener)
        if status != 200:
            raise SystemExit(f"/api/chat answered {status} to {text!r}: {reply}")
        visitor.user = str(reply.get("user", ""))
        return str(reply.get("text", ""))

    def stop(self, sig: int = signal.SIGINT) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def check(condition: bool, what: str, detail: str = "") -> None:
    print(("ok   " if condition else "FAIL ") + what + (f": {detail}" if detail and not condition else ""))
    if not condition:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--ready-within", type=float, default=120.0)
    parser.add_argument("--keep", action="store_true", help="leave the temporary folder for a look")
    args = parser.parse_args()

    top = Path(tempfile.mkdtemp(prefix="kkini-fresh-"))
    clone = top / "kkini"
    try:
        subprocess.run(["git", "clone", "-q", str(args.repo), str(clone)], check=True)
        check(not (top / "shared").exists(), "nothing beside the clone")
        command = first_command(clone / "README.md")
        print(f"README's first command: {command}")
        port = free_port()
        log = top / "serve.log"

        server = Server(command, clone, port, log)
        try:
            took = server.wait_ready(args.ready_within)
            print(f"ok   /readyz ready {took:.1f} s after the command started")
            user = Visitor(top / "cookies.txt")
            replies = [server.chat(user, text) for text in ORDER]
            user.save()
            check(
                EXPECTED_TOTAL in replies[-1],
                f"the set with both changes costs {EXPECTED_TOTAL}원",
                " / ".join(replies),
            )
            shown = subprocess.run(
                [str(clone / ".venv" / "bin" / "kkini"), "cart", "show", "--channel", "web", "--user", user.user],
                cwd=clone,
                capture_output=True,
                text=True,
                timeout=120,
            )
            check(EXPECTED_TOTAL in shown.stdout, "kkini cart show in another process sees the cart", shown.stderr)
            seller = server.chat(user, SELLER_QUESTION, assistant="seller")
            check(SELLER_NOT_INSTALLED in seller, "the seller assistant says it is not installed", seller)
            stranger = Visitor(top / "stranger.txt")
            theirs = server.chat(stranger, "장바구니 보여줘")
            check(EXPECTED_TOTAL not in theirs, "another visitor sees nothing of the first one's cart", theirs)
            _, ready = request(server.base + "/readyz")
            print(f"     /readyz: {json.dumps(ready.get('checks', {}).get('dialogue'), ensure_ascii=False)}")
        finally:
            server.stop(signal.SIGKILL)  # kill -9: the cart must survive it

        server = Server(command, clone, port, log)
        try:
            took = server.wait_ready(args.ready_within)
            print(f"ok   ready again {took:.1f} s after a kill -9 and a restart")
            cart = server.chat(Visitor(top / "cookies.txt"), "장바구니 보여줘")  # the browser comes back
            check(EXPECTED_TOTAL in cart, f"the cart still holds {EXPECTED_TOTAL}원 after kill -9", cart)
        finally:
            server.stop()
    except SystemExit:
        if (top / "serve.log").exists():
            sys.stdout.write((top / "serve.log").read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        if args.keep:
            print(f"kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
