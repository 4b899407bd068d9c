"""Card programmes and the demo card holders ``demo01`` ... ``demo60``: users, console identities, cards, wallets.

``demo01``-``demo40`` hold Seoul's 꿈나무카드 (01-20 live in 강남구, 21-40 in 마포구), ``demo41``-``demo60``
Chuncheon's card. Balances run from 0 to 200,000 won with deliberate edge cases; a few cards are suspended,
expired or reported lost, and a few have spent part or all of today's limit.

``User.preferences`` keys used here: ``dislikes`` (menu tags such as "spicy", "pork"), ``likes`` (catalogue
categories), ``allergies`` (food words), ``home_area`` (an area code), ``school`` (a Place name).
"""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, timedelta
from typing import Any

from storage.models import CardStatus, Channel
from storage.sample.rows import CouponSeed, Row, UserSeed, WalletEntry
from storage.security import card_number_hash, mask_card_number

DEMO_USERS = 60
SEOUL_USERS = 40

PROGRAMS: tuple[Row, ...] = (
    {
        "code": "seoul-kkumnamu",
        "name": "서울 꿈나무카드",
        "region": "서울특별시",
        "meal_amount": 9500,
        "daily_limit": 28500,
        "monthly_top_up_day": 1,
    },
    {
        "code": "chuncheon",
        "name": "춘천시 아동급식카드",
        "region": "강원특별자치도 춘천시",
        "meal_amount": 10000,
        "daily_limit": 30000,
        "monthly_top_up_day": 1,
    },
    {
        "code": "gyeonggi-gdream",
        "name": "경기도 G드림카드",
        "region": "경기도",
        "meal_amount": 7000,
        "daily_limit": 21000,
        "monthly_top_up_day": 1,
    },
)
_BIN = {"seoul-kkumnamu": "9410", "chuncheon": "9420", "gyeonggi-gdream": "9430"}

_SURNAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송")
_GIVEN = (
    "민준", "서연", "도윤", "서윤", "시우", "지우", "하준", "하윤", "주원", "지호", "지유", "예준", "수아", "유준",
    "서아", "은우", "하은", "건우", "지아", "현우", "채원", "우진", "민서", "선우", "다은", "연우", "지민", "서진",
    "윤서", "이준", "예린", "준서", "소율", "시윤", "나은", "태윤", "가은", "지환", "유나", "승민",
)  # fmt: skip

# Deliberate cases by demo number; the other users draw their values from the seed.
_BALANCES = {1: 152_000, 2: 0, 3: 4_300, 4: 200_000, 5: 2_500, 6: 9_500, 7: 38_000, 41: 0, 42: 3_800, 43: 200_000,
             44: 10_000, 50: 4_900}  # fmt: skip
_SPENT_TODAY = {5: 9_500, 8: 28_500, 9: 19_000, 10: 6_000, 45: 10_000, 46: 30_000}
_SPENT_YESTERDAY = {11: 9_500, 47: 10_000}
_STATUSES = {
    37: CardStatus.LOST,
    38: CardStatus.SUSPENDED,
    39: CardStatus.EXPIRED,
    59: CardStatus.SUSPENDED,
    60: CardStatus.EXPIRED,
}
_PREFERENCES: dict[int, dict[str, Any]] = {
    3: {"dislikes": ["spicy"]},
    4: {"likes": ["치킨", "피자"]},
    7: {"home_area": "seoul-gangnam", "school": "역삼중학교"},
    10: {"dislikes": ["pork"]},
    12: {"dislikes": ["spicy", "seafood"], "likes": ["분식"]},
    15: {"allergies": ["땅콩"]},
    22: {"home_area": "seoul-mapo", "school": "서교초등학교"},
    25: {"likes": ["한식", "국밥"]},
    30: {"dislikes": ["beef", "pork", "chicken", "seafood"]},
    42: {"dislikes": ["spicy"], "home_area": "chuncheon"},
    48: {"home_area": "chuncheon", "school": "후평초등학교", "likes": ["햄버거"]},
    53: {"allergies": ["새우"], "dislikes": ["seafood"]},
}
_NOT_ONBOARDED = (20, 35, 55)
_NO_COUPONS = (20, 55)
_NO_LOW_BALANCE_NOTICE = (4, 43)
_BURGER_SHOP_COUPONS = ("KK-DUNDEUN-1000", "KK-DUNDEUN-15P")


def console_id(number: int) -> str:
    """The console identity of demo user ``number``: ``demo07``."""
    return f"demo{number:02d}"


def card_id(number: int) -> str:
    return f"KC-{number:06d}"


def program_rows() -> list[Row]:
    return [dict(program) for program in PROGRAMS]


def _program_for(number: int) -> Row:
    return PROGRAMS[0] if number <= SEOUL_USERS else PROGRAMS[1]


def home_area(number: int) -> str:
    return "seoul-gangnam" if number <= 20 else "seoul-mapo" if number <= SEOUL_USERS else "chuncheon"


def _card_number(program_code: str, rng: random.Random, used: set[str]) -> str:
    while True:
        number = _BIN[program_code] + "".join(str(rng.randrange(10)) for _ in range(12))
        if number not in used:
            used.add(number)
            return number


def _card(number: int, rng: random.Random, key: bytes, used: set[str], now: datetime, today: date) -> Row:
    program = _program_for(number)
    meal_amount, daily_limit = int(program["meal_amount"]), int(program["daily_limit"])
    card_number = _card_number(str(program["code"]), rng, used)
    balance = _BALANCES.get(number, rng.randrange(5_000, 190_001, 100))
    spent_today, spent_on = 0, None
    if number in _SPENT_TODAY:
        spent_today, spent_on = _SPENT_TODAY[number], today
    elif number in _SPENT_YESTERDAY:
        spent_today, spent_on = _SPENT_YESTERDAY[number], today - timedelta(days=1)
    return {
        "card_id": card_id(number),
        "program_code": program["code"],
        "number_masked": mask_card_number(card_number),
        "number_hash": card_number_hash(card_number, key),
        "balance": balance,
        "daily_limit": daily_limit,
        "monthly_limit": meal_amount * rng.choice((31, 62)),
        "meal_amount": meal_amount,
        "status": _STATUSES.get(number, CardStatus.ACTIVE).value,
        "spent_today": spent_today,
        "spent_on": spent_on,
        "issuer_updated_at": now - timedelta(minutes=rng.randrange(5, 3 * 24 * 60)),
        "last_sync_at": None,
        # Left for the low-balance job to work out, so that its first run notices the low cards.
        "low_balance": False,
        "low_balance_since": None,
        "low_balance_notified_at": None,
        "created_at": now - timedelta(days=rng.randrange(30, 400)),
    }


def _wallet(
    number: int, rng: random.Random, coupons: list[CouponSeed], areas: dict[str, str | None], now: datetime
) -> list[WalletEntry]:
    if number in _NO_COUPONS:
        return []
    area = home_area(number)
    local = [c.code for c in coupons if areas[c.code] == area and c.code not in _BURGER_SHOP_COUPONS]
    general = [c.code for c in coupons if areas[c.code] is None and c.code != "KK-WELCOME-1000"]
    codes = ["KK-WELCOME-1000", *rng.sample(general, rng.randint(1, 4)), *rng.sample(local, min(len(local), 1))]
    if area == "seoul-gangnam" and rng.random() < 0.5:
        codes.extend(code for code in _BURGER_SHOP_COUPONS if code in areas)
    wallet: list[WalletEntry] = []
    for code in dict.fromkeys(codes):
        issued = now - timedelta(days=rng.randrange(1, 25), hours=rng.randrange(24))
        used = issued + timedelta(days=rng.randrange(0, 3), hours=rng.randrange(1, 12)) if rng.random() < 0.1 else None
        wallet.append(WalletEntry(code=code, issued_at=issued, used_at=used if used and used < now else None))
    return wallet


def user_seeds(
    seed: int,
    card_hash_key: bytes,
    coupons: list[CouponSeed],
    coupon_areas: dict[str, str | None],
    now: datetime,
    today: date,
) -> list[UserSeed]:
    # Separate streams, so that wallets (which depend on whether the burger shop exists) never shift the cards.
    rng = random.Random(f"{seed}:people")
    wallet_rng = random.Random(f"{seed}:wallets")
    used_numbers: set[str] = set()
    users: list[UserSeed] = []
    for number in range(1, DEMO_USERS + 1):
        card = _card(number, rng, card_hash_key, used_numbers, now, today)
        user: Row = {
            "display_name": rng.choice(_SURNAMES) + _GIVEN[(number - 1) % len(_GIVEN)],
            "role": "holder",
            "preferences": copy.deepcopy(_PREFERENCES.get(number, {})),
            "notify_low_balance": number not in _NO_LOW_BALANCE_NOTICE,
            "onboarded_at": None if number in _NOT_ONBOARDED else card["created_at"] + timedelta(days=1),
            "created_at": card["created_at"],
        }
        users.append(
            UserSeed(
                external_id=console_id(number),
                user=user,
                card=card,
                wallet=_wallet(number, wallet_rng, coupons, coupon_areas, now),
            )
        )
    return users


def identity_row(seed: UserSeed, user_id: int, now: datetime) -> Row:
    return {"user_id": user_id, "channel": Channel.CONSOLE.value, "external_id": seed.external_id, "created_at": now}
