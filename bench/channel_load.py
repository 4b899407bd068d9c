"""The platforms' side of the channel benchmark, in processes of their own (kept light: no kkini imports).

``python -m bench.channel_load --client`` reads a `Load` as JSON on stdin, posts it to the server and prints an
`Outcome`; ``python -m bench.channel_load --fakes`` runs the fake Telegram Bot API, Slack Web API and Kakao callback
servers and prints their addresses, plus ``/control`` routes to hand out Kakao callback URLs and count the answers
each conversation got. Keeping both out of the server's process means neither the load generator nor the platforms'
work sits in the server's event loop, as in production.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.kakao_api import FakeKakao
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

REPLY_METHODS = {"telegram": "sendMessage", "slack": "chat.postMessage", "kakao": "callback"}
"""The fake API call that carries a conversation's answer; more than one per conversation is a duplicate reply."""

# -- the client process --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Delivery:
    """One HTTP request the platform makes; ``at`` is when it is due (seconds from the start), None: closed loop."""

    path: str
    body: str
    headers: dict[str, str]
    at: float | None = None


@dataclass(slots=True)
class Load:
    base: str
    deliveries: list[Delivery]
    concurrency: int = 0
    """Closed loop: this many requests in flight, each sent when the last one answered; 0: open loop (``at``)."""


@dataclass(slots=True)
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    elapsed_s: float = 0.0
    lag_max_ms: float = 0.0
    """How late the client sent its latest request (open loop); the latencies are counted from when it was due."""


async def run_load(load: Load) -> Outcome:
    """Post every delivery (open loop: each at its time, whatever the server is doing; closed: ``concurrency``)."""
    outcome = Outcome()
    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:

        async def post(delivery: Delivery, due: float) -> None:
            data = delivery.body.encode("utf-8")
            try:
                async with http.post(load.base + delivery.path, data=data, headers=delivery.headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            outcome.latencies_ms.append((loop.time() - due) * 1000)
            outcome.statuses.append(status)

        started = loop.time()
        if load.concurrency:
            queue = list(reversed(load.deliveries))

            async def worker() -> None:
                while queue:
                    await post(queue.pop(), loop.time())

            await asyncio.gather(*(worker() for _ in range(load.concurrency)))
        else:
            tasks = []
            for delivery in sorted(load.deliveries, key=lambda d: d.at or 0.0):
                due = started + (delivery.at or 0.0)
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                outcome.lag_max_ms = max(outcome.lag_max_ms, (loop.time() - due) * 1000)
                tasks.append(asyncio.create_task(post(delivery, due)))
            await asyncio.gather(*tasks)
        outcome.elapsed_s = loop.time() - started
    return outcome


def client_main() -> None:
    raw = json.load(sys.stdin)
    load = Load(raw["base"], [Delivery(**d) for d in raw["deliveries"]], raw["concurrency"])
    print(json.dumps(asdict(asyncio.run(run_load(load)))))


async def in_client_process(load: Load) -> Outcome:
    """Run ``load`` from a separate process, so the client's work never sits in the server's event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.channel_load",
        "--client",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate(json.dumps(asdict(load), ensure_ascii=False).encode("utf-8"))
    if process.returncode != 0:
        raise RuntimeError(f"the client process failed ({process.returncode})")
    return Outcome(**json.loads(out))


# -- the fakes process ---------------------------------------------------------------------------------------


async def serve_fakes() -> None:
    """The fake platforms, plus ``/control`` routes for the bench: fresh Kakao callback URLs, answers counted."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with FakeTelegram() as telegram, FakeSlack() as slack, FakeKakao() as kakao:

        async def callbacks(request: web.Request) -> web.Response:
            return web.json_response([kakao.callback_url() for _ in range(int(request.query["n"]))])

        async def answers(_request: web.Request) -> web.Response:
            keys: dict[str, Callable[[dict[str, Any]], object]] = {
                "telegram": lambda params: params.get("chat_id"),
                "slack": lambda params: params.get("channel"),
                "kakao": lambda params: params.get("token"),
            }
            fakes = {"telegram": telegram, "slack": slack, "kakao": kakao}
            counted = {
                channel: Counter(str(keys[channel](call.params)) for call in fakes[channel].calls_to(method))
                for channel, method in REPLY_METHODS.items()
            }
            return web.json_response({"getMe": len(telegram.calls_to("getMe")), **counted})

        control = web.Application()
        control.router.add_post("/control/callbacks", callbacks)
        control.router.add_get("/control/answers", answers)
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        urls = {"telegram": telegram.url, "slack": slack.base_url, "control": f"http://{host}:{port}"}
        print(json.dumps(urls), flush=True)
        await stop.wait()
        await runner.cleanup()


@dataclass(slots=True)
class Fakes:
    urls: dict[str, str]
    http: aiohttp.ClientSession

    async def callback_urls(self, count: int) -> list[str]:
        async with self.http.post(f"{self.urls['control']}/control/callbacks", params={"n": count}) as response:
            urls: list[str] = await response.json()
            return urls

    async def answers(self) -> dict[str, Any]:
        async with self.http.get(f"{self.urls['control']}/control/answers") as response:
            counted: dict[str, Any] = await response.json()
            return counted


@asynccontextmanager
async def fakes_process() -> AsyncIterator[Fakes]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.channel_load", "--fakes", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        async with aiohttp.ClientSession() as http:
            yield Fakes(json.loads(line), http)
    finally:
        process.terminate()
        await process.wait()


def main() -> None:
    if sys.argv[1:] == ["--client"]:
        client_main()
    elif sys.argv[1:] == ["--fakes"]:
        asyncio.run(serve_fakes())
    else:
        raise SystemExit("usage: python -m bench.channel_load --client | --fakes (run by bench.channels_bench)")


if __name__ == "__main__":
    main()
