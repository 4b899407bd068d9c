"""Every scheduled job, registered here and nowhere else, with its schedule taken from the settings."""

from __future__ import annotations

from jobs.context import JobContext
from jobs.daily import CouponRemindersJob, PopularityJob, RetentionJob
from jobs.delivery import NotifyDeliverJob
from jobs.issuer.client import CardIssuerClient
from jobs.notices.low_balance import LowBalanceNotices
from jobs.runner import JobSpec
from jobs.sync import BalanceSyncJob


def build_jobs(ctx: JobContext, issuer: CardIssuerClient | None) -> dict[str, JobSpec]:
    """The jobs by name. ``issuer`` is None when no card issuer is configured: balance sync then only works out
    the low-balance state of the cards as they are."""
    settings = ctx.config.jobs
    notify = ctx.config.notify
    specs = [
        JobSpec(
            "balance-sync",
            "card balances from the card issuer, then low-balance notices",
            BalanceSyncJob(
                ctx.db,
                issuer,
                LowBalanceNotices(ctx.db, notify, ctx.clock),
                page_limit=ctx.config.card_issuer.page_limit,
                clock=ctx.clock,
            ),
            every_s=settings.balance_sync_minutes * 60,
        ),
        JobSpec(
            "notify-deliver",
            "push due notices through Telegram, Kakao and Slack",
            NotifyDeliverJob(
                ctx.db, ctx.kv, ctx.notifiers, notify, clock=ctx.clock, budget_s=settings.deliver_budget_s
            ),
            every_s=settings.notify_deliver_seconds,
            record_idle=False,
        ),
        JobSpec(
            "coupon-reminders",
            f"remind of unused coupons {notify.coupon_reminder_days} days before they expire",
            CouponRemindersJob(ctx.db, notify, ctx.clock),
            daily_at=settings.coupon_reminders_at,
        ),
        JobSpec(
            "popularity",
            "shop popularity from selections and orders",
            PopularityJob(ctx.db, settings, ctx.clock),
            daily_at=settings.popularity_at,
        ),
        JobSpec(
            "retention",
            "delete conversations, performance logs and old notices past their retention",
            RetentionJob(ctx.db, settings, ctx.clock),
            daily_at=settings.retention_at,
        ),
    ]
    return {spec.name: spec for spec in specs}
