"""/link codes: 50 bits, single use, killed by wrong secrets, and brute force gets nowhere while others are answered."""

from __future__ import annotations

import re
import secrets

from bots.channels.links import ALPHABET, PAUSED, TOO_MANY, WRONG, LinkCodes, normalise_code
from storage.database import Database
from storage.kv import InProcessStore

CODE = re.compile(r"\b([0-9A-Z]{4})-([0-9A-Z]{6})\b")


def _random_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


async def _issue(links: LinkCodes, channel: str = "telegram", user: str = "3003") -> tuple[str, str]:
    found = CODE.search(await links.answer(channel, user, None))
    assert found is not None
    return found.group(1), found.group(2)


async def test_a_code_joins_once_however_it_is_typed(db: Database) -> None:
    links = LinkCodes(db, InProcessStore("t:"), ttl_s=300)
    name, secret = await _issue(links)
    typed = f"{name.lower()} {secret.lower().replace('1', 'l').replace('0', 'o')}"
    assert normalise_code(typed) == name + secret
    assert "연결됐어요" in await links.answer("kakao", "kk-1", typed)
    assert await links.answer("kakao", "kk-2", f"{name}-{secret}") == WRONG  # used up


async def test_wrong_secrets_for_a_code_kill_it(db: Database) -> None:
    links = LinkCodes(db, InProcessStore("t:"), ttl_s=300)
    name, secret = await _issue(links)
    wrong = "".join(next(c for c in ALPHABET if c != s) for s in secret)
    for attempt in range(3):
        assert await links.answer("kakao", f"guesser-{attempt}", f"{name}-{wrong}") == WRONG
    assert await links.answer("kakao", "owner", f"{name}-{secret}") == WRONG  # the code is gone


async def test_brute_force_with_a_new_identity_per_guess_finds_nothing(db: Database) -> None:
    kv = InProcessStore("t:")
    links = LinkCodes(db, kv, ttl_s=300)
    for user in range(50):
        await _issue(links, user=str(user))  # codes that exist, waiting to be entered
    answers: dict[str, int] = {}
    for guess in range(100_000):
        answer = await links.answer("web", f"web-{guess}", _random_code(), source="203.0.113.9")
        answers[answer] = answers.get(answer, 0) + 1
    assert set(answers) <= {WRONG, TOO_MANY, PAUSED}
    assert answers.get(WRONG, 0) <= 20  # the source is stopped after 20 wrong codes
    # Spread over many addresses, the guesses all together stop at the total limit.
    spread: dict[str, int] = {}
    for guess in range(5_000):
        answer = await links.answer("web", f"w-{guess}", _random_code(), source=f"198.51.{guess // 250}.{guess % 250}")
        spread[answer] = spread.get(answer, 0) + 1
    assert set(spread) <= {WRONG, PAUSED} and spread[PAUSED] > 4_000
