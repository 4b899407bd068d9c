"""An ordering engine over the sample data with the real offline understanding, and a staff board that records.

The sample database is built once per session and copied for each test (a file copy instead of a fresh load).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from kiwipiepy import Kiwi

from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.nlu.understander import OfflineNLU
from dialogue.ordering.catalogue import OrderCatalogue, ShopMenu
from dialogue.ordering.staff import StaffOrder
from storage.database import Database
from storage.importers.burger_menu import import_menu
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.sample.burger import BURGER_SHOP_KEY
from storage.settings import SampleDataSettings
from tests.dialogue.conftest import KEY


class RecordingBoard:
    """A `StaffBoard` that keeps what it was shown, as the Slack board would post and update it."""

    def __init__(self) -> None:
        self.posted: list[StaffOrder] = []
        self.updated: list[StaffOrder] = []

    async def post(self, order: StaffOrder) -> str | None:
        self.posted.append(order)
        return f"ts-{order.order_id}"

    async def update(self, order: StaffOrder) -> None:
        self.updated.append(order)


async def _build(path: Path, menu_dir: Path | None) -> None:
    """The sample data; with ``menu_dir``, the sample burger shop's menu replaced by the chain menu there."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(), KEY)
        if menu_dir is not None:
            await import_menu(db, menu_dir, BURGER_SHOP_KEY)
    finally:
        await db.close()


def _template(tmp_path_factory: pytest.TempPathFactory, name: str, menu_dir: Path | None) -> Path:
    path = tmp_path_factory.mktemp("ordering") / name
    with ThreadPoolExecutor(1) as pool:  # its own loop: session fixtures run outside the tests' loops
        pool.submit(asyncio.run, _build(path, menu_dir)).result()
    return path


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kkini's own sample data: 든든버거 강남역점 takes the orders."""
    return _template(tmp_path_factory, "template.db", None)


@pytest.fixture(scope="session")
def imported_menu_db_file(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    """The sample data with the shared burger chain's menu (../shared/data/burger) imported into the burger shop."""
    return _template(tmp_path_factory, "imported.db", shared_dir / "data" / "burger")


@asynccontextmanager
async def copied_services(folder: Path, template: Path, knowledge_dir: Path) -> AsyncIterator[Services]:
    path = folder / "kkini.db"
    shutil.copyfile(template, path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    kv = InProcessStore("test:")
    try:
        yield Services(settings=Settings(data_dir=knowledge_dir), db=db, kv=kv, card_hash_key=KEY)
    finally:
        await kv.close()
        await db.close()


@pytest.fixture
async def ordering_services(tmp_path: Path, sample_db_file: Path, knowledge_dir: Path) -> AsyncIterator[Services]:
    """A sample database of this test's own."""
    async with copied_services(tmp_path, sample_db_file, knowledge_dir) as services:
        yield services


@dataclass(slots=True)
class OrderingApp:
    """The engine as the application assembles it, with the offline understanding and a recording staff board."""

    services: Services
    engine: DialogueEngine
    board: RecordingBoard


@asynccontextmanager
async def app_over(
    folder: Path, template: Path, knowledge_dir: Path, nlu: OfflineNLU, kiwi: Kiwi
) -> AsyncIterator[OrderingApp]:
    board = RecordingBoard()
    async with copied_services(folder, template, knowledge_dir) as services:
        async with running_dialogue(services, nlu=nlu, kiwi=kiwi, staff_board=board) as engine:
            yield OrderingApp(services, engine, board)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ordering_app(
    tmp_path_factory: pytest.TempPathFactory,
    sample_db_file: Path,
    knowledge_dir: Path,
    offline_nlu: OfflineNLU,
    kiwi: Kiwi,
) -> AsyncIterator[OrderingApp]:
    """One engine for a module's conversations (building one takes seconds); each conversation has its own user."""
    async with app_over(tmp_path_factory.mktemp("app"), sample_db_file, knowledge_dir, offline_nlu, kiwi) as app:
        yield app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def imported_ordering_app(
    tmp_path_factory: pytest.TempPathFactory,
    imported_menu_db_file: Path,
    knowledge_dir: Path,
    offline_nlu: OfflineNLU,
    kiwi: Kiwi,
) -> AsyncIterator[OrderingApp]:
    """`ordering_app` over the burger shop selling the imported chain menu."""
    folder = tmp_path_factory.mktemp("imported-app")
    async with app_over(folder, imported_menu_db_file, knowledge_dir, offline_nlu, kiwi) as app:
        yield app


def _read_menu(db_file: Path) -> ShopMenu:
    async def read() -> ShopMenu:
        db = Database(f"sqlite+aiosqlite:///{db_file}")
        try:
            menus = await OrderCatalogue(db).menus()
        finally:
            await db.close()
        [menu] = menus.values()
        return menu

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, read()).result()


@pytest.fixture(scope="session")
def burger_menu(sample_db_file: Path) -> ShopMenu:
    """The sample burger shop's menu, read once (for property tests that need no database of their own)."""
    return _read_menu(sample_db_file)


@pytest.fixture(scope="session")
def imported_burger_menu(imported_menu_db_file: Path) -> ShopMenu:
    """The burger shop's menu after the chain menu was imported into it."""
    return _read_menu(imported_menu_db_file)
