"""Channel overhead: webhook acknowledgement latency while the answer is slow, duplicates when every delivery
arrives twice, and messages per second through ``/api/chat`` on the offline path.

Part 1 runs the real server (routes, middleware, Bolt, python-telegram-bot, the Kakao skill server; served by an
``AppRunner`` without access log, as ``kkini serve`` does) with an engine that takes ``--answer-s`` seconds per turn
(a slow language model). Three processes share the machine, as they would share a network in production:

- this one: the kkini server only;
- ``bench.channel_load --fakes``: the fake Telegram Bot API, Slack Web API and Kakao callback servers the server
  sends its answers to; they count the answers per conversation, so a duplicate reply is seen where a user sees it;
- ``bench.channel_load --client``: the platforms' side, posting the deliveries on a schedule and timing each
  acknowledgement from the moment it was due (a late client counts against the server, never in its favour).

"N concurrent conversations while the model takes T s" is an open-loop arrival rate of N / T conversations per
second (Little's law) kept up for ``--duration-s`` seconds, so N turns are in flight at once; every delivery is
posted again a random 0.05-3 s later, as a platform retry (Slack's with ``X-Slack-Retry-Num``). A "burst" row, for
information, posts every conversation and its copy at the same instant instead. Kakao's budget is set short
(``--kakao-budget-s``) so every slow answer goes down the callback path and the acknowledgement is what is measured;
that budget is part of Kakao's acknowledgement time by design, so the table also shows the time beyond it.

Part 2 posts to ``/api/chat`` from the client process with the real engine (offline NLU, sample data, SQLite,
in-process store), a fixed number of requests in flight.

    uv run python -m bench.channels_bench [--conversations 200] [--answer-s 2] [--duration-s 4] [--messages 300]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from aiohttp import web

from bench.channel_load import Delivery, Fakes, Load, fakes_process, in_client_process
from bench.common import median, percentile, print_table
from bots.app import Services, init_application, running_dialogue
from bots.channels.dialogue import DialogueSlot
from bots.http.memory import freeze_long_lived_objects
from bots.settings import Settings
from dialogue.messages import Final, IncomingMessage, ReplyEvent, Text
from storage.database import Database
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.fakes import kakao_api, slack_api, telegram_api
from tests.fakes.kakao_api import skill_request
from tests.fakes.slack_api import event_callback, signed_headers
from tests.fakes.telegram_api import message_update

PROFILE_SORT = "tottime"
"""``--profile`` lists functions by their own time: where the server's CPU goes."""
KEY = b"bench-card-hash-key"
SECRET = "bench-webhook-secret"
CHANNELS = ("telegram", "slack", "kakao")
RETRY_DELAY_S = (0.05, 3.0)
"""The copy of each delivery arrives this long after the first: during the turn, or after its answer went out."""


# -- the engine ----------------------------------------------------------------------------------------------


class SlowEngine:
    """Answers every message after ``delay_s``, like a language model that takes its time; counts turns in flight."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.turns = 0
        self.active = 0
        self.peak = 0

    def reset(self) -> None:
        self.turns = self.peak = 0

    async def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]:
        self.turns += 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.active -= 1
        text = f"{message.text}에 대한 답이에요."
        yield Text(text)
        yield Final(text)


# -- part 1: acknowledgements --------------------------------------------------------------------------------


@dataclass(slots=True)
class Conversation:
    key: str
    """How the fakes tell its answers apart (chat id, Slack channel, callback token)."""
    first: Delivery
    again: Delivery


def conversations_for(channel: str, ids: range, callback_urls: Sequence[str]) -> list[Conversation]:
    made = []
    for n, i in enumerate(ids):
        text = f"안녕 {i}"
        if channel == "telegram":
            body = json.dumps(message_update(text, chat_id=i))
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
            made.append(
                Conversation(
                    str(i), Delivery("/telegram/webhook", body, headers), Delivery("/telegram/webhook", body, headers)
                )
            )
        elif channel == "slack":
            event = {"type": "message", "channel_type": "im", "user": f"U{i:07d}", "text": text}
            event.update(channel=f"D{i:07d}", ts=f"1700000000.{i:06d}")
            body = json.dumps(event_callback(event, event_id=f"EvB{i:07d}"))
            retry = {**signed_headers(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            made.append(
                Conversation(
                    f"D{i:07d}",
                    Delivery("/slack/events", body, signed_headers(body)),
                    Delivery("/slack/events", body, retry),
                )
            )
        else:
            url = callback_urls[n]
            body = json.dumps(skill_request(text, user_id=f"kb-{i}", callback_url=url))
            headers = {"X-Kakao-Skill-Key": kakao_api.SKILL_KEY, "Content-Type": "application/json"}
            made.append(
                Conversation(
                    url.rsplit("/", 1)[-1],
                    Delivery("/kakao/skill", body, headers),
                    Delivery("/kakao/skill", body, headers),
                )
            )
    return made


def scheduled(conversations: list[Conversation], rate: float | None, seed: int) -> list[Delivery]:
    """Open loop at ``rate`` conversations per second, each copy a random retry delay later; None: all at once."""
    jitter = random.Random(seed)
    deliveries = []
    for n, conversation in enumerate(conversations):
        start = n / rate if rate else 0.0
        conversation.first.at = start
        conversation.again.at = start + jitter.uniform(*RETRY_DELAY_S) if rate else 0.0
        deliveries += [conversation.first, conversation.again]
    return deliveries


@dataclass(slots=True)
class Phase:
    name: str
    channel: str
    conversations: int
    rate: float | None


async def acknowledgements(args: argparse.Namespace) -> None:
    rate = args.conversations / args.answer_s
    phases = [Phase("open loop", channel, round(rate * args.duration_s), rate) for channel in CHANNELS]
    if not args.no_burst:
        phases += [Phase("burst", channel, args.conversations, None) for channel in CHANNELS]
    async with fakes_process() as fakes:
        with TemporaryDirectory() as folder:
            rows = await _acknowledgement_rows(args, phases, fakes, Path(folder))
    print_table(
        f"Webhook acknowledgement with answers taking {args.answer_s:g} s, every delivery twice (the copy 0.05-3 s "
        f"later): open loop at {rate:g} conversations/s for {args.duration_s:g} s ({args.conversations} turns in "
        f"flight){'' if args.no_burst else f', and a burst of {args.conversations} at once'}; client and fake "
        f"platforms in their own processes; start-up objects {'not ' if args.no_freeze else ''}frozen; "
        f"Kakao's budget {args.kakao_budget_s:g} s, then the callback",
        [
            "load",
            "channel",
            "deliveries",
            "peak turns",
            "ack p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "p99 beyond budget",
            "non-200",
            "turns",
            "unanswered",
            "duplicate replies",
            "server CPU ms/delivery",
            "client lag ms",
        ],
        rows,
    )


async def _acknowledgement_rows(
    args: argparse.Namespace, phases: list[Phase], fakes: Fakes, folder: Path
) -> list[list[object]]:
    db = Database(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await upgrade(db.engine)
    kv = InProcessStore("bench:")
    settings = Settings(
        data_dir=folder,
        telegram={"token": telegram_api.TOKEN, "webhook_secret": SECRET, "api_base_url": fakes.urls["telegram"]},
        slack={
            "bot_token": slack_api.TOKEN,
            "signing_secret": slack_api.SIGNING_SECRET,
            "api_base_url": fakes.urls["slack"],
        },
        kakao={"skill_key": kakao_api.SKILL_KEY, "callback_budget_s": args.kakao_budget_s},
        channels={"rate_limit_count": 1000},
    )
    engine = SlowEngine(args.answer_s)
    services = Services(settings=settings, db=db, kv=kv, card_hash_key=KEY)
    runner = web.AppRunner(init_application(services, DialogueSlot.ready(engine)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    while not (await fakes.answers())["getMe"]:  # noqa: ASYNC110 (Telegram's channel starts with getMe, elsewhere)
        await asyncio.sleep(0.1)
    if not args.no_freeze:
        freeze_long_lived_objects()  # as kkini serve does once it listens
    rows: list[list[object]] = []
    next_id = 1_000_000
    for phase in phases:
        ids = range(next_id, next_id + phase.conversations)
        next_id += phase.conversations
        urls = await fakes.callback_urls(phase.conversations) if phase.channel == "kakao" else []
        conversations = conversations_for(phase.channel, ids, urls)
        deliveries = scheduled(conversations, phase.rate, seed=next_id)
        engine.reset()
        profile = cProfile.Profile() if phase.channel in args.profile else None
        cpu_started = time.process_time()
        if profile is not None:
            profile.enable()
        outcome = await in_client_process(Load(base, deliveries))
        answered = await _answers_settled(fakes, phase.channel, conversations, args.answer_s + 30)
        if profile is not None:
            profile.disable()
            _print_profile(profile, f"{phase.name} {phase.channel}")
        cpu_ms = (time.process_time() - cpu_started) * 1000
        counts = [answered.get(conversation.key, 0) for conversation in conversations]
        latencies = outcome.latencies_ms
        budget_ms = args.kakao_budget_s * 1000 if phase.channel == "kakao" else 0.0
        rows.append(
            [
                phase.name,
                phase.channel,
                len(deliveries),
                engine.peak,
                median(latencies),
                percentile(latencies, 95),
                percentile(latencies, 99),
                max(latencies),
                percentile(latencies, 99) - budget_ms,
                sum(1 for status in outcome.statuses if status != 200),
                engine.turns,
                sum(1 for count in counts if count == 0),
                sum(max(count - 1, 0) for count in counts),
                cpu_ms / len(deliveries),
                outcome.lag_max_ms,
            ]
        )
    await runner.cleanup()
    await kv.close()
    await db.close()
    return rows


async def _answers_settled(
    fakes: Fakes, channel: str, conversations: list[Conversation], within_s: float
) -> dict[str, int]:
    """The answers per conversation once every one has its answer (or ``within_s`` passed), and a second more for a
    late duplicate to show up."""
    wanted = {conversation.key for conversation in conversations}
    deadline = time.monotonic() + within_s
    while True:
        answered: dict[str, int] = (await fakes.answers())[channel]
        if wanted <= answered.keys() or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    return (await fakes.answers())[channel]


def _print_profile(profile: cProfile.Profile, title: str) -> None:
    print(f"\nProfile of the server process, {title} ({PROFILE_SORT}, top 40)")
    pstats.Stats(profile, stream=sys.stdout).sort_stats(PROFILE_SORT).print_stats(40)


# -- part 2: /api/chat --------------------------------------------------------------------------------------


async def throughput(args: argparse.Namespace) -> None:
    texts = ["5천원으로 뭐 먹지?", "떡볶이 먹고 싶어", "잔액 얼마야?", "쿠폰 있어?", "안녕", "강남역 근처 분식"]
    with TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(), KEY)
        kv = InProcessStore("bench:")
        settings = Settings(data_dir=Path(folder), channels={"rate_limit_count": 100_000})
        services = Services(settings=settings, db=db, kv=kv, card_hash_key=KEY)
        async with running_dialogue(services) as engine:
            runner = web.AppRunner(init_application(services, DialogueSlot.ready(engine)), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            host, port = runner.addresses[0][:2]
            if not args.no_freeze:
                freeze_long_lived_objects()  # as kkini serve does once the engine is ready
            headers = {"Content-Type": "application/json"}
            deliveries = [
                Delivery(
                    "/api/chat",
                    json.dumps({"user": f"demo{i % 60 + 1:02d}", "text": texts[i % len(texts)]}),
                    headers,
                )
                for i in range(args.messages)
            ]
            outcome = await in_client_process(Load(f"http://{host}:{port}", deliveries, args.concurrency))
            await runner.cleanup()
        await kv.close()
        await db.close()
    latencies = outcome.latencies_ms
    print_table(
        "POST /api/chat on the offline path (real engine, sample data, SQLite, in-process store; client in its own "
        "process)",
        ["messages", "concurrency", "messages/s", "p50 ms", "p95 ms", "non-200"],
        [
            [
                args.messages,
                args.concurrency,
                args.messages / outcome.elapsed_s,
                median(latencies),
                percentile(latencies, 95),
                sum(1 for status in outcome.statuses if status != 200),
            ]
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=200, help="turns in flight at once")
    parser.add_argument("--answer-s", type=float, default=2.0, help="how long the fake model takes per turn")
    parser.add_argument("--duration-s", type=float, default=4.0, help="how long the open-loop arrivals last")
    parser.add_argument("--kakao-budget-s", type=float, default=0.1)
    parser.add_argument("--no-burst", action="store_true", help="skip the all-at-once rows")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave start-up objects to the garbage collector (before/after)"
    )
    parser.add_argument(
        "--profile", choices=CHANNELS, action="append", default=[], help="print a cProfile of the server (repeatable)"
    )
    parser.add_argument("--messages", type=int, default=300, help="/api/chat requests (0 skips part 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="/api/chat requests in flight")
    args = parser.parse_args()
    asyncio.run(acknowledgements(args))
    if args.messages:
        asyncio.run(throughput(args))


if __name__ == "__main__":
    main()
