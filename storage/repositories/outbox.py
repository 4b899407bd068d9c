"""The notification outbox: writing notices once, and claiming, marking and retrying them across workers.

A claim is a compare-and-set on ``claimed_by`` / ``claimed_until`` (a lease): it works the same on SQLite, where
writers are serialised, and on PostgreSQL, where the candidates are also picked ``FOR UPDATE SKIP LOCKED`` so that
concurrent workers take disjoint batches instead of queueing on each other's row locks. Every later change is
conditional on the claim token, so a worker whose lease ran out can no longer touch a row another worker took over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ChannelIdentity, Notification, NotificationStatus, User

PUSH_CHANNELS = ("telegram", "kakao", "slack")
"""Channels that can carry a push, in the order a user's identities are tried."""


@dataclass(frozen=True, slots=True)
class NewNotice:
    user_id: int
    kind: str
    dedup_key: str
    text: str
    not_before: datetime
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PushTarget:
    """Where a user can be pushed to, and whether they still want notices."""

    user_id: int
    wants_notices: bool
    identities: tuple[tuple[str, str], ...]
    """(channel, external_id) pairs on push channels, in `PUSH_CHANNELS` order."""


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, notices: Sequence[NewNotice], at: datetime) -> int:
        """Insert the notices in the caller's transaction; a notice whose ``dedup_key`` exists is skipped.

        Returns how many were new. The caller writes the state that caused the notice in the same transaction,
        so a notice exists exactly when its cause was recorded.
        """
        if not notices:
            return 0
        connection = await self.session.connection()
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        rows = [
            {
                "user_id": notice.user_id,
                "kind": notice.kind,
                "dedup_key": notice.dedup_key,
                "text": notice.text,
                "payload": notice.payload,
                "status": NotificationStatus.PENDING.value,
                "attempts": 0,
                "not_before": notice.not_before,
                "created_at": at,
            }
            for notice in notices
        ]
        statement = (
            dialect.insert(Notification)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(col(Notification.id))
        )
        result = await connection.execute(statement, rows)
        return len(result.all())

    async def claim_due(self, token: str, now: datetime, lease_until: datetime, limit: int) -> list[Notification]:
        """Take up to ``limit`` notices that are due, for ``token`` until ``lease_until``; oldest first.

        Due means pending with ``not_before`` reached, or stuck in ``sending`` (its worker died) — in both cases
        with no live lease. The rows come back with ``claimed_by == token``.
        """
        due = and_(
            or_(
                and_(col(Notification.status) == NotificationStatus.PENDING, col(Notification.not_before) <= now),
                col(Notification.status) == NotificationStatus.SENDING,
            ),
            or_(col(Notification.claimed_until).is_(None), col(Notification.claimed_until) < now),
        )
        candidates = select(Notification.id).where(due).order_by(col(Notification.not_before), col(Notification.id))
        candidates = candidates.limit(limit)
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        await connection.execute(
            update(Notification)
            .where(col(Notification.id).in_(candidates.scalar_subquery()), due)
            .values(claimed_by=token, claimed_until=lease_until)
            .execution_options(synchronize_session=False)
        )
        claimed = await self.session.exec(
            select(Notification).where(Notification.claimed_by == token).order_by(col(Notification.id))
        )
        return list(claimed.all())

    async def push_targets(self, user_ids: Iterable[int]) -> dict[int, PushTarget]:
        """Each user's notice switch and push identities."""
        ids = set(user_ids)
        if not ids:
            return {}
        users = await self.session.exec(select(User.id, User.notify_low_balance).where(col(User.id).in_(ids)))
        identities: dict[int, list[tuple[str, str]]] = defaultdict(list)
        rows = await self.session.exec(
            select(ChannelIdentity)
            .where(col(ChannelIdentity.user_id).in_(ids), col(ChannelIdentity.channel).in_(PUSH_CHANNELS))
            .order_by(col(ChannelIdentity.id))
        )
        for identity in rows:
            identities[identity.user_id].append((identity.channel, identity.external_id))
        targets = {}
        for user_id, wants in users.all():
            assert user_id is not None
            ordered = sorted(identities.get(user_id, []), key=lambda pair: PUSH_CHANNELS.index(pair[0]))
            targets[user_id] = PushTarget(user_id, bool(wants), tuple(ordered))
        return targets

    async def mark_sending(self, notice_id: int, token: str, lease_until: datetime) -> bool:
        """Record that a send is about to start (one more attempt); False when the claim was lost."""
        return await self._change(
            notice_id,
            token,
            status=NotificationStatus.SENDING.value,
            attempts=col(Notification.attempts) + 1,
            claimed_until=lease_until,
        )

    async def mark_sent(self, notice_id: int, token: str, at: datetime) -> bool:
        return await self._change(
            notice_id,
            token,
            status=NotificationStatus.SENT.value,
            sent_at=at,
            claimed_by=None,
            claimed_until=None,
            last_error=None,
        )

    async def reschedule(self, notice_id: int, token: str, not_before: datetime, error: str | None) -> bool:
        """Back to pending, due again at ``not_before``, the claim released."""
        return await self._change(
            notice_id,
            token,
            status=NotificationStatus.PENDING.value,
            not_before=not_before,
            claimed_by=None,
            claimed_until=None,
            last_error=error[:400] if error else None,
        )

    async def mark_dead(self, notice_id: int, token: str, error: str) -> bool:
        """The dead letter: kept with its last error for an operator, never retried."""
        return await self._change(
            notice_id,
            token,
            status=NotificationStatus.DEAD.value,
            claimed_by=None,
            claimed_until=None,
            last_error=error[:400],
        )

    async def counts(self) -> dict[str, int]:
        """Notices per status."""
        rows = await self.session.exec(
            select(Notification.status, func.count())
            .group_by(col(Notification.status))
            .order_by(col(Notification.status))
        )
        return {status: int(count) for status, count in rows.all()}

    async def _change(self, notice_id: int, token: str, **values: Any) -> bool:
        connection = await self.session.connection()
        result = await connection.execute(
            update(Notification)
            .where(col(Notification.id) == notice_id, col(Notification.claimed_by) == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)
