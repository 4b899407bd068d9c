"""Channel overhead: webhook acknowledgement latency while the answer is slow, duplicates when every delivery
arrives twice, and messages per second through ``/api/chat`` on the offline path.

Part 1 runs the real server (routes, middleware, Bolt, python-telegram-bot) with an engine that takes
``--answer-s`` seconds per turn (a slow language model), against the local fake Telegram, Slack and Kakao servers:
``--conversations`` users each send one message, delivered twice, all at once. Part 2 runs ``/api/chat`` with the
real engine (offline NLU, sample data, SQLite, in-process store).

    uv run python -m bench.channels_bench [--conversations 200] [--answer-s 2] [--messages 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

import aiohttp
from aiohttp.test_utils import TestServer

from bench.common import median, percentile, print_table
from bots.app import Services, init_application, running_dialogue
from bots.channels.dialogue import DialogueSlot
from bots.settings import Settings
from dialogue.messages import Final, IncomingMessage, ReplyEvent, Text
from storage.database import Database
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.fakes import kakao_api, slack_api, telegram_api
from tests.fakes.kakao_api import FakeKakao, skill_request
from tests.fakes.slack_api import FakeSlack, event_callback, signed_headers
from tests.fakes.telegram_api import FakeTelegram, message_update

KEY = b"bench-card-hash-key"
SECRET = "bench-webhook-secret"
KAKAO_BUDGET_S = 0.1
"""A short budget sends every slow answer down the callback path, so the acknowledgement is what is measured."""


class SlowEngine:
    """Answers every message after ``delay_s``, like a language model that takes its time."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.turns = 0

    async def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]:
        self.turns += 1
        await asyncio.sleep(self.delay_s)
        text = f"{message.text}에 대한 답이에요."
        yield Text(text)
        yield Final(text)


async def timed(post: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    started = time.perf_counter()
    status = await post()
    return (time.perf_counter() - started) * 1000, status


async def acknowledgements(conversations: int, answer_s: float, burger_dir: Path) -> None:
    rows = []
    async with FakeTelegram() as telegram, FakeSlack() as slack, FakeKakao() as kakao:
        with TemporaryDirectory() as folder:
            db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
            await upgrade(db.engine)
            kv = InProcessStore("bench:")
            settings = Settings(
                data_dir=Path(folder),
                telegram={"token": telegram_api.TOKEN, "webhook_secret": SECRET, "api_base_url": telegram.url},
                slack={
                    "bot_token": slack_api.TOKEN,
                    "signing_secret": slack_api.SIGNING_SECRET,
                    "api_base_url": slack.base_url,
                },
                kakao={"skill_key": kakao_api.SKILL_KEY, "callback_budget_s": KAKAO_BUDGET_S},
                channels={"rate_limit_count": 1000},
            )
            engine = SlowEngine(answer_s)
            services = Services(settings=settings, db=db, kv=kv, card_hash_key=KEY)
            server = TestServer(init_application(services, DialogueSlot.ready(engine)))
            await server.start_server()
            await telegram.wait_for("getMe")
            base = str(server.make_url(""))
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:

                async def post(path: str, body: bytes, headers: dict[str, str]) -> int:
                    async with http.post(base + path, data=body, headers=headers) as response:
                        await response.read()
                        return response.status

                deliveries: dict[str, list[Callable[[], Awaitable[int]]]] = {"telegram": [], "slack": [], "kakao": []}
                for i in range(conversations):
                    update = json.dumps(message_update(f"안녕 {i}", chat_id=10_000 + i)).encode()
                    tg_headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
                    event = {"type": "message", "channel_type": "im", "user": f"U{i:05d}", "text": f"안녕 {i}"}
                    event.update(channel=f"D{i:05d}", ts=f"1700000000.{i:06d}")
                    slack_body = json.dumps(event_callback(event, event_id=f"EvB{i:06d}")).encode()
                    kakao_body = json.dumps(
                        skill_request(f"안녕 {i}", user_id=f"kb-{i}", callback_url=kakao.callback_url())
                    )
                    kakao_headers = {"X-Kakao-Skill-Key": kakao_api.SKILL_KEY, "Content-Type": "application/json"}
                    kakao_raw = kakao_body.encode()
                    for _ in range(2):  # every delivery arrives twice
                        deliveries["telegram"].append(partial(post, "/telegram/webhook", update, tg_headers))
                        deliveries["slack"].append(
                            partial(post, "/slack/events", slack_body, signed_headers(slack_body))
                        )
                        deliveries["kakao"].append(partial(post, "/kakao/skill", kakao_raw, kakao_headers))
                replies: dict[str, Callable[[], int]] = {
                    "telegram": lambda: len(telegram.calls_to("sendMessage")),
                    "slack": lambda: len(slack.calls_to("chat.postMessage")),
                    "kakao": lambda: sum(len(callback.responses) for callback in kakao.callbacks.values()),
                }
                for channel, calls in deliveries.items():
                    engine.turns = 0
                    results = await asyncio.gather(*(timed(call) for call in calls))
                    deadline = time.monotonic() + answer_s + 60
                    while replies[channel]() < conversations and time.monotonic() < deadline:  # noqa: ASYNC110 (polls the fakes)
                        await asyncio.sleep(0.1)  # the answers go out after the acknowledgements
                    await asyncio.sleep(0.5)  # room for a duplicate to show up
                    latencies = [ms for ms, _ in results]
                    failed = sum(1 for _, status in results if status != 200)
                    rows.append(
                        [
                            channel,
                            len(calls),
                            median(latencies),
                            percentile(latencies, 95),
                            percentile(latencies, 99),
                            failed,
                            engine.turns,
                            replies[channel]() - conversations,
                        ]
                    )
            await server.close()
            await kv.close()
            await db.close()
    print_table(
        f"Webhook acknowledgement, {conversations} conversations at once, each delivered twice, answers take "
        f"{answer_s:g} s (Kakao: {KAKAO_BUDGET_S:g} s budget, then the callback)",
        ["channel", "deliveries", "ack p50 ms", "ack p95 ms", "ack p99 ms", "non-200", "turns", "duplicate replies"],
        rows,
    )


async def throughput(messages: int, concurrency: int, burger_dir: Path) -> None:
    texts = ["5천원으로 뭐 먹지?", "떡볶이 먹고 싶어", "잔액 얼마야?", "쿠폰 있어?", "안녕", "강남역 근처 분식"]
    with TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(burger_dir=burger_dir), KEY)
        kv = InProcessStore("bench:")
        settings = Settings(data_dir=Path(folder), channels={"rate_limit_count": 100_000})
        services = Services(settings=settings, db=db, kv=kv, card_hash_key=KEY)
        async with running_dialogue(services) as engine:
            server = TestServer(init_application(services, DialogueSlot.ready(engine)))
            await server.start_server()
            url = str(server.make_url("/api/chat"))
            latencies: list[float] = []
            queue = list(range(messages))
            async with aiohttp.ClientSession() as http:

                async def worker() -> None:
                    while queue:
                        i = queue.pop()
                        body = {"user": f"demo{i % 60 + 1:02d}", "text": texts[i % len(texts)]}
                        started = time.perf_counter()
                        async with http.post(url, json=body) as response:
                            await response.read()
                        latencies.append((time.perf_counter() - started) * 1000)

                started = time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(concurrency)))
                elapsed = time.perf_counter() - started
            await server.close()
        await kv.close()
        await db.close()
    print_table(
        "POST /api/chat on the offline path (real engine, sample data, SQLite, in-process store)",
        ["messages", "concurrency", "messages/s", "p50 ms", "p95 ms"],
        [[messages, concurrency, messages / elapsed, median(latencies), percentile(latencies, 95)]],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--answer-s", type=float, default=2.0)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--burger-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/burger")
    args = parser.parse_args()
    asyncio.run(acknowledgements(args.conversations, args.answer_s, args.burger_dir))
    asyncio.run(throughput(args.messages, args.concurrency, args.burger_dir))


if __name__ == "__main__":
    main()
