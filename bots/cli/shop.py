"""``kkini shop list`` and ``kkini shop import-menu``: the shops, and a chain's menu files imported into one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlmodel import col, func, select

from bots.app import running_services
from bots.cli.root import echo_json, run_async, settings_from
from storage.importers.burger_menu import MenuFileError, import_menu, summary
from storage.models import MenuItem, Shop


@click.group()
def shop() -> None:
    """Shops and their menus."""


@shop.command("list")
@click.option("--orders", is_flag=True, help="only the shops that take orders through kkini")
@click.option("--name", default=None, help="only shops whose name contains this")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.pass_context
def shop_list(ctx: click.Context, orders: bool, name: str | None, as_json: bool) -> None:
    """Shops with their id, area, menu size and whether they take orders (at most 200)."""
    settings = settings_from(ctx)

    async def work() -> list[dict[str, Any]]:
        async with running_services(settings) as services, services.db.session() as session:
            menu_size = (
                select(MenuItem.shop_id, func.count().label("item_count")).group_by(col(MenuItem.shop_id)).subquery()
            )
            query = (
                select(Shop, menu_size.c.item_count)
                .outerjoin(menu_size, menu_size.c.shop_id == Shop.id)
                .order_by(col(Shop.accepts_orders).desc(), col(Shop.id))
                .limit(200)
            )
            if orders:
                query = query.where(col(Shop.accepts_orders).is_(True))
            if name:
                query = query.where(col(Shop.name).contains(name))
            rows = (await session.exec(query)).all()
        return [
            {
                "id": found.id,
                "name": found.name,
                "area": found.area,
                "key": found.source_key,
                "menu_items": items or 0,
                "takes_orders": found.accepts_orders,
            }
            for found, items in rows
        ]

    shops = run_async(work)
    if as_json:
        echo_json(shops)
        return
    for row in shops:
        orders_mark = "orders" if row["takes_orders"] else ""
        click.echo(f"{row['id']:>6}  {row['name']:<24} {row['area']:<16} {row['menu_items']:>4} items  {orders_mark}")


@shop.command("import-menu")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--shop", "target", required=True, help="the shop's id, key or exact name (see kkini shop list)")
@click.pass_context
def shop_import_menu(ctx: click.Context, folder: Path, target: str) -> None:
    """Replace a shop's menu with a chain's menu files in FOLDER (products.csv, set_items.csv, menu_categories.csv).

    Items are matched by product_id, so importing again updates them; items the files no longer list are removed.
    The shop takes orders through kkini afterwards. A bad file writes nothing.
    """
    settings = settings_from(ctx)

    async def work() -> dict[str, Any]:
        async with running_services(settings) as services:
            return summary(await import_menu(services.db, folder, target))

    try:
        echo_json(run_async(work))
    except (MenuFileError, LookupError) as error:
        raise click.ClickException(str(error)) from None
