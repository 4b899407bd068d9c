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
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
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


async def _build(path: Path, burger_dir: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(db.engine)
        await load_sample_data(db, SampleDataSettings(burger_dir=burger_dir), KEY)
    finally:
        await db.close()


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("ordering") / "template.db"
    with ThreadPoolExecutor(1) as pool:  # its own loop: session fixtures run outside the tests' loops
        pool.submit(asyncio.run, _build(path, shared_dir / "data" / "burger")).result()
    return path


@pytest.fixture(scope="session")
def offline_nlu(kiwi: Kiwi) -> OfflineNLU:
    return OfflineNLU(kiwi=kiwi)


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


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ordering_app(
    tmp_path_factory: pytest.TempPathFactory,
    sample_db_file: Path,
    knowledge_dir: Path,
    offline_nlu: OfflineNLU,
    kiwi: Kiwi,
) -> AsyncIterator[OrderingApp]:
    """One engine for a module's conversations (building one takes seconds); each conversation has its own user."""
    board = RecordingBoard()
    async with copied_services(tmp_path_factory.mktemp("app"), sample_db_file, knowledge_dir) as services:
        async with running_dialogue(services, nlu=offline_nlu, kiwi=kiwi, staff_board=board) as engine:
            yield OrderingApp(services, engine, board)


@pytest.fixture(scope="session")
def burger_menu(sample_db_file: Path) -> ShopMenu:
    """The sample burger shop's menu, read once (for property tests that need no database of their own)."""

    async def read() -> ShopMenu:
        db = Database(f"sqlite+aiosqlite:///{sample_db_file}")
        try:
            menus = await OrderCatalogue(db).menus()
        finally:
            await db.close()
        return next(iter(menus.values()))

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, read()).result()
