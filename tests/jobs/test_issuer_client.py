"""The card-issuer client against the development issuer on a loopback port: paging, 429, 5xx, 401, the breaker."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from jobs.issuer.cards import IssuerCard
from jobs.issuer.client import CardIssuerClient, CircuitOpen, IssuerAuthError, IssuerUnavailable
from jobs.issuer.devserver import IssuerBook, decode_cursor, encode_cursor, seed_cards
from jobs.settings import CardIssuerSettings
from tests.fakes.clock import FakeClock
from tests.jobs.fake_issuer import API_KEY, FakeIssuer

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
async def issuer() -> AsyncIterator[FakeIssuer]:
    book = IssuerBook()
    for card in seed_cards(2500, NOW, random.Random(7)):
        book.add(card)
    async with FakeIssuer(book) as fake:
        yield fake


def client_for(issuer: FakeIssuer, clock: FakeClock, **overrides: object) -> CardIssuerClient:
    settings = CardIssuerSettings(base_url=issuer.url, api_key=SecretStr(API_KEY), **overrides)  # type: ignore[arg-type]
    return CardIssuerClient(settings, sleep=clock.sleep, jitter=lambda: 0.5)


async def test_pages_cover_every_card_once_in_order(issuer: FakeIssuer) -> None:
    client = client_for(issuer, FakeClock(autojump=True))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.balances(updated_since=None, cursor=cursor, limit=1000)
        seen += [card.card_id for card in page.cards]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    await client.close()
    assert pages == 3
    assert len(seen) == len(set(seen)) == 2500
    assert issuer.calls_to("balances")[0].headers["authorization"] == f"Bearer {API_KEY}"


async def test_updated_since_and_a_card_changed_while_paging(issuer: FakeIssuer) -> None:
    client = client_for(issuer, FakeClock(autojump=True))
    first = await client.balances(updated_since=None, cursor=None, limit=10)
    moved = first.cards[0]
    issuer.book.change(moved.card_id, NOW + timedelta(minutes=5), balance=moved.balance + 100)
    since = await client.balances(updated_since=NOW + timedelta(minutes=1), cursor=None, limit=10)
    assert [card.card_id for card in since.cards] == [moved.card_id]
    assert since.next_cursor is None
    # The card that changed behind the cursor comes again at the end of the same pass, with its new balance.
    cursor = first.next_cursor
    last: list[IssuerCard] = []
    while cursor:
        page = await client.balances(updated_since=None, cursor=cursor, limit=1000)
        last = page.cards or last
        cursor = page.next_cursor
    await client.close()
    assert last[-1].card_id == moved.card_id and last[-1].balance == moved.balance + 100


async def test_429_waits_what_retry_after_says(issuer: FakeIssuer) -> None:
    clock = FakeClock(autojump=True)
    issuer.fail("balances", 429, {"error": "slow down"}, headers={"Retry-After": "7"}, times=2)
    client = client_for(issuer, clock)
    page = await client.balances(updated_since=None, cursor=None, limit=5)
    await client.close()
    assert len(page.cards) == 5
    assert clock.slept == [7.0, 7.0]
    assert client.breaker.state == "closed"


async def test_a_retry_after_beyond_the_limit_ends_the_call_with_the_wait(issuer: FakeIssuer) -> None:
    issuer.fail("balances", 429, {"error": "later"}, headers={"Retry-After": "900"})
    client = client_for(issuer, FakeClock(autojump=True), max_retry_after_s=60)
    with pytest.raises(IssuerUnavailable) as raised:
        await client.balances(updated_since=None, cursor=None, limit=5)
    await client.close()
    assert raised.value.retry_after == 900


async def test_5xx_is_retried_with_growing_jittered_backoff(issuer: FakeIssuer) -> None:
    clock = FakeClock(autojump=True)
    issuer.fail("balances", 503, {"error": "maintenance"}, times=3)
    client = client_for(issuer, clock, backoff_base_s=1.0)
    page = await client.balances(updated_since=None, cursor=None, limit=5)
    await client.close()
    assert len(page.cards) == 5
    assert clock.slept == [0.75, 1.5, 3.0]  # half fixed, half jitter (0.5 here) of 1, 2, 4 s
    assert len(issuer.calls_to("balances")) == 4


async def test_retries_run_out(issuer: FakeIssuer) -> None:
    issuer.fail("balances", 500, {"error": "boom"}, times=10)
    client = client_for(issuer, FakeClock(autojump=True), max_retries=2)
    with pytest.raises(IssuerUnavailable):
        await client.balances(updated_since=None, cursor=None, limit=5)
    await client.close()
    assert len(issuer.calls_to("balances")) == 3


async def test_wrong_key_fails_at_once(issuer: FakeIssuer) -> None:
    settings = CardIssuerSettings(base_url=issuer.url, api_key=SecretStr("wrong"))
    client = CardIssuerClient(settings, sleep=FakeClock(autojump=True).sleep)
    with pytest.raises(IssuerAuthError):
        await client.balances(updated_since=None, cursor=None, limit=5)
    await client.close()
    assert len(issuer.calls_to("balances")) == 1


async def test_breaker_opens_fails_fast_and_recovers_after_the_cooldown(issuer: FakeIssuer) -> None:
    clock = FakeClock(0.0, autojump=True)
    settings = CardIssuerSettings(
        base_url=issuer.url, api_key=SecretStr(API_KEY), max_retries=0, breaker_failures=3, breaker_cooldown_s=30
    )
    client = CardIssuerClient(settings, sleep=clock.sleep, monotonic=clock)
    issuer.fail("*", 502, {"error": "bad gateway"}, times=4)
    for _ in range(3):
        with pytest.raises(IssuerUnavailable):
            await client.card("BC-0000001")
    with pytest.raises(CircuitOpen):
        await client.card("BC-0000001")
    assert len(issuer.calls) == 3  # the open breaker sent nothing
    clock.now = 31.0
    with pytest.raises(IssuerUnavailable):  # the half-open trial fails: open again
        await client.card("BC-0000001")
    assert client.breaker.state == "open"
    clock.now = 62.0
    card = await client.card("BC-0000001")  # the next trial succeeds: closed
    await client.close()
    assert card is not None and card.card_id == "BC-0000001"
    assert client.breaker.state == "closed"


async def test_unknown_card_is_none_and_malformed_cards_are_counted(issuer: FakeIssuer) -> None:
    client = client_for(issuer, FakeClock(autojump=True))
    assert await client.card("NOPE") is None
    issuer.fail(
        "balances",
        200,
        {
            "cards": [
                {
                    "card_id": "X1",
                    "balance": -5,
                    "daily_limit": 1,
                    "monthly_limit": 1,
                    "meal_amount": 1,
                    "status": "ACTIVE",
                    "updated_at": NOW.isoformat(),
                },
                {
                    "card_id": "X2",
                    "balance": 5,
                    "daily_limit": 1,
                    "monthly_limit": 1,
                    "meal_amount": 1,
                    "status": "ACTIVE",
                    "updated_at": "2026-11-24T09:00:00",
                },
                {
                    "card_id": "X3",
                    "balance": 5,
                    "daily_limit": 1,
                    "monthly_limit": 1,
                    "meal_amount": 1,
                    "status": "STOLEN",
                    "updated_at": NOW.isoformat(),
                },
                {
                    "card_id": "X4",
                    "balance": 5,
                    "daily_limit": 1,
                    "monthly_limit": 1,
                    "meal_amount": 1,
                    "status": "SUSPENDED",
                    "updated_at": NOW.isoformat(),
                },
            ],
            "next_cursor": None,
        },
    )
    page = await client.balances(updated_since=None, cursor=None, limit=5)
    await client.close()
    assert [card.card_id for card in page.cards] == ["X4"]
    assert page.invalid == 3


async def test_the_issuer_refuses_bad_queries(issuer: FakeIssuer) -> None:
    import aiohttp

    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with aiohttp.ClientSession() as http:
        for query in ("limit=0", "limit=x", "cursor=@@@", "updated_since=yesterday", "updated_since=2026-11-24T09:00"):
            async with http.get(f"{issuer.url}/v1/cards/balances?{query}", headers=headers) as response:
                assert response.status == 400, query
    key = (NOW, "BC-0000001")
    assert decode_cursor(encode_cursor(key)) == key
