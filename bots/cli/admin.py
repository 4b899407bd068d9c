"""Operator commands: ``config show``, ``db``, ``cards list``, ``users add``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click

from bots.app import Services, running_services
from bots.cli.root import echo_json, run_async, settings_from
from bots.settings import masked
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Channel
from storage.repositories import CardRepository, IdentityConflict, UnknownCard, UserRepository


@click.group()
def config() -> None:
    """Inspect the effective settings."""


@config.command("show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Print the effective settings as JSON, secrets masked, URL passwords too."""
    echo_json(_hide_url_passwords(masked(settings_from(ctx))))


def _hide_url_passwords(value: Any) -> Any:
    """The settings with the password of every URL in them (``https://admin:password@chroma``) shown as ***."""
    if isinstance(value, dict):
        return {key: _hide_url_passwords(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_hide_url_passwords(item) for item in value]
    if isinstance(value, str) and "://" in value and "@" in value:
        return _hide_url_password(value)
    return value


def _hide_url_password(url: str) -> str:
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo or userinfo.endswith(":***"):
        return url
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


@click.group()
def db() -> None:
    """Database schema migrations."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database schema to the newest revision."""
    settings = settings_from(ctx)

    async def work() -> str | None:
        async with running_services(settings, migrate=False) as services:
            await upgrade(services.db.engine)
            return await current_revision(services.db.engine)

    click.echo(f"database at revision {run_async(work)}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the database's revision and the newest one."""
    settings = settings_from(ctx)

    async def work() -> str | None:
        async with running_services(settings, migrate=False) as services:
            return await current_revision(services.db.engine)

    echo_json({"current": run_async(work), "head": head_revision()})


@click.group()
def cards() -> None:
    """Meal cards."""


@cards.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.pass_context
def cards_list(ctx: click.Context, as_json: bool) -> None:
    """Cards with masked number, balance, limits, status and holder."""
    settings = settings_from(ctx)

    async def work() -> list[dict[str, object]]:
        async with running_services(settings) as services:
            async with services.db.session() as session:
                rows = await CardRepository(session).list_with_holders()
        return [
            {
                "card_id": row.card.card_id,
                "number": row.card.number_masked,
                "program": row.program.name,
                "balance": row.card.balance,
                "daily_limit": row.card.daily_limit,
                "monthly_limit": row.card.monthly_limit,
                "meal_amount": row.card.meal_amount,
                "status": row.card.status,
                "holder": row.card.user_id,
                "identities": row.holder_identities,
            }
            for row in rows
        ]

    rows = run_async(work)
    if as_json:
        echo_json(rows)
        return
    click.echo(f"{'card':<11} {'number':<20} {'balance':>9} {'daily':>8} {'monthly':>9} {'status':<9} holder")
    for row in rows:
        identities = ", ".join(row["identities"]) or "-"  # type: ignore[arg-type]
        click.echo(
            f"{row['card_id']!s:<11} {row['number']!s:<20} {row['balance']:>9,} {row['daily_limit']:>8,} "
            f"{row['monthly_limit']:>9,} {row['status']!s:<9} {identities}"
        )
    click.echo(f"{len(rows)} cards")


@click.group()
def users() -> None:
    """Users and their channel identities."""


@users.command("add")
@click.option("--channel", type=click.Choice([c.value for c in Channel if c != Channel.WEB]), required=True)
@click.option("--external-id", required=True, help="the user's id on that channel")
@click.option("--card", "card_id", default=None, help="link to this card (joins the card holder's identities)")
@click.pass_context
def users_add(ctx: click.Context, channel: str, external_id: str, card_id: str | None) -> None:
    """Create or link a user identity; running it again changes nothing."""
    settings = settings_from(ctx)
    external_id = external_id.strip()
    if not external_id or len(external_id) > 128:
        raise click.BadParameter("expected 1 to 128 characters", param_hint="--external-id")

    async def work(services: Services) -> dict[str, object]:
        async with services.db.session() as session:
            result = await UserRepository(session).add_identity(channel, external_id, card_id=card_id)
            identities = await UserRepository(session).identities(result.user.id or 0)
        return {
            "user_id": result.user.id,
            "created_user": result.created_user,
            "created_identity": result.created_identity,
            "card": card_id,
            "identities": [f"{i.channel}:{i.external_id}" for i in identities],
        }

    async def main() -> dict[str, object]:
        async with running_services(settings) as services:
            return await work(services)

    try:
        echo_json(run_async(main))
    except UnknownCard as error:
        raise click.ClickException(f"no card with id {error.args[0]!r} (see `kkini cards list`)") from None
    except IdentityConflict as error:
        raise click.ClickException(str(error)) from None
