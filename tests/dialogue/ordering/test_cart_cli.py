"""``kkini cart show`` reading a console user's cart from the Redis session store, as a running kkini leaves it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from dialogue.ordering.cart import Cart, CartLine, OptionChange, save_cart
from dialogue.session import Session, SessionStore
from storage.kv import create_store


async def _store_cart(url: str, prefix: str, user: str, path: Path) -> None:
    kv = create_store(url, prefix, path=path)
    try:
        cart = Cart(shop_id=1, shop_name="든든버거 강남역점")
        line = cart.add(CartLine(0, 10, "불고기버거 세트", "set", 6900, 2))
        line.changes.append(OptionChange("side", 1, "감자튀김 (M)", 2, "양념감자 (칠리)", 600))
        session = Session(key=SessionStore.key_for("console", user))
        save_cart(session.order, cart)
        await SessionStore(kv).save(session)
    finally:
        await kv.close()


@pytest.fixture
def env(tmp_path: Path, redis_server: str, redis_prefix: str) -> dict[str, str]:
    values = {
        "KKINI_DATA_DIR": str(tmp_path),
        "KKINI_REDIS__URL": redis_server,
        "KKINI_REDIS__KEY_PREFIX": redis_prefix,
    }
    loaded = CliRunner().invoke(main, ["data", "load"], env=values)
    assert loaded.exit_code == 0, loaded.output
    return values


def test_cart_show_prints_lines_options_and_total(
    env: dict[str, str], redis_server: str, redis_prefix: str, tmp_path: Path
) -> None:
    asyncio.run(_store_cart(redis_server, redis_prefix, "demo07", tmp_path / "kv.sqlite3"))
    runner = CliRunner()
    shown = runner.invoke(main, ["cart", "show", "--user", "demo07", "--json"], env=env, catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["total"] == 15000 and data["shop"] == "든든버거 강남역점"
    assert data["lines"] == [
        {
            "line": 1,
            "name": "불고기버거 세트",
            "quantity": 2,
            "unit_price": 7500,
            "line_total": 15000,
            "options": ["감자튀김 (M) → 양념감자 (칠리) (+600원)"],
        }
    ]
    table = runner.invoke(main, ["cart", "show", "--user", "demo07"], env=env, catch_exceptions=False)
    assert "불고기버거 세트 x2  15,000원" in table.stdout and "total 15,000원" in table.stdout
    empty = runner.invoke(main, ["cart", "show", "--user", "demo08"], env=env, catch_exceptions=False)
    assert empty.exit_code == 0 and "the cart is empty" in empty.stdout


def test_cart_show_refuses_an_unknown_user(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["cart", "show", "--user", "nobody"], env=env)
    assert result.exit_code == 1 and "no console user 'nobody'" in result.output
