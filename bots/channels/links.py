"""Link codes: one person's Telegram, KakaoTalk and web identities joined to one kkini user.

``/link`` on one channel gives a code; ``/link CODE`` on another channel, within the code's lifetime, moves that
identity to the first identity's user (and the card it holds, when only one side has a card). A code cannot be
guessed: it has 50 bits (ten characters of an alphabet without look-alikes: `ALPHABET`), the first four name it and
the other six are its secret, kept only as a hash. It works once; `WRONG_PER_CODE` wrong secrets for a code kill
it; tries are limited per identity, per source address (the web chat's client, whose identity is free to make)
and in total, so that a guesser making a new identity per try still gets nowhere while other people's
messages are answered as usual. From the web chat, the identity is the signed session (`web_session`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from sqlmodel import col, select

from storage.database import Database
from storage.kv import KeyValueStore
from storage.models import ChannelIdentity, MealCard, User

COMMAND = re.compile(r"^\s*/link(?:@\w+)?(?:\s+(.{1,40}?))?\s*$", re.IGNORECASE)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U; what people type for them is read as 1, 1, 0 and V."""
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
NAME_LENGTH, SECRET_LENGTH = 4, 6
WRONG_PER_CODE = 3
WRONG_PER_IDENTITY = 5
WRONG_PER_SOURCE = 20
WRONG_IN_TOTAL = 300
"""Tries per `TOTAL_WINDOW_S` from everyone together, before linking pauses for everyone for the rest of it."""
FAILURE_WINDOW_S = 3600.0
TOTAL_WINDOW_S = 60.0

CHANNEL_NAMES = {"telegram": "텔레그램", "kakao": "카카오톡", "slack": "슬랙", "web": "웹 채팅", "console": "콘솔"}
WRONG = "코드가 맞지 않거나 시간이 지났어요. 처음 채널에서 /link 를 다시 보내 새 코드를 받아 주세요."
TOO_MANY = "잘못된 코드를 여러 번 입력하셨어요. 한 시간 뒤에 다시 해 주세요."
PAUSED = "지금은 계정 연결이 잠시 멈춰 있어요. 몇 분 뒤에 다시 해 주세요."


def link_command(text: str) -> tuple[bool, str | None]:
    """(is a /link command, the code given or None)."""
    match = COMMAND.match(text or "")
    return (True, match.group(1)) if match else (False, None)


def normalise_code(code: str) -> str | None:
    """The code as issued ("K7Q2-M9XD4P"), however it was typed ("k7q2 m9xd4p", "K7Q2M9XD4P"); None when it
    cannot be one."""
    compact = re.sub(r"[\s-]", "", code).upper().translate(_READ_AS)
    if len(compact) != NAME_LENGTH + SECRET_LENGTH or any(char not in ALPHABET for char in compact):
        return None
    return compact


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(f"kkini-link:{secret}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LinkCodes:
    db: Database
    kv: KeyValueStore
    ttl_s: float

    async def answer(self, channel: str, external_id: str, code: str | None, source: str | None = None) -> str:
        """The reply to ``/link`` (issue a code) or ``/link CODE`` (join this identity to the code's owner).

        ``source``: where the message came from (the web client's address), for the per-source limit.
        """
        if code is None:
            return await self._issue(channel, external_id)
        return await self._join(channel, external_id, code, source or f"{channel}:{external_id}")

    async def _issue(self, channel: str, external_id: str) -> str:
        for _ in range(20):
            name = "".join(secrets.choice(ALPHABET) for _ in range(NAME_LENGTH))
            secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
            owner = json.dumps({"channel": channel, "external_id": external_id, "secret": _secret_hash(secret)})
            if await self.kv.set_if_absent(f"link:{name}", owner, self.ttl_s):
                minutes = max(1, round(self.ttl_s / 60))
                code = f"{name}-{secret}"
                return (
                    f"연결 코드는 {code} 예요. {minutes}분 안에 다른 채널(텔레그램, 카카오톡이나 웹 채팅)에서 "
                    f"/link {code} 라고 보내 주시면 두 계정이 하나로 연결돼요. 코드는 다른 사람에게 알려 주지 마세요."
                )
        return "지금은 연결 코드를 만들 수 없어요. 잠시 후 다시 해 주세요."

    async def _join(self, channel: str, external_id: str, code: str, source: str) -> str:
        # Every try counts before the code is looked at, so tries sent all at once cannot slip past the limits.
        per_identity = await self.kv.incr(f"link-tries:id:{channel}:{external_id}", ttl=FAILURE_WINDOW_S)
        per_source = await self.kv.incr(f"link-tries:source:{source}", ttl=FAILURE_WINDOW_S)
        if per_identity > WRONG_PER_IDENTITY or per_source > WRONG_PER_SOURCE:
            return TOO_MANY
        if await self.kv.incr("link-tries:total", ttl=TOTAL_WINDOW_S) > WRONG_IN_TOTAL:
            return PAUSED
        normal = normalise_code(code)
        owner = await self._owner(normal) if normal is not None else None
        if owner is None:
            return WRONG
        if owner["channel"] == channel:
            return (
                "같은 채널끼리는 연결할 수 없어요. 다른 채널(텔레그램, 카카오톡이나 웹 채팅)에서 코드를 입력해 주세요."
            )
        return await self._move(owner["channel"], owner["external_id"], channel, external_id)

    async def _owner(self, code: str) -> dict[str, str] | None:
        """Who asked for the code, taking the code (it works once); None for a wrong one, which counts against the
        code it names: after `WRONG_PER_CODE` wrong secrets that code is gone."""
        name, secret = code[:NAME_LENGTH], code[NAME_LENGTH:]
        raw = await self.kv.get(f"link:{name}")
        owner = json.loads(raw) if raw else None
        if owner is None:
            return None
        if not hmac.compare_digest(str(owner.get("secret", "")), _secret_hash(secret)):
            if await self.kv.incr(f"link-tries:{name}", ttl=self.ttl_s) >= WRONG_PER_CODE:
                await self.kv.delete(f"link:{name}")
            return None
        if await self.kv.delete(f"link:{name}") == 0:
            return None  # taken by another message at the same moment
        return {"channel": str(owner["channel"]), "external_id": str(owner["external_id"])}

    async def _move(self, from_channel: str, from_id: str, channel: str, external_id: str) -> str:
        async with self.db.session() as session:
            target = (
                await session.exec(
                    select(ChannelIdentity).where(
                        ChannelIdentity.channel == from_channel, ChannelIdentity.external_id == from_id
                    )
                )
            ).first()
            if target is None:
                user = User()
                session.add(user)
                await session.flush()
                assert user.id is not None
                target = ChannelIdentity(user_id=user.id, channel=from_channel, external_id=from_id)
                session.add(target)
                await session.flush()
            mine = (
                await session.exec(
                    select(ChannelIdentity).where(
                        ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
                    )
                )
            ).first()
            if mine is not None and mine.user_id == target.user_id:
                return "이미 연결되어 있어요."
            if mine is not None:
                my_cards = list(
                    (await session.exec(select(MealCard).where(col(MealCard.user_id) == mine.user_id))).all()
                )
                their_cards = (
                    await session.exec(select(MealCard.card_id).where(col(MealCard.user_id) == target.user_id))
                ).first()
                if my_cards and their_cards is not None:
                    return "두 계정에 서로 다른 카드가 등록되어 있어서 연결할 수 없어요. 고객센터에 문의해 주세요."
                for card in my_cards:
                    card.user_id = target.user_id
                    session.add(card)
                mine.user_id = target.user_id
                session.add(mine)
            else:
                session.add(ChannelIdentity(user_id=target.user_id, channel=channel, external_id=external_id))
        name = CHANNEL_NAMES.get(from_channel, from_channel)
        return f"연결됐어요! 이제 {name}에서와 같은 계정으로 이야기해요."
