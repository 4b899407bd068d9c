"""A loaded sample database and a dialogue engine over it, with a scripted or the real understanding."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from kiwipiepy import Kiwi

from bots.app import Services, running_dialogue
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from dialogue.messages import Final, IncomingMessage, ReplyEvent
from dialogue.nlu.types import Understanding
from dialogue.nlu.understander import OfflineNLU
from knowledge.corpus.pickle_loader import load_faq_pickle
from storage.database import Database
from storage.kv import InProcessStore
from storage.migrate import upgrade
from storage.sample import load_sample_data
from storage.settings import SampleDataSettings
from tests.fakes.nlu import ScriptedNLU

KEY = b"dialogue-test-key"
SELLER_TOPICS = ("회원가입", "가입", "정산", "배송", "반품", "교환", "수수료", "상품 등록", "톡톡", "탈퇴")


SELLER_EMBEDDING = "lsa"
"""The seller collections these engines build: hundreds of entries per test, which with the e5 default cost a minute
and a half of encoding per session. The engine's part (passages, follow-ups, the gate, refusals) reads hits the same
way whichever leg found them; the e5 leg over the real seller FAQ is tested in tests/knowledge and measured by
``kkini eval faq`` and bench/knowledge_bench.py. The meal assistant here runs on the e5 default."""


@pytest.fixture(scope="session")
def kiwi() -> Kiwi:
    """One morpheme analyser for the session: loading one takes about a second."""
    return Kiwi()


@pytest.fixture(scope="session")
def offline_nlu(kiwi: Kiwi) -> OfflineNLU:
    """kkini's own understander, trained once for the session (training takes seconds) and shared by the engines
    that need the real one."""
    return OfflineNLU(kiwi=kiwi)


@pytest.fixture(scope="session")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir shared by the session's engines, so the meal FAQ collection is built once."""
    return tmp_path_factory.mktemp("knowledge")


@pytest.fixture(scope="session")
def seller_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir shared by the session's seller engines: the seller collection is built by the first and opened,
    unchanged, by the others (each still has its own database)."""
    return tmp_path_factory.mktemp("seller-knowledge")


@pytest.fixture
async def sample_services(tmp_path: Path, shared_dir: Path, knowledge_dir: Path) -> AsyncIterator[Services]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'kkini.db'}")
    await upgrade(db.engine)
    await load_sample_data(db, SampleDataSettings(), KEY)
    kv = InProcessStore("test:")
    try:
        yield Services(settings=Settings(data_dir=knowledge_dir), db=db, kv=kv, card_hash_key=KEY)
    finally:
        await kv.close()
        await db.close()


async def collect(engine: DialogueEngine, message: IncomingMessage) -> list[ReplyEvent]:
    return [event async for event in engine.handle(message)]


def final(events: list[ReplyEvent]) -> Final:
    last = events[-1]
    assert isinstance(last, Final)
    return last


def console(user: str, text: str = "", payload: str | None = None, at: datetime | None = None) -> IncomingMessage:
    return IncomingMessage("console", user, text=text, payload=payload, received_at=at)


@pytest.fixture
async def script() -> dict[str, Understanding]:
    """What the scripted understanding answers; tests add their messages to it."""
    return {}


@pytest.fixture
async def engine(
    sample_services: Services, script: dict[str, Understanding], kiwi: Kiwi
) -> AsyncIterator[DialogueEngine]:
    """The engine as the application assembles it, over the sample database, with a scripted understanding."""
    async with running_dialogue(sample_services, nlu=ScriptedNLU(script), kiwi=kiwi) as dialogue:
        yield dialogue


@pytest.fixture(scope="session")
def seller_faq_file(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    """A part of the real SmartStore FAQ (the topics the scenarios ask about, and more), to keep the build short."""
    raw = load_faq_pickle(shared_dir / "data" / "smartstore_faq" / "final_result.pkl")
    chosen = [(q, a) for q, a in raw.items() if any(topic in q for topic in SELLER_TOPICS)][:450]
    path = tmp_path_factory.mktemp("seller") / "seller.jsonl"
    path.write_text("\n".join(json.dumps({"question": q, "answer": a}, ensure_ascii=False) for q, a in chosen))
    return path
