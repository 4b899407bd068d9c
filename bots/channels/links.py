"""Link codes: one person's Telegram and KakaoTalk identities joined to one kkini user.

``/link`` on one channel gives a six-digit code; ``/link CODE`` on another channel, within the code's lifetime,
moves that identity to the first identity's user (and the card it holds, when only one side has a card). A code
works once; wrong guesses are limited per identity.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass

from sqlmodel import col, select

from storage.database import Database
from storage.kv import KeyValueStore
from storage.models import ChannelIdentity, MealCard, User

COMMAND = re.compile(r"^\s*/link(?:@\w+)?(?:\s+(\S+))?\s*$", re.IGNORECASE)
MAX_FAILURES = 5
FAILURE_WINDOW_S = 3600.0

CHANNEL_NAMES = {"telegram": "텔레그램", "kakao": "카카오톡", "slack": "슬랙", "web": "웹 채팅", "console": "콘솔"}


def link_command(text: str) -> tuple[bool, str | None]:
    """(is a /link command, the code given or None)."""
    match = COMMAND.match(text or "")
    return (True, match.group(1)) if match else (False, None)


@dataclass(frozen=True, slots=True)
class LinkCodes:
    db: Database
    kv: KeyValueStore
    ttl_s: float

    async def answer(self, channel: str, external_id: str, code: str | None) -> str:
        """The reply to ``/link`` (issue a code) or ``/link CODE`` (join this identity to the code's owner)."""
        if code is None:
            return await self._issue(channel, external_id)
        return await self._join(channel, external_id, code)

    async def _issue(self, channel: str, external_id: str) -> str:
        owner = json.dumps({"channel": channel, "external_id": external_id})
        for _ in range(20):
            code = f"{secrets.randbelow(1_000_000):06d}"
            if await self.kv.set_if_absent(f"link:{code}", owner, self.ttl_s):
                minutes = max(1, round(self.ttl_s / 60))
                return (
                    f"연결 코드는 {code}예요. {minutes}분 안에 다른 채널(텔레그램이나 카카오톡)에서 "
                    f"/link {code} 라고 보내 주시면 두 계정이 하나로 연결돼요."
                )
        return "지금은 연결 코드를 만들 수 없어요. 잠시 후 다시 해 주세요."

    async def _join(self, channel: str, external_id: str, code: str) -> str:
        failures_key = f"link-failures:{channel}:{external_id}"
        failures = await self.kv.get(failures_key)
        if failures is not None and int(failures) >= MAX_FAILURES:
            return "잘못된 코드를 여러 번 입력하셨어요. 한 시간 뒤에 다시 해 주세요."
        raw = await self.kv.get(f"link:{code}") if code.isdigit() and len(code) == 6 else None
        owner = json.loads(raw) if raw else None
        if owner is None or await self.kv.delete(f"link:{code}") == 0:
            await self.kv.incr(failures_key, ttl=FAILURE_WINDOW_S)
            return "코드가 맞지 않거나 시간이 지났어요. 처음 채널에서 /link 를 다시 보내 새 코드를 받아 주세요."
        if owner["channel"] == channel:
            return "같은 채널끼리는 연결할 수 없어요. 다른 채널(텔레그램이나 카카오톡)에서 코드를 입력해 주세요."
        return await self._move(owner["channel"], owner["external_id"], channel, external_id)

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
