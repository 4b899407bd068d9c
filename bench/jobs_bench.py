"""Jobs benchmarks: balance sync of many cards from the development issuer on SQLite and PostgreSQL, and notice
delivery to the fake Telegram Bot API at its rate limit with the worker killed mid-run and restarted.

    uv run python -m bench.jobs_bench [--cards 100000] [--changed 0.3] [--notices 10000] [--kills 2]

The issuer runs in a process of its own with a card book generated from a seed; the bench writes the same cards
into kkini's database, so that exactly the cards the issuer then changes differ. Delivery runs the worker as a
separate process (``--worker``), SIGKILLs it twice while it sends and starts it again; the fake Telegram API counts
every message it receives, so a duplicate or a loss shows. Delivery needs Redis (the idempotency records must
outlive the killed worker); without it that part is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import func, insert
from sqlmodel import col, select

from bench.common import fresh_database, postgres_available, print_table
from jobs.issuer.cards import IssuerCard
from jobs.issuer.client import CardIssuerClient
from jobs.issuer.devserver import IssuerApp, IssuerBook, seed_cards
from jobs.notices.low_balance import LowBalanceNotices
from jobs.settings import CardIssuerSettings, NotifySettings
from jobs.sync import BalanceSyncJob
from storage.database import Database
from storage.migrate import upgrade
from storage.models import CardProgram, ChannelIdentity, MealCard, Notification, User
from storage.repositories.outbox import NewNotice, OutboxRepository
from tests.fakes.server import free_port

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=6)
API_KEY = "bench-issuer-key"
REDIS_URL = os.environ.get("KKINI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SEED = 20261124


def book_cards(count: int) -> list[IssuerCard]:
    return list(seed_cards(count, T0, random.Random(SEED)))


def changed_ids(cards: list[IssuerCard], fraction: float) -> list[str]:
    rng = random.Random(SEED + 1)
    return sorted(card.card_id for card in rng.sample(cards, int(len(cards) * fraction)))


def serve_issuer(port: int, count: int, fraction: float) -> None:
    """The issuer process: the seeded book with ``fraction`` of the cards changed at T1."""
    cards = book_cards(count)
    book = IssuerBook()
    for card in cards:
        book.add(card)
    rng = random.Random(SEED + 2)
    for card_id in changed_ids(cards, fraction):
        card = book.get(card_id)
        assert card is not None
        spent = rng.randrange(1000, 9600, 100)
        book.change(card_id, T1, balance=card.balance - spent if card.balance >= spent else card.balance + spent)

    async def run() -> None:
        runner = web.AppRunner(IssuerApp(book, API_KEY).build(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(run())


async def wait_for_port(port: int) -> None:
    for _ in range(600):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


async def seed_database(db: Database, cards: list[IssuerCard]) -> None:
    async with db.session() as session:
        session.add(
            CardProgram(
                code="seoul-kkumnamu", name="서울 꿈나무카드", region="서울", meal_amount=9500, daily_limit=28500
            )
        )
    rows = [
        {
            "card_id": card.card_id,
            "program_code": "seoul-kkumnamu",
            "number_masked": "9410-****-****-0000",
            "number_hash": f"bench-{card.card_id}",
            "balance": card.balance,
            "daily_limit": card.daily_limit,
            "monthly_limit": card.monthly_limit,
            "meal_amount": card.meal_amount,
            "status": card.status,
            "spent_today": 0,
            "issuer_updated_at": card.updated_at,
            "low_balance": False,
            "created_at": T0,
        }
        for card in cards
    ]
    async with db.session() as session:
        connection = await session.connection()
        for start in range(0, len(rows), 5000):
            await connection.execute(insert(MealCard), rows[start : start + 5000])


async def sync_bench(backend: str, count: int, fraction: float, port: int) -> list[object]:
    cards = book_cards(count)
    changed = len(changed_ids(cards, fraction))
    async with fresh_database(backend) as db:
        await seed_database(db, cards)
        settings = CardIssuerSettings(base_url=f"http://127.0.0.1:{port}", api_key=SecretStr(API_KEY))
        client = CardIssuerClient(settings)
        job = BalanceSyncJob(
            db,
            client,
            LowBalanceNotices(db, NotifySettings(), lambda: datetime.now(UTC)),
            page_limit=settings.page_limit,
            clock=lambda: datetime.now(UTC),
        )
        counts: Counter[str] = Counter()
        started = time.perf_counter()
        await job.sync(counts)
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        swept = await job.low_balance.sweep()
        sweep_s = time.perf_counter() - started
        again: Counter[str] = Counter()
        started = time.perf_counter()
        await job.sync(again)
        incremental_s = time.perf_counter() - started
        await client.close()
        async with db.session() as session:
            written = (await session.exec(select(func.count()).where(col(MealCard.last_sync_at).is_not(None)))).one()
    return [
        backend,
        counts["fetched"],
        changed,
        counts["written"],
        written,
        elapsed,
        counts["fetched"] / elapsed,
        swept["marked_low"],
        sweep_s,
        f"{again['fetched']} fetched, {again['written']} written, {incremental_s:.2f} s",
    ]


# --- delivery -------------------------------------------------------------------------------------------------


async def seed_outbox(db: Database, notices: int) -> None:
    users = max(1, notices // 10)
    async with db.session() as session:
        connection = await session.connection()
        await connection.execute(
            insert(User), [{"display_name": f"사용자{n}", "preferences": {}, "created_at": T0} for n in range(users)]
        )
        ids = list((await session.exec(select(User.id).order_by(col(User.id)))).all())
        await connection.execute(
            insert(ChannelIdentity),
            [
                {"user_id": user_id, "channel": "telegram", "external_id": str(100_000 + n), "created_at": T0}
                for n, user_id in enumerate(ids)
            ],
        )
        now = datetime.now(UTC)
        batch = [
            NewNotice(ids[n % users] or 0, "bench", f"bench:{n}", f"벤치 알림 #{n}", now, {}) for n in range(notices)
        ]
        outbox = OutboxRepository(session)
        for start in range(0, len(batch), 2000):
            await outbox.enqueue(batch[start : start + 2000], now)


def start_worker(db_url: str, prefix: str, telegram_url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bench.jobs_bench", "--worker", db_url, prefix, telegram_url]
    return subprocess.Popen(command, cwd=Path(__file__).resolve().parent.parent)


async def delivery_bench(notices: int, kills: int) -> list[object] | None:
    from storage.kv import RedisStore
    from tests.fakes.telegram_api import FakeTelegram

    probe = RedisStore.from_url(REDIS_URL, "probe:")
    try:
        await probe.exists("x")
    except Exception:
        print("\nRedis is unreachable: the delivery part needs it and was skipped.")
        return None
    finally:
        await probe.close()
    prefix = f"kkini-bench:{uuid.uuid4().hex[:8]}:"
    with TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'outbox.db'}"
        db = Database(url)
        await upgrade(db.engine)
        await seed_outbox(db, notices)
        async with FakeTelegram() as telegram:
            started = time.perf_counter()
            worker = start_worker(url, prefix, telegram.url)
            killed = 0
            for step in range(1, kills + 1):
                target = notices * step // (kills + 1)
                await telegram.wait_for("sendMessage", count=target, within=3600)
                await asyncio.sleep(random.random())  # any moment of a second's sending, not just after a request
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                killed += 1
                worker = start_worker(url, prefix, telegram.url)
            while True:
                async with db.session() as session:
                    open_ = (
                        await session.exec(
                            select(func.count()).where(col(Notification.status).in_(("pending", "sending")))
                        )
                    ).one()
                if open_ == 0:
                    break
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - started
            worker.send_signal(signal.SIGTERM)
            worker.wait()
            texts = Counter(str(call.params.get("text")) for call in telegram.calls_to("sendMessage"))
        async with db.session() as session:
            statuses = Counter(
                (await session.exec(select(Notification.status))).all()  # type: ignore[arg-type]
            )
            recovered = (await session.exec(select(func.count()).where(col(Notification.attempts) > 1))).one()
        await db.close()
    expected = {f"벤치 알림 #{n}" for n in range(notices)}
    duplicates = sum(count - 1 for text, count in texts.items() if count > 1)
    lost = len(expected - set(texts))
    return [
        notices,
        killed,
        sum(texts.values()),
        duplicates,
        lost,
        statuses.get("sent", 0),
        recovered,
        elapsed,
        notices / elapsed,
    ]


def run_worker(db_url: str, prefix: str, telegram_url: str) -> None:
    """The delivery worker process: deliver until the outbox is empty, then idle until stopped."""
    from bots.channels.notifiers import TelegramNotifier
    from bots.settings import TelegramSettings
    from jobs.delivery import NotifyDeliverJob
    from storage.kv import RedisStore
    from tests.fakes.telegram_api import TOKEN

    async def work() -> None:
        db = Database(db_url)
        kv = RedisStore.from_url(REDIS_URL, prefix)
        notifier = TelegramNotifier(TelegramSettings(token=SecretStr(TOKEN), api_base_url=telegram_url), kv)
        settings = NotifySettings(quiet_hours="", lease_s=3, batch_size=30, telegram_per_second=30, retry_base_s=1)
        job = NotifyDeliverJob(db, kv, {"telegram": notifier}, settings, clock=lambda: datetime.now(UTC))
        while True:
            await job()
            await asyncio.sleep(0.2)

    asyncio.run(work())


async def main(cards: int, fraction: float, notices: int, kills: int) -> None:
    port = free_port()
    issuer = multiprocessing.get_context("spawn").Process(target=serve_issuer, args=(port, cards, fraction))
    issuer.start()
    try:
        await wait_for_port(port)
        backends = ["sqlite"] + (["postgres"] if await postgres_available() else [])
        rows = [await sync_bench(backend, cards, fraction, port) for backend in backends]
    finally:
        issuer.terminate()
        issuer.join()
    print_table(
        f"Balance sync of {cards:,} cards from the development issuer (pages of 1,000, {fraction:.0%} changed)",
        [
            "backend",
            "fetched",
            "changed",
            "written",
            "rows synced",
            "sync s",
            "cards/s",
            "marked low",
            "sweep s",
            "second pass",
        ],
        rows,
    )
    if notices:
        delivered = await delivery_bench(notices, kills)
        if delivered is not None:
            print_table(
                "Notices to the fake Telegram API at 30 messages/s, worker SIGKILLed mid-run and restarted",
                [
                    "notices",
                    "kills",
                    "messages",
                    "duplicates",
                    "lost",
                    "rows sent",
                    "retried rows",
                    "seconds",
                    "notices/s",
                ],
                [delivered],
            )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        run_worker(*sys.argv[2:])
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--changed", type=float, default=0.3, help="share of the cards the issuer changed")
    parser.add_argument("--notices", type=int, default=10_000, help="notices to deliver (0 skips delivery)")
    parser.add_argument("--kills", type=int, default=2, help="times the delivery worker is killed mid-run")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.cards, arguments.changed, arguments.notices, arguments.kills))
