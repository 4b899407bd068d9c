"""Faults: what a crash, a burst, a guesser and garbage do to a running ``kkini serve``.

Every part runs the real server as its own process (``python -m bots serve``) against fakes in this process: the
Telegram Bot API (``tests.fakes.telegram_api``, counting the messages each chat receives) and, where turns must be
slow, an OpenAI-compatible model that takes ``--model-s`` seconds to answer.

1. **kill -9 mid-turn**: ``--updates`` Telegram updates (one chat each) whose turns wait on the slow model are
   acknowledged, then the server is killed with SIGKILL once every turn has reached the model, and started again.
   Counted: chats answered exactly once, not at all, or more than once, and the seconds from the restart until the
   last answer. On the embedded store and on Redis.
2. **a burst on Redis**: ``--burst`` deliveries posted at once (offline answers): non-2xx acknowledgements, chats
   never answered, chats answered twice.
3. **/link guessing** through the web chat, a new session per guess, from one address while another address keeps
   chatting: guesses the server evaluated per second, codes found, and the other visitor's answers.
4. **fuzzed bodies** on every route: random bytes, deep JSON, wrong types, huge fields. Counted: 5xx answers,
   tracebacks in the server's log, and whether the server is still up.

    uv run python -m bench.faults_bench [--updates 40] [--model-s 3] [--burst 500] [--guesses 3000] [--fuzz 400]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import aiohttp

from bench.common import print_table
from bots.channels.links import ALPHABET
from tests.fakes import openai_api, telegram_api
from tests.fakes.llm_script import ModelTurn
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.server import free_port
from tests.fakes.telegram_api import FakeTelegram, message_update

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-webhook-secret"
KAKAO_KEY = "bench-skill-key"
REDIS_URL = os.environ.get("KKINI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
ROUTES = ("/api/chat", "/api/chat/stream", "/telegram/webhook", "/kakao/skill", "/slack/events")


class Server:
    """``kkini serve`` in a process of its own, its output in a log file."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"serve-{self.port}.log"
        self.env = {
            **os.environ,
            "KKINI_DATA_DIR": str(data_dir),
            "KKINI_SERVER__PORT": str(self.port),
            "KKINI_LOG_FORMAT": "json",
            "KKINI_JOBS__SCHEDULER": "false",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> float:
        """Start and wait for ``/readyz``; the seconds it took."""
        started = time.monotonic()
        self.process = subprocess.Popen(  # noqa: ASYNC220 - started once, then polled without blocking
            [sys.executable, "-m", "bots", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        async with aiohttp.ClientSession() as session:
            while time.monotonic() - started < 180:
                if self.process.poll() is not None:
                    raise SystemExit(f"the server exited; see {self.log}")
                try:
                    async with session.get(self.base + "/readyz") as answer:
                        if answer.status == 200:
                            return time.monotonic() - started
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise SystemExit(f"the server did not become ready; see {self.log}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tracebacks(self) -> int:
        return self.log.read_text(encoding="utf-8", errors="replace").count("Traceback")


def _telegram_env(telegram: FakeTelegram) -> dict[str, str]:
    return {
        "KKINI_TELEGRAM__TOKEN": telegram_api.TOKEN,
        "KKINI_TELEGRAM__WEBHOOK_SECRET": SECRET,
        "KKINI_TELEGRAM__API_BASE_URL": telegram.url,
        "KKINI_TELEGRAM__DRAFT_INTERVAL_S": "60",  # only the final message, which is what is counted
    }


def _answers(telegram: FakeTelegram, chats: set[int]) -> Counter[int]:
    return Counter(
        call.params["chat_id"] for call in telegram.calls_to("sendMessage") if call.params["chat_id"] in chats
    )


async def _post_updates(base: str, updates: list[dict[str, Any]]) -> Counter[int]:
    async with aiohttp.ClientSession() as session:

        async def post(update: dict[str, Any]) -> int:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with session.post(base + "/telegram/webhook", json=update, headers=headers) as answer:
                return answer.status

        return Counter(await asyncio.gather(*(post(update) for update in updates)))


# -- 1. kill -9 mid-turn -----------------------------------------------------------------------------------------


async def kill_mid_turn(data_dir: Path, store: str, updates: int, model_s: float) -> list[object]:
    async with FakeTelegram() as telegram, FakeOpenAI() as model:
        model.default = ModelTurn(text="천천히 생각해 봤어요. 김밥 어때요?", first_delay_s=model_s)
        env = {
            **_telegram_env(telegram),
            "KKINI_OPENAI__API_KEY": openai_api.API_KEY,
            "KKINI_OPENAI__BASE_URL": model.base_url,
            "KKINI_ROUTER__ORDER": "openai",
            "KKINI_ROUTER__CACHE_TTL_S": "0",
        }
        if store == "Redis":
            env |= {"KKINI_REDIS__URL": REDIS_URL, "KKINI_REDIS__KEY_PREFIX": f"bench-faults-{uuid.uuid4().hex[:8]}:"}
        first = Server(data_dir, env)
        await first.start()
        base_chat = random.randrange(10**6, 10**7)
        chats = {base_chat + n for n in range(updates)}
        batch = [message_update("배고파 뭐 먹지", chat_id=chat, update_id=chat) for chat in sorted(chats)]
        acks = await _post_updates(first.base, batch)
        with contextlib.suppress(TimeoutError):
            await model.wait_for(openai_api.METHOD, updates, within=60)
        reached = len(model.calls_to(openai_api.METHOD))
        answered_before = sum(_answers(telegram, chats).values())
        first.kill()
        second = Server(data_dir, env)
        restarted = time.monotonic()
        ready = await second.start()
        last = restarted
        while time.monotonic() - restarted < 60:
            counts = _answers(telegram, chats)
            if len(counts) == updates:
                last = max(call.at for call in telegram.calls_to("sendMessage"))
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2 * model_s)  # anything sent twice arrives by now
        counts = _answers(telegram, chats)
        second.kill(signal.SIGINT)
    once = sum(1 for chat in chats if counts[chat] == 1)
    return [
        store,
        f"{acks.get(200, 0)}/{updates}",
        f"{reached}/{updates}",
        answered_before,
        f"{once}/{updates}",
        sum(1 for chat in chats if counts[chat] == 0),
        sum(1 for chat in chats if counts[chat] > 1),
        round(ready, 1),
        round(max(0.0, last - restarted), 1),
    ]


# -- 2. a burst on Redis -------------------------------------------------------------------------------------------


async def burst(data_dir: Path, count: int) -> list[object]:
    async with FakeTelegram() as telegram:
        env = {
            **_telegram_env(telegram),
            "KKINI_REDIS__URL": REDIS_URL,
            "KKINI_REDIS__KEY_PREFIX": f"bench-burst-{uuid.uuid4().hex[:8]}:",
            "KKINI_CHANNELS__RATE_LIMIT_COUNT": "100000",
        }
        server = Server(data_dir, env)
        await server.start()
        base_chat = random.randrange(10**7, 10**8)
        chats = {base_chat + n for n in range(count)}
        started = time.monotonic()
        acks = await _post_updates(
            server.base, [message_update("안녕", chat_id=chat, update_id=chat) for chat in sorted(chats)]
        )
        acked_s = time.monotonic() - started
        with contextlib.suppress(TimeoutError):
            await telegram.wait_for("sendMessage", count, within=120)
        await asyncio.sleep(2)
        counts = _answers(telegram, chats)
        metrics = await _get_text(server.base + "/metrics")
        server.kill(signal.SIGINT)
    failed = sum(n for status, n in acks.items() if status >= 500)
    waits = _metric_line(metrics, "kkini_kv_pool_wait_seconds_count")
    return [
        count,
        failed,
        sum(1 for chat in chats if counts[chat] == 0),
        sum(1 for chat in chats if counts[chat] > 1),
        round(acked_s, 2),
        round(time.monotonic() - started, 1),
        waits,
    ]


async def _get_text(url: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return await answer.text()


def _metric_line(metrics: str, name: str) -> str:
    return next((line.split()[-1] for line in metrics.splitlines() if line.startswith(name)), "-")


# -- 3. /link guessing and 4. fuzzed bodies on one server ---------------------------------------------------------


async def guessing_and_fuzz(data_dir: Path, guesses: int, fuzz: int) -> tuple[list[object], list[object]]:
    async with FakeTelegram() as telegram:
        fuzz_env = {
            **_telegram_env(telegram),
            "KKINI_KAKAO__SKILL_KEY": KAKAO_KEY,
            "KKINI_SLACK__BOT_TOKEN": "xoxb-bench",
            "KKINI_SLACK__SIGNING_SECRET": "bench-signing-secret",
            "KKINI_SLACK__API_BASE_URL": f"http://127.0.0.1:{free_port()}/api/",  # nobody there: calls fail fast
        }
        server = Server(data_dir, fuzz_env)
        await server.start()
        guessing = await _guess(server, guesses)
        fuzzing = await _fuzz(server, fuzz)
        server.kill(signal.SIGINT)
        log = server.log.read_text(encoding="utf-8", errors="replace")
        for line in log.splitlines():
            if "Traceback" in line:
                print(line[:3000], file=sys.stderr)
    return guessing, fuzzing


async def _guess(server: Server, guesses: int) -> list[object]:
    found = evaluated = 0
    other_answered = other_asked = 0
    attacker = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0), limit=32)
    async with aiohttp.ClientSession(connector=attacker) as session, aiohttp.ClientSession() as other:
        started = time.monotonic()

        async def guess() -> None:
            nonlocal found, evaluated
            code = "".join(random.choice(ALPHABET) for _ in range(10))
            body = {"text": f"/link {code[:4]}-{code[4:]}"}
            session.cookie_jar.clear()  # a new identity per guess
            async with session.post(server.base + "/api/chat", json=body) as answer:
                text = (await answer.json()).get("text", "")
            found += "연결됐어요" in text
            evaluated += "맞지 않거나" in text

        async def chatting() -> None:
            nonlocal other_answered, other_asked
            while time.monotonic() - started < 60:
                other_asked += 1
                async with other.post(server.base + "/api/chat", json={"text": "안녕"}) as answer:
                    other_answered += answer.status == 200 and bool((await answer.json()).get("text"))
                await asyncio.sleep(0.2)

        chat = asyncio.create_task(chatting())
        for start in range(0, guesses, 32):
            await asyncio.gather(*(guess() for _ in range(min(32, guesses - start))))
        elapsed = time.monotonic() - started
        chat.cancel()
        await asyncio.gather(chat, return_exceptions=True)
    return [
        guesses,
        round(guesses / elapsed),
        evaluated,
        round(evaluated / elapsed, 2),
        found,
        f"{other_answered}/{other_asked}",
    ]


def _fuzz_bodies(count: int) -> list[tuple[bytes, str]]:
    rng = random.Random(7)
    shapes: list[tuple[bytes, str]] = [
        (b"[" * 5000 + b"]" * 5000, "application/json"),
        (b'{"text": ' + b'"' + b"\xff\xfe" * 100 + b'"}', "application/json"),
        (json.dumps({"text": "가" * 300_000}).encode(), "application/json"),
        (b"payload=" + b"%5B" * 3000, "application/x-www-form-urlencoded"),
        (b"\x00" * 1000, "application/octet-stream"),
    ]
    values: list[Any] = [None, 1, -1, 10**30, 1.5e308, "", "x" * 5000, [], {}, [[[[]]]], True, "\x1b[31m31\x1b[0m"]
    keys = ["text", "user", "assistant", "payload", "id", "update_id", "message", "userRequest", "event", "type"]
    while len(shapes) < count:
        kind = rng.randrange(3)
        if kind == 0:
            shapes.append((bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))), "application/json"))
        elif kind == 1:
            body = {rng.choice(keys): rng.choice(values) for _ in range(rng.randrange(1, 6))}
            if rng.random() < 0.5:
                body["message"] = {"chat": {"id": rng.choice(values)}, "text": rng.choice(values)}
            shapes.append((json.dumps(body).encode(), "application/json"))
        else:
            shapes.append((json.dumps(rng.choice(values)).encode(), "application/json"))
    return shapes


async def _fuzz(server: Server, count: int) -> list[object]:
    statuses: Counter[int] = Counter()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "X-Kakao-Skill-Key": KAKAO_KEY}
    async with aiohttp.ClientSession() as session:
        for body, content_type in _fuzz_bodies(count):
            for route in ROUTES:
                async with session.post(
                    server.base + route, data=body, headers={**headers, "Content-Type": content_type}
                ) as answer:
                    statuses[answer.status] += 1
    return [
        count * len(ROUTES),
        sum(n for status, n in statuses.items() if status >= 500),
        server.tracebacks(),
        "yes" if server.alive else "no",
        ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())),
    ]


async def main(args: argparse.Namespace) -> None:
    with TemporaryDirectory(prefix="kkini-faults-") as folder:
        data_dir = Path(folder)
        rows = [await kill_mid_turn(data_dir, store, args.updates, args.model_s) for store in ("embedded", "Redis")]
        print_table(
            f"kill -9 while {args.updates} Telegram turns wait on a {args.model_s:g} s model, then a restart",
            [
                "store",
                "acked",
                "turns at the model",
                "answered before the kill",
                "answered once",
                "never",
                "twice",
                "restart ready s",
                "last answer s after restart",
            ],
            rows,
        )
        print_table(
            f"{args.burst} Telegram deliveries at once on Redis",
            ["deliveries", "5xx", "never answered", "answered twice", "all acked s", "all answered s", "pool waits"],
            [await burst(data_dir, args.burst)],
        )
        guessing, fuzzing = await guessing_and_fuzz(data_dir, args.guesses, args.fuzz)
        print_table(
            "/link guessing through the web chat, a new session per guess, while another address chats",
            ["guesses", "guesses/s sent", "evaluated", "evaluated/s", "codes found", "other visitor answered"],
            [guessing],
        )
        print_table(
            "fuzzed bodies on every route",
            ["requests", "5xx", "tracebacks in the log", "server up", "statuses"],
            [fuzzing],
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=40)
    parser.add_argument("--model-s", type=float, default=3.0)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--guesses", type=int, default=3000)
    parser.add_argument("--fuzz", type=int, default=400)
    asyncio.run(main(parser.parse_args()))
