"""``kkini cart show``: a console user's cart as the dialogue keeps it in the session store."""

from __future__ import annotations

from typing import Any

import click

from bots.app import running_services
from bots.cli.root import echo_json, run_async, settings_from
from dialogue.korean import won
from dialogue.ordering.cart import load_cart
from dialogue.ordering.replies import cart_data
from dialogue.session import SessionStore
from storage.repositories import UserRepository


@click.group()
def cart() -> None:
    """Order carts."""


@cart.command("show")
@click.option("--user", required=True, help="the user's id on the channel (console: demo01 ... demo60; web: its user)")
@click.option(
    "--channel",
    type=click.Choice(["console", "web", "telegram", "kakao", "slack"]),
    default="console",
    show_default=True,
    help="the channel the user talks on",
)
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.pass_context
def cart_show(ctx: click.Context, user: str, channel: str, as_json: bool) -> None:
    """A user's cart: lines, prices, total in won.

    Carts live in the shared key-value store (the embedded SQLite file in the data dir, or Redis with
    KKINI_REDIS__URL set), so this shows what a running `kkini serve` or `kkini chat` holds.
    """
    settings = settings_from(ctx)
    user = user.strip()
    if not user or len(user) > 128:
        raise click.BadParameter("expected 1 to 128 characters", param_hint="--user")

    async def work() -> dict[str, Any] | None:
        async with running_services(settings) as services:
            async with services.db.session() as session:
                known = await UserRepository(session).by_identity(channel, user)
            if known is None:
                return None
            stored = await SessionStore(services.kv).load(SessionStore.key_for(channel, user))
        return {"user": user, **cart_data(load_cart(stored.order))}

    shown = run_async(work)
    if shown is None:
        click.echo(f"kkini: no {channel} user {user!r} (see kkini users add)", err=True)
        ctx.exit(1)
        return
    if as_json:
        echo_json(shown)
        return
    if not shown["lines"]:
        click.echo(f"{user}: the cart is empty")
        return
    click.echo(f"{user}: {shown['shop']}")
    for line in shown["lines"]:
        click.echo(f"  [{line['line']}] {line['name']} x{line['quantity']}  {won(line['line_total'])}")
        for option in line["options"]:
            click.echo(f"        {option}")
    click.echo(f"  total {won(shown['total'])}")
