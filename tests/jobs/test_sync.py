"""Balance sync against the fake issuer: only changed cards written, stale data ignored, failures resumed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from dialogue.account import card_view
from jobs.issuer.client import CardIssuerClient, IssuerUnavailable
from jobs.issuer.devserver import book_from_database
from jobs.notices.low_balance import LowBalanceNotices
from jobs.settings import CardIssuerSettings, NotifySettings
from jobs.sync import PROGRESS, WATERMARK, BalanceSyncJob
from storage.database import Database
from storage.models import CardProgram, MealCard, SyncState
from tests.fakes.clock import FakeClock
from tests.jobs.fake_issuer import API_KEY, FakeIssuer
from tests.jobs.support import build_world


@pytest.fixture
async def issuer(db: Database, clock: FakeClock) -> AsyncIterator[FakeIssuer]:
    await build_world(db, holders=12)
    async with FakeIssuer(await book_from_database(db, clock.utc()), clock=clock.utc) as fake:
        yield fake


@pytest.fixture
async def clients() -> AsyncIterator[list[CardIssuerClient]]:
    made: list[CardIssuerClient] = []
    yield made
    for client in made:
        await client.close()


def sync_job(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient], *, retries: int = 2
) -> BalanceSyncJob:
    settings = CardIssuerSettings(base_url=issuer.url, api_key=SecretStr(API_KEY), max_retries=retries)
    client = CardIssuerClient(settings, sleep=FakeClock(autojump=True).sleep)
    clients.append(client)
    low = LowBalanceNotices(db, NotifySettings(), clock.utc)
    return BalanceSyncJob(db, client, low, page_limit=5, clock=clock.utc)


async def cards(db: Database) -> dict[str, MealCard]:
    async with db.session() as session:
        return {card.card_id: card for card in (await session.exec(select(MealCard))).all()}


async def test_only_changed_cards_are_written(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    job = sync_job(db, issuer, clock, clients)
    counts = await job()
    assert counts["fetched"] == 12 and counts["written"] == 0 and counts["unchanged"] == 12
    clock.advance(minutes=1)
    issuer.book.change("KC-T0003", clock.utc(), balance=12_000)
    issuer.book.change("KC-T0007", clock.utc(), status="SUSPENDED")
    counts = await job()
    assert counts["written"] == 2 and counts["status_changed"] == 1
    clock.advance(minutes=10)
    issuer.book.change("KC-T0005", clock.utc(), balance=11_000)
    counts = await job()
    # Asked only for what changed since the last pass (less a 2-minute overlap, which still holds 3 and 7).
    assert counts["fetched"] == 3 and counts["written"] == 1 and counts["unchanged"] == 2
    stored = await cards(db)
    assert stored["KC-T0003"].balance == 12_000 and stored["KC-T0003"].issuer_updated_at == clock.utc() - timedelta(
        minutes=10
    )
    assert stored["KC-T0007"].status == "SUSPENDED"
    assert sum(card.last_sync_at is not None for card in stored.values()) == 3


async def test_a_suspended_card_is_not_offered_as_a_way_to_pay(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    job = sync_job(db, issuer, clock, clients)
    issuer.book.change("KC-T0001", clock.utc(), status="SUSPENDED")
    await job()
    async with db.session() as session:
        card = await session.get(MealCard, "KC-T0001")
        program = (await session.exec(select(CardProgram))).one()
    assert card is not None
    view = card_view(card, program, clock.utc())
    assert not view.active and view.spendable_today == 0


async def test_older_data_never_overwrites_newer(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    job = sync_job(db, issuer, clock, clients)
    newer = clock.utc() + timedelta(minutes=10)
    async with db.session() as session:
        card = await session.get(MealCard, "KC-T0002")
        assert card is not None
        card.balance, card.issuer_updated_at = 7_000, newer
        session.add(card)
    # A lagging replica of the issuer still has an older value, stamped before what kkini already holds.
    issuer.book.change("KC-T0002", clock.utc() + timedelta(minutes=5), balance=15_000)
    counts = await job()
    assert counts["stale"] == 1 and counts["written"] == 0
    stored = (await cards(db))["KC-T0002"]
    assert stored.balance == 7_000 and stored.issuer_updated_at == newer


async def test_a_failed_run_resumes_from_the_last_cursor(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    for number, card_id in enumerate(f"KC-T{n:04d}" for n in range(1, 13)):
        issuer.book.change(card_id, clock.utc() + timedelta(seconds=number), balance=30_000 + number)
    job = sync_job(db, issuer, clock, clients, retries=1)
    # Page 1 goes through, then page 2 fails twice: the request and its one retry.
    issuer.failing_calls = {2: 500, 3: 500}
    with pytest.raises(IssuerUnavailable):
        await job()
    written = {card_id for card_id, card in (await cards(db)).items() if card.balance >= 30_000}
    assert len(written) == 5  # the first page only
    async with db.session() as session:
        progress = await session.get(SyncState, PROGRESS)
    assert progress is not None
    saved_cursor = progress.value
    counts = await job()
    resumed_call = issuer.calls_to("balances")[3]
    assert resumed_call.params.get("cursor") and resumed_call.params["cursor"] in saved_cursor
    assert counts["resumed"] == 1 and counts["written"] == 7 and counts["fetched"] == 7
    assert all(card.balance >= 30_000 for card in (await cards(db)).values())
    async with db.session() as session:
        assert await session.get(SyncState, PROGRESS) is None
        assert await session.get(SyncState, WATERMARK) is not None


async def test_a_refused_cursor_starts_the_pass_over(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    job = sync_job(db, issuer, clock, clients)
    async with db.session() as session:
        session.add(SyncState(name=PROGRESS, value='{"since": null, "cursor": "gone", "newest": null}'))
    counts = await job()
    assert counts["fetched"] == 12
    async with db.session() as session:
        assert await session.get(SyncState, PROGRESS) is None


async def test_429_and_5xx_inside_a_pass_are_absorbed(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    issuer.book.change("KC-T0012", clock.utc() + timedelta(minutes=1), balance=1_000)
    issuer.fail("balances", 429, {"error": "slow"}, headers={"Retry-After": "1"})
    issuer.fail("*", 503, {"error": "busy"})
    job = sync_job(db, issuer, clock, clients, retries=3)
    counts = await job()
    assert counts["written"] == 1 and counts["fetched"] == 12
    assert (await cards(db))["KC-T0012"].balance == 1_000


async def test_unknown_cards_are_counted_not_created(
    db: Database, issuer: FakeIssuer, clock: FakeClock, clients: list[CardIssuerClient]
) -> None:
    from jobs.issuer.cards import IssuerCard

    issuer.book.add(IssuerCard("KC-NEW", 5000, 1, 1, 1, "ACTIVE", clock.utc()))
    job = sync_job(db, issuer, clock, clients)
    counts = await job()
    assert counts["unknown"] == 1
    async with db.session() as session:
        assert (await session.exec(select(MealCard).where(col(MealCard.card_id) == "KC-NEW"))).first() is None
